/**
 * `npm run bench`: scans a simulated tenant of 10,000 environments, 100,000 apps and
 * 200,000 flows under a simulated throttle, then scans it again unchanged, and prints:
 * requests made, the least time the throttle allows for them, the actual time, their ratio,
 * the 429s, peak memory, and the rescan's requests against the first scan's. Writes
 * bench/results/collect.json.
 *
 * Options: --size envs,apps,flows[,policies]  --throttle <requests per second per host>
 *          --concurrency <per host>  --out <file>
 * The simulator runs in a child process; the scan stores into a fresh embedded database
 * (PGlite, in this process: its memory is part of peakRssMb, the JS heap is shown apart).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import { openApp, scanDeps } from '../src/cli/app.js';
import { configuredTarget } from '../src/cli/tenant-targets.js';
import { runScan, type ScanOutcome, type ScanProgressEvent } from '../src/scheduler/run-scan.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

interface SimulatorStats {
  requests: number;
  throttled: number;
  /** Requests answered (not 429) per virtual host. */
  byHost: Record<string, number>;
}

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '10000,100000,200000' },
    throttle: { type: 'string', default: '2000' },
    burst: { type: 'string' },
    concurrency: { type: 'string', default: '16' },
    out: { type: 'string', default: path.join(HERE, 'results', 'collect.json') },
  },
});
const [environments = 10_000, apps = 100_000, flows = 200_000, policies = 50] = (values.size ?? '').split(',').map((n) => Number.parseInt(n, 10));
const requestsPerSecond = Number(values.throttle);
const burst = values.burst === undefined ? requestsPerSecond : Number(values.burst);
const concurrency = Number(values.concurrency);

