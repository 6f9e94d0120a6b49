/**
 * What the process-level reliability tests share: a webhook receiver that deduplicates by
 * Idempotency-Key and counts what it got, the ppmat.yaml of the crash child's tenant and
 * channels, and a child process whose JSON marker lines can be awaited.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../src/store/paths.js';

export const CRASH_TENANT_ID = '6f2c7c1e-0000-4000-8000-00000000c4a5';
/** Two channels: every alert event must reach each of them exactly once. */
export const CRASH_CHANNELS = ['ops', 'siem'] as const;
export const HOOK_SECRET = 'crash-hook-secret-0123456789';

/**
 * Builds crash-child.ts and the ppmat sources it imports into one ES module, as `npm run build`
 * compiles them, and returns its path (and a function that removes it). A child started from it
 * needs no TypeScript loader: through tsx each child spent 3-4 s of a loaded 2-core machine
 * importing ~600 modules, against about 1 s for the bundle, and the test starts 50 of them.
 *
 * The bundle lies two folders below the package root (node_modules/.cache), where src/store/
 * paths.ts's PACKAGE_ROOT (two folders up from the module) still finds rules/ and prisma/, and
 * packages resolve from node_modules as usual (they are left out of the bundle).
 */
export async function bundleCrashChild(): Promise<{ script: string; remove(): Promise<void> }> {
  // tsx's own esbuild: the TypeScript compiler the tests already run on.
  const esbuild = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'))('esbuild') as typeof import('esbuild');
  const dir = path.join(PACKAGE_ROOT, 'node_modules', '.cache');
  await mkdir(dir, { recursive: true });
  const script = path.join(dir, `ppmat-crash-child-${process.pid}-${Date.now()}.mjs`);
  await esbuild.build({
    stdin: {
      contents: [
        "import { runCrashChild } from './test/reliability/crash-child.ts';",
        'try {',
        '  await runCrashChild(process.env, process.cwd());',
        '} catch (error) {',
        "  process.stderr.write(`crash child failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\\n`);",
        '  process.exitCode = 1;',
        '}',
      ].join('\n'),
      resolveDir: PACKAGE_ROOT,
      sourcefile: 'crash-child-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: script,
    logLevel: 'warning',
  });
  return { script, remove: () => rm(script, { force: true }) };
}

/** One alert event as a receiver processed it. */
export interface Processed {
  key: string;
  channel: string;
  /** The alert's id in the payload (`tenant:key:openedScanId`). */
  alert: string;
  kind: string;
}

export interface Receiver {
  url: string;
  /** Requests per Idempotency-Key, re-sends included. */
  requests: Map<string, number>;
  /** Keys processed (the first request of each key; later ones are acknowledged and dropped). */
  processed: Map<string, Processed>;
  /** Requests received and not answered yet (a delivery in flight). */
  inFlight(): number;
  /** Alert events (alert, kind, channel) processed more than once, under different keys. */
  duplicatedEvents(): string[];
  close(): Promise<void>;
}

/**
 * A webhook receiver on 127.0.0.1 that processes each Idempotency-Key once, as receivers are
 * asked to, and answers after `answer()`: a delay in milliseconds (a slow receiver keeps
 * deliveries in flight long enough to be killed in), or a promise the test settles. The channel
 * is the request path's last segment.
 */
export async function startReceiver(answer: () => number | Promise<void>): Promise<Receiver> {
  const requests = new Map<string, number>();
  const processed = new Map<string, Processed>();
  const waiting = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const key = String(request.headers['idempotency-key']);
      requests.set(key, (requests.get(key) ?? 0) + 1);
      if (!processed.has(key)) {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string; kind: string };
        processed.set(key, { key, channel: (request.url ?? '').split('/').pop() ?? '', alert: body.id, kind: body.kind });
      }
      waiting.add(response);
      const reply = () => {
        waiting.delete(response);
        if (!response.destroyed) response.writeHead(200).end('ok');
      };
      const when = answer();
      if (typeof when === 'number') setTimeout(reply, when);
      else void when.then(reply);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    requests,
    processed,
    inFlight: () => [...waiting].filter((r) => !r.destroyed && !r.socket?.destroyed).length,
    duplicatedEvents() {
      const seen = new Map<string, number>();
      for (const p of processed.values()) seen.set(`${p.alert}|${p.kind}|${p.channel}`, (seen.get(`${p.alert}|${p.kind}|${p.channel}`) ?? 0) + 1);
      return [...seen].filter(([, n]) => n > 1).map(([event]) => event);
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The crash child's ppmat.yaml: one tenant (endpoints set by the child), two webhook channels to `receiverUrl`. */
export async function writeCrashConfig(dir: string, options: { receiverUrl: string; claimSeconds: number; leaseSeconds: number }): Promise<void> {
  await writeFile(
    path.join(dir, 'ppmat.yaml'),
    [
      'tenants:',
      `  - id: ${CRASH_TENANT_ID}`,
      '    displayName: Crash tenant',
      '    credential: { kind: static, tokenEnv: CRASH_TOKEN }',
      'alerts:',
      `  claimSeconds: ${options.claimSeconds}`,
      '  channels:',
      ...CRASH_CHANNELS.map((name) => `    - { name: ${name}, type: webhook, url: "${options.receiverUrl}/${name}", secret: "env:HOOK_SECRET", minSeverity: info }`),
      'scans:',
      `  leaseSeconds: ${options.leaseSeconds}`,
      'log: { level: warn, format: json }',
      '',
    ].join('\n'),
  );
}

/** A marker line of a child (or a JSON log line), with when this process read it. */
export type Marker = Record<string, unknown> & { m?: string; msg?: string; at: number };

export interface MarkedChild {
  child: ChildProcess;
  markers: Marker[];
  /** The first marker (seen or to come) that `match` accepts; rejects when the child exits first or after `timeoutMs`. */
  waitFor(match: (marker: Marker) => boolean, timeoutMs?: number): Promise<Marker>;
  /** Resolves when the child exited: its code, or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Standard error so far (logs, the error of a failed child). */
  stderr(): string;
  /** Standard output so far, when markers are read from standard error. */
  stdout(): string;
}

/**
 * Starts `node script ...args` in `cwd` with `env`, reading JSON lines from its standard output
 * (markers), or from standard error (`markersFrom: 'stderr'`: a ppmat command's JSON logs).
 */
export function spawnMarked(script: string, options: { cwd: string; env: NodeJS.ProcessEnv; args?: string[]; markersFrom?: 'stdout' | 'stderr' }): MarkedChild {
  const child = spawn(process.execPath, [script, ...(options.args ?? [])], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const fromStderr = options.markersFrom === 'stderr';
  const markers: Marker[] = [];
  const waiters = new Set<{ match: (marker: Marker) => boolean; resolve: (marker: Marker) => void }>();
  let stderr = '';
  let buffer = '';
  let stdout = '';
  (fromStderr ? child.stderr! : child.stdout!).on('data', (chunk: Buffer) => {
    if (fromStderr) stderr += chunk.toString('utf8');
    buffer += chunk.toString('utf8');
    for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
      if (!line.startsWith('{')) continue;
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      const marker: Marker = { ...parsed, at: performance.now() };
      markers.push(marker);
      for (const waiter of [...waiters]) {
        if (!waiter.match(marker)) continue;
        waiters.delete(waiter);
        waiter.resolve(marker);
      }
    }
  });
  if (fromStderr) child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  else child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  return {
    child,
    markers,
    exited,
    stderr: () => stderr,
    stdout: () => stdout,
    waitFor(match, timeoutMs = 180_000) {
      const seen = markers.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise<Marker>((resolve, reject) => {
        const waiter = { match, resolve: (marker: Marker) => (clearTimeout(timer), resolve(marker)) };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no such marker after ${timeoutMs} ms; last: ${JSON.stringify(markers.at(-1)).slice(0, 300)}; stderr: ${stderr.slice(-2_000)}`));
        }, timeoutMs);
        waiters.add(waiter);
        void exited.then(({ code, signal }) => {
          if (!waiters.delete(waiter)) return;
          clearTimeout(timer);
          reject(new Error(`the child exited (${code ?? signal}) before the marker; stderr: ${stderr.slice(-3_000)}`));
        });
      });
    },
  };
}
