/**
 * The collect bench (run by `npm run bench`, bench/run.ts): scans a simulated tenant of 10,000
 * environments, 100,000 apps and 200,000 flows under a simulated throttle, then scans it again
 * unchanged, and prints: requests made, the least time the throttle allows for them, the
 * actual time, their ratio, the 429s, peak memory, the rescan's requests against the first
 * scan's, the bytes each scan added to the database (pg_total_relation_size of every table,
 * before and after), and how long judging the first scan takes when it is replayed from the
 * store (bench/judge-replay.ts: facts, every check, scoring; the median of `--repeat`).
 * Writes bench/results/collect.json.
 *
 * Options (bench/bench-options.ts): --size envs,apps,flows[,policies]
 *          --throttle <requests per second per host>  --burst <n>  --concurrency <per host>
 *          --repeat <judge steps timed>  --out <file>
 * The simulator runs in a child process; the scan stores into a fresh embedded database
 * (PGlite, in this process: its memory is part of peakRssMb, the JS heap is shown apart).
 * peakRssMb covers the two scans; the replay that follows is measured apart.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeHeapSnapshot } from 'node:v8';
import { openApp, scanDeps } from '../src/cli/app.js';
import { configuredTarget } from '../src/cli/tenant-targets.js';
import { runScan, type ScanOutcome, type ScanProgressEvent } from '../src/scheduler/run-scan.js';
import { intOption, parseBenchArgs } from './bench-options.js';
import { replayJudgement } from './judge-replay.js';
import { growth, round } from './stats.js';
import { tableBytes } from './table-bytes.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

interface SimulatorStats {
  requests: number;
  throttled: number;
  /** Requests answered (not 429) per virtual host. */
  byHost: Record<string, number>;
  /** Requests answered (not 429) per endpoint family. */
  byFamily: Record<string, number>;
}

/** Requests per endpoint family between two readings, largest first. */
function familyRequests(before: SimulatorStats, after: SimulatorStats): Record<string, number> {
  const counts = Object.entries(after.byFamily).map(([family, n]) => [family, n - (before.byFamily[family] ?? 0)] as const);
  return Object.fromEntries(counts.filter(([, n]) => n > 0).sort(([, a], [, b]) => b - a));
}