function startChild(): Promise<{ child: ChildProcess; url: string; tenantId: string }> {
  const child = fork(path.join(HERE, 'simulator-child.ts'), {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      PPMAT_BENCH_SIMULATOR: JSON.stringify({
        seed: 7,
        profile: 'defined',
        size: { environments, apps, flows, policies },
        pageSize: 100,
        throttle: { requestsPerSecond, burst },
      }),
    },
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the simulator exited with ${code}`)));
    child.once('message', (m: { url: string; tenantId: string }) => resolve({ child, url: m.url, tenantId: m.tenantId }));
  });
}

function simulatorStats(child: ChildProcess): Promise<SimulatorStats> {
  return new Promise((resolve) => {
    const onMessage = (m: { type: string; stats: SimulatorStats }): void => {
      if (m.type !== 'stats') return;
      child.off('message', onMessage);
      resolve(m.stats);
    };
    child.on('message', onMessage);
    child.send({ type: 'stats' });
  });
}

/** The least time a token bucket of `requestsPerSecond` (and `burst`) per host allows for these answered requests. */
function leastSeconds(before: SimulatorStats, after: SimulatorStats): number {
  let worst = 0;
  for (const [host, count] of Object.entries(after.byHost)) {
    const answered = count - (before.byHost[host] ?? 0);
    worst = Math.max(worst, Math.max(0, answered - burst) / requestsPerSecond);
  }
  return worst;
}

/**
 * Peak memory. heapUsed includes garbage V8 has not collected yet, so with `--expose-gc`
 * (the npm script passes it) a full collection runs every 2 s first and `peakLiveHeap` is
 * what the scan really holds: flat when nothing grows with the tenant.
 */
const memory = { peakRss: 0, peakHeap: 0, peakLiveHeap: 0 };
const gc = (globalThis as { gc?: () => void }).gc;
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  memory.peakRss = Math.max(memory.peakRss, usage.rss);
  memory.peakHeap = Math.max(memory.peakHeap, usage.heapUsed);
}, 100);
sampler.unref();
const liveSampler = setInterval(() => {
  if (!gc) return;
  gc();
  memory.peakLiveHeap = Math.max(memory.peakLiveHeap, process.memoryUsage().heapUsed);
}, 2000);
liveSampler.unref();

const snapshotAt = process.env.PPMAT_BENCH_HEAPSNAPSHOT_AT ? Number(process.env.PPMAT_BENCH_HEAPSNAPSHOT_AT) : null;

const mb = (bytes: number): number => Math.round(bytes / 1024 / 1024);

async function main(): Promise<void> {
  const { child, url, tenantId } = await startChild();
  const dir = await mkdtemp(path.join(tmpdir(), 'ppmat-bench-'));
  const configPath = path.join(dir, 'ppmat.yaml');
  await writeFile(
    configPath,
    [
      `dataDir: ${path.join(dir, 'data')}`,
      'log:',
      '  level: warn',
      '  format: json',
      'http:',
      `  maxConcurrencyPerHost: ${concurrency}`,
      'tenants:',
      `  - id: ${tenantId}`,
      '    displayName: Bench tenant',
      '    endpoints:',
      ...['bap', 'powerApps', 'flow', 'powerPlatform', 'graph'].map((s) => `      ${s}: ${url}`),
      `      dataverse: ${url}/dataverse`,
      '    credential:',
      '      kind: static',
      '      tokenEnv: PPMAT_BENCH_TOKEN',
    ].join('\n'),
  );
  const env = { ...process.env, PPMAT_BENCH_TOKEN: 'bench-token' };
  const app = await openApp({ configPath, cwd: dir, env, defaultLogLevel: 'warn', logToTerminal: false });
  const tenant = app.config.tenants[0];
  if (!tenant) throw new Error('the bench config has no tenant');
  const target = await configuredTarget(app.config, tenant, app.log, env);
  await app.store.upsertTenant(target.tenant);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());

  const scan = async (label: string): Promise<{ outcome: ScanOutcome; seconds: number; minSeconds: number; throttled: number }> => {
    const before = await simulatorStats(child);
    let lastLine = 0;
    const onProgress = (event: ScanProgressEvent): void => {
      if (event.type !== 'collector-progress' || event.collector !== 'inventory') return;
      // PPMAT_BENCH_HEAPSNAPSHOT_AT=n: what the scan holds once n environments are done.
      if (label === 'first scan' && snapshotAt !== null && event.pages === snapshotAt) {
        gc?.();
        process.stderr.write(`heap snapshot: ${writeHeapSnapshot(`/tmp/ppmat-bench-${snapshotAt}.heapsnapshot`)}\n`);
      }
      if (performance.now() - lastLine < 5000) return;
      lastLine = performance.now();
      process.stderr.write(`  ${label}: ${event.pages}/${environments} environments, ${event.requests} inventory requests\n`);
    };
    const started = performance.now();
    const outcome = await runScan(scanDeps(app, target, controller.signal, onProgress), { tenantId, attestations: [] }, 'manual');
    const seconds = (performance.now() - started) / 1000;
    const after = await simulatorStats(child);
    return { outcome, seconds, minSeconds: leastSeconds(before, after), throttled: after.throttled - before.throttled };
  };

  process.stderr.write(`bench: ${environments} environments, ${apps} apps, ${flows} flows; throttle ${requestsPerSecond}/s per host (burst ${burst}); ${concurrency} requests in flight per host\n`);
  const first = await scan('first scan');
  // PPMAT_BENCH_HEAPSNAPSHOT=file: what the process still holds once the first scan is done.
  if (process.env.PPMAT_BENCH_HEAPSNAPSHOT) {
    gc?.();
    process.stderr.write(`heap snapshot: ${writeHeapSnapshot(process.env.PPMAT_BENCH_HEAPSNAPSHOT)}\n`);
  }
  const second = await scan('rescan');
  await app.close();
  child.send({ type: 'close' });
  await rm(dir, { recursive: true, force: true });

  const requests = (outcome: ScanOutcome): number => outcome.collectorRuns.reduce((sum, run) => sum + run.requests, 0);
  const usage = process.resourceUsage();
  const result = {
    size: { environments, apps, flows, policies },
    throttle: { requestsPerSecond, burst, concurrencyPerHost: concurrency },
    status: first.outcome.status,
    requests: requests(first.outcome),
    minSeconds: round(first.minSeconds),
    actualSeconds: round(first.seconds),
    throttleRatio: round(first.seconds / Math.max(first.minSeconds, 0.001)),
    throttled429: first.throttled,
    peakRssMb: Math.max(mb(memory.peakRss), Math.round(usage.maxRSS / 1024)),
    peakHeapMb: mb(memory.peakHeap),
    peakLiveHeapMb: gc ? mb(memory.peakLiveHeap) : null,
    evidenceNew: first.outcome.saved.evidenceNew,
    rescanRequests: requests(second.outcome),
    rescanRequestRatio: round(requests(second.outcome) / Math.max(1, requests(first.outcome))),
    rescanSeconds: round(second.seconds),
    rescanMinSeconds: round(second.minSeconds),
    rescanThrottled429: second.throttled,
    rescanEvidenceNew: second.outcome.saved.evidenceNew,
    levels: Object.fromEntries(first.outcome.areaScores.map((a) => [a.area, a.level])),
    node: process.version,
    at: new Date().toISOString(),
  };
  await mkdir(path.dirname(values.out ?? ''), { recursive: true });
  await writeFile(values.out ?? '', `${JSON.stringify(result, null, 2)}\n`);
  console.table({
    'first scan': { requests: result.requests, 'least s': result.minSeconds, 'actual s': result.actualSeconds, ratio: result.throttleRatio, '429s': result.throttled429 },
    // Under a second of throttle time the ratio says nothing (the burst absorbs the requests).
    rescan: {
      requests: result.rescanRequests,
      'least s': result.rescanMinSeconds,
      'actual s': result.rescanSeconds,
      ratio: second.minSeconds >= 1 ? round(second.seconds / second.minSeconds) : 'n/a',
      '429s': result.rescanThrottled429,
    },
  });
  console.log(
    `peak memory: ${result.peakRssMb} MB RSS (embedded database included), ${result.peakHeapMb} MB JS heap` +
      (result.peakLiveHeapMb === null ? '' : `, ${result.peakLiveHeapMb} MB live JS heap (after full collections)`),
  );
  console.log(`rescan requests / first scan requests: ${result.rescanRequestRatio}`);
  console.log(`wrote ${values.out}`);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

await main();
