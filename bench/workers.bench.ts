/**
 * The workers bench (run by `npm run bench`, bench/run.ts): distributed mode's speed-up. The
 * same scheduled run of `--tenants` simulated tenants (default 50; each a demo tenant of 4
 * environments behind a simulator with 100 ms answers and a throttle of 5 requests/s per
 * token and host, so a scan waits on the API as a real one does) is queued into a fresh PostgreSQL database and scanned by 1, then by 3
 * `ppmat worker --concurrency 2` processes; `workerSpeedup` is the first time over the second
 * (goal: at least 2.5 where the throttle allows: every tenant has its own budget here).
 *
 * PostgreSQL: PPMAT_BENCH_DATABASE_URL (a server URL; a database is created per run), else a
 * throwaway server is started from the Debian packages when they are installed, else the
 * bench writes `workerSpeedup: null` with the reason. Writes bench/results/workers.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { openScanQueue } from '../src/queue/scan-queue.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/server.js';
import { openDatabase } from '../src/store/database.js';
import { createDatabaseOn } from '../test/support/test-database.js';
import { intOption, parseBenchArgs } from './bench-options.js';
import { startLocalPostgres } from './local-postgres.js';
import { round } from './stats.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const values = parseBenchArgs();
const small = values.size !== undefined;
const tenantCount = Math.max(1, intOption(values.tenants, 'tenants', small ? 6 : 50));
const out = values.out ?? path.join(HERE, 'results', 'workers.json');
const WORKER_COUNTS = [1, 3] as const;
const PER_WORKER = 2;
const LATENCY_MS = 100;
/** Per token and host: a scan's ~220 requests over its hosts take seconds, as against a real tenant's throttle, not milliseconds of CPU. */
const THROTTLE = { requestsPerSecond: 5, burst: 5 };
const SLOT = 'schedule:bench';

async function writeResult(result: Record<string, unknown>): Promise<void> {
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify({ bench: 'workers', goals: { workerSpeedup: { min: 2.5 } }, ...result }, null, 2)}\n`);
}

/** One run: a fresh database, the jobs queued, `workers` processes until every tenant has a scan with results. */
async function run(serverUrl: string, simulators: RunningSimulator[], workers: number): Promise<{ seconds: number; scans: number; throttled: number }> {
  const database = await createDatabaseOn(serverUrl, 'ppmat_bench');
  const databaseUrl = database.url;
  const dir = await mkdtemp(path.join(tmpdir(), 'ppmat-bench-workers-'));
  const log = pino({ level: 'silent' });
  const db = await openDatabase({ databaseUrl, dataDir: 'unused', log });
  const queue = await openScanQueue({ databaseUrl, log, jobTimeoutSeconds: 3600, retryLimit: 3, retryDelaySeconds: 10 });
  const children: ChildProcess[] = [];
  try {
    const tenants = simulators.flatMap((sim, i) => [
      `  - id: ${sim.tenantId}`,
      `    displayName: Bench tenant ${i + 1}`,
      '    endpoints:',
      ...['bap', 'powerApps', 'flow', 'powerPlatform', 'graph'].map((surface) => `      ${surface}: ${sim.url}`),
      `      dataverse: ${sim.url}/dataverse`,
      '    credential: { kind: static, tokenEnv: PPMAT_BENCH_TOKEN }',
    ]);
    await writeFile(path.join(dir, 'ppmat.yaml'), [`databaseUrl: ${databaseUrl}`, 'scans: { mode: queue }', 'tenants:', ...tenants, ''].join('\n'));
    // Workers first, timed from when every one takes jobs: the speed-up of scanning, not of start-up.
    const ready: Promise<void>[] = [];
    for (let i = 0; i < workers; i++) {
      const child = spawn(process.execPath, [path.join(HERE, '..', 'bin', 'ppmat.js'), 'worker', '--concurrency', String(PER_WORKER)], {
        cwd: dir,
        env: { ...process.env, PPMAT_BENCH_TOKEN: 'bench-token', PPMAT_LOG_LEVEL: 'warn', PPMAT_LOG_FORMAT: 'json', DATABASE_URL: databaseUrl },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      ready.push(
        new Promise<void>((resolve, reject) => {
          child.stdout!.on('data', (chunk: Buffer) => (chunk.toString().includes('taking scan jobs') ? resolve() : undefined));
          child.once('exit', (code) => reject(new Error(`a worker exited (${code}) before taking jobs`)));
        }),
      );
    }
    await Promise.all(ready);
    const before = simulators.reduce((sum, sim) => sum + sim.stats().throttled, 0);
    const started = performance.now();
    for (const sim of simulators) await queue.enqueue({ tenantId: sim.tenantId, trigger: 'schedule', slot: SLOT });
    for (;;) {
      const done = await db.prisma.scan.count({ where: { status: { in: ['succeeded', 'partial'] } } });
      if (done >= simulators.length) break;
      if (children.every((child) => child.exitCode !== null)) throw new Error('every worker exited before the run was scanned');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seconds = (performance.now() - started) / 1000;
    const scans = await db.prisma.scan.count();
    return { seconds, scans, throttled: simulators.reduce((sum, sim) => sum + sim.stats().throttled, 0) - before };
  } finally {
    const exits = children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve))));
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(exits);
    await queue.stop(1000);
    await db.close();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

let server: { url: string; stop(): Promise<void> } | null = null;
const given = process.env.PPMAT_BENCH_DATABASE_URL;
if (!given) server = await startLocalPostgres().catch((error: unknown) => (console.error(`no PostgreSQL server: ${(error as Error).message}`), null));
const serverUrl = given ?? server?.url;
if (!serverUrl) {
  await writeResult({ workerSpeedup: null, note: 'no PostgreSQL server: set PPMAT_BENCH_DATABASE_URL, or install the postgresql package' });
  console.log('workers bench skipped: no PostgreSQL server');
} else {
  const simulators: RunningSimulator[] = [];
  try {
    for (let i = 0; i < tenantCount; i++) simulators.push(await startSimulator({ seed: 1000 + i, profile: 'defined', environments: 4, latencyMs: LATENCY_MS, throttle: THROTTLE }));
    const runs: Record<number, Awaited<ReturnType<typeof run>>> = {};
    for (const workers of WORKER_COUNTS) {
      process.stderr.write(`${tenantCount} tenants, ${workers} worker(s) x ${PER_WORKER}...\n`);
      runs[workers] = await run(serverUrl, simulators, workers);
      process.stderr.write(`  ${round(runs[workers].seconds, 1)} s, ${runs[workers].scans} scans, ${runs[workers].throttled} answers 429\n`);
    }
    const one = runs[1]!;
    const three = runs[3]!;
    const result = {
      tenants: tenantCount,
      perWorkerConcurrency: PER_WORKER,
      simulator: { latencyMs: LATENCY_MS, throttle: THROTTLE, environmentsPerTenant: 4 },
      oneWorkerSeconds: round(one.seconds, 2),
      threeWorkerSeconds: round(three.seconds, 2),
      workerSpeedup: round(one.seconds / three.seconds, 2),
      throttled: { oneWorker: one.throttled, threeWorkers: three.throttled },
      scans: { oneWorker: one.scans, threeWorkers: three.scans },
    };
    await writeResult(result);
    console.log(`workers: ${tenantCount} tenants in ${result.oneWorkerSeconds} s with 1 worker, ${result.threeWorkerSeconds} s with 3: speed-up ${result.workerSpeedup}`);
  } finally {
    for (const sim of simulators) await sim.close();
    await server?.stop();
  }
}