const values = parseBenchArgs();
const out = values.out ?? path.join(HERE, 'results', 'collect.json');
const [environments = 10_000, apps = 100_000, flows = 200_000, policies = 50] = (values.size ?? '10000,100000,200000').split(',').map((n) => Number.parseInt(n, 10));
const requestsPerSecond = intOption(values.throttle, 'throttle', 2000);
const burst = intOption(values.burst, 'burst', requestsPerSecond);
const concurrency = intOption(values.concurrency, 'concurrency', 16);
const repeat = Math.max(1, intOption(values.repeat, 'repeat', 5));

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
  const judging = scanDeps(app, target, controller.signal);

  const scan = async (label: string): Promise<{ outcome: ScanOutcome; seconds: number; minSeconds: number; throttled: number; byFamily: Record<string, number> }> => {
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
    return { outcome, seconds, minSeconds: leastSeconds(before, after), throttled: after.throttled - before.throttled, byFamily: familyRequests(before, after) };
  };

  process.stderr.write(`bench: ${environments} environments, ${apps} apps, ${flows} flows; throttle ${requestsPerSecond}/s per host (burst ${burst}); ${concurrency} requests in flight per host\n`);
  const loadBefore = loadavg()[0]!;
  const bytesBefore = await tableBytes(app.db.pool);
  const first = await scan('first scan');
  const bytesAfterFirst = await tableBytes(app.db.pool);
  // PPMAT_BENCH_HEAPSNAPSHOT=file: what the process still holds once the first scan is done.
  if (process.env.PPMAT_BENCH_HEAPSNAPSHOT) {
    gc?.();
    process.stderr.write(`heap snapshot: ${writeHeapSnapshot(process.env.PPMAT_BENCH_HEAPSNAPSHOT)}\n`);
  }
  const second = await scan('rescan');
  const bytesAfterRescan = await tableBytes(app.db.pool);
  // The scans' memory, before the replay below holds every inventory document at once.
  const scanMemory = { ...memory, maxRss: process.resourceUsage().maxRSS * 1024 };
  const loadAfterScans = loadavg()[0]!;
  child.send({ type: 'close' });

  process.stderr.write(`  replaying the first scan's judge step ${repeat} times\n`);
  memory.peakRss = 0;
  const replay = await replayJudgement(app, first.outcome.scanId, {
    repeat,
    attestations: [],
    ...(judging.parameters ? { parameters: judging.parameters } : {}),
    ...(judging.scoring ? { scoring: judging.scoring } : {}),
  });
  const replayPeakRss = memory.peakRss;
  await app.close();
  await rm(dir, { recursive: true, force: true });

  const requests = (outcome: ScanOutcome): number => outcome.collectorRuns.reduce((sum, run) => sum + run.requests, 0);
  const firstBytes = growth(bytesBefore, bytesAfterFirst);
  const rescanBytes = growth(bytesAfterFirst, bytesAfterRescan);
  const result = {
    size: { environments, apps, flows, policies },
    throttle: { requestsPerSecond, burst, concurrencyPerHost: concurrency },
    status: first.outcome.status,
    requests: requests(first.outcome),
    minSeconds: round(first.minSeconds),
    actualSeconds: round(first.seconds),
    throttleRatio: round(first.seconds / Math.max(first.minSeconds, 0.001)),
    throttled429: first.throttled,
    peakRssMb: mb(Math.max(scanMemory.peakRss, scanMemory.maxRss)),
    peakHeapMb: mb(scanMemory.peakHeap),
    peakLiveHeapMb: gc ? mb(scanMemory.peakLiveHeap) : null,
    evidenceNew: first.outcome.saved.evidenceNew,
    rescanRequests: requests(second.outcome),
    requestsByFamily: first.byFamily,
    rescanRequestsByFamily: second.byFamily,
    rescanRequestRatio: round(requests(second.outcome) / Math.max(1, requests(first.outcome))),
    rescanSeconds: round(second.seconds),
    rescanMinSeconds: round(second.minSeconds),
    rescanThrottled429: second.throttled,
    rescanEvidenceNew: second.outcome.saved.evidenceNew,
    firstScanBytes: firstBytes.total,
    rescanBytes: rescanBytes.total,
    storageRatio: round(rescanBytes.total / Math.max(1, firstBytes.total), 5),
    firstScanBytesByTable: Object.fromEntries(firstBytes.byTable),
    rescanBytesByTable: Object.fromEntries(rescanBytes.byTable),
    evalSeconds: round(replay.medianSeconds),
    evalRunsSeconds: replay.seconds.map((s) => round(s)),
    evalLoadSeconds: round(replay.loadSeconds),
    evalPartitionDocuments: replay.partitionDocuments,
    evalChecks: replay.checks,
    evalStatements: replay.statements,
    evalPeakRssMb: mb(replayPeakRss),
    evalDisagreements: replay.disagreements,
    // Other processes on the machine slow the bench down: the 1-minute load average before the scans, after them, after the replay.
    loadAverage: [round(loadBefore, 2), round(loadAfterScans, 2), round(loadavg()[0]!, 2)],
    levels: Object.fromEntries(first.outcome.areaScores.map((a) => [a.area, a.level])),
    node: process.version,
    at: new Date().toISOString(),
  };
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
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
  console.log(`rescan requests / first scan requests: ${result.rescanRequestRatio} (rescan: ${Object.entries(second.byFamily).map(([f, n]) => `${f} ${n}`).join(', ')})`);
  console.log(
    `database growth (pg_total_relation_size of every table): first scan ${mib(firstBytes.total)}, unchanged rescan ${mib(rescanBytes.total)} ` +
      `(${rescanBytes.byTable.map(([table, bytes]) => `${table} ${mib(bytes)}`).join(', ') || 'nothing'}); ratio ${result.storageRatio}`,
  );
  console.log(
    `judge step replayed from the store (${replay.partitionDocuments} partition documents, ${replay.checks} checks, ${replay.statements} statements): ` +
      `median ${result.evalSeconds} s of ${repeat} (${result.evalRunsSeconds.join(', ')}); reading them back took ${result.evalLoadSeconds} s; ` +
      (replay.disagreements.length === 0 ? 'the replay judges as the scan did' : `${replay.disagreements.length} differences from the stored judgement: ${replay.disagreements.slice(0, 5).join('; ')}`),
  );
  console.log(`wrote ${out}`);
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

await main();
