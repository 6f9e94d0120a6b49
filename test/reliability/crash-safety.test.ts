/**
 * Issue 8 item 2, crash safety: ppmat is killed (SIGKILL) at random points of 50 scans, while it
 * collects, while it writes a scan's results, and while it delivers the alerts the scan raised.
 * After each kill a fresh process reopens the database (the embedded PGlite recovers from the
 * files the dead process left), sweeps the orphaned scan, runs a scan and a delivery to the end,
 * and then the database must be consistent:
 * - no scan is `running`; the killed scan is `aborted` (with no rows of results) unless it had
 *   committed, and the reader never offers an uncommitted scan as a result;
 * - every committed scan has one row per check, capability statement and area of the rule set,
 *   and every evidence reference points at a stored document;
 * - every alert a committed scan raised or resolved has one outbox message per channel, each
 *   delivered: the receiver (deduplicating by Idempotency-Key, as receivers are asked to) has
 *   processed each exactly once, and no alert event under two keys.
 *
 * The tenant alternates between two postures (a DLP policy deleted, then back), so every
 * committed scan after the first raises or resolves an alert. Kill points are drawn from a
 * seeded generator: a phase, then a delay within that phase's duration as this run measured it
 * (the child prints phase markers; see crash-child.ts). A slow simulator (latency per request)
 * and a slow receiver (answers after 150-400 ms) keep the windows wide.
 *
 * Runs on the embedded database and, with PPMAT_TEST_DATABASE_URL, also on PostgreSQL (fewer
 * trials: a killed process's lease is waited out there). PPMAT_CRASH_TRIALS changes the count.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { ORPHANED_REASON } from '../../src/cli/scan-lease.js';
import { loadRuleSet } from '../../src/rules/load-rules.js';
import { mulberry32 } from '../../src/simulator/prng.js';
import { openDatabase } from '../../src/store/database.js';
import { RULES_DIR } from '../../src/store/paths.js';
import { recordFigures } from '../support/figures.js';
import { createDatabaseOn } from '../support/test-database.js';
import { bundleCrashChild, CRASH_CHANNELS, CRASH_TENANT_ID, HOOK_SECRET, spawnMarked, startReceiver, writeCrashConfig, type MarkedChild, type Marker, type Receiver } from './crash-rig.js';
import { COMMITTED, readDatabaseState, violations, type DatabaseState, type RuleSetCounts } from './crash-state.js';

const TRIALS = Number(process.env.PPMAT_CRASH_TRIALS ?? 50);
const POSTGRES_TRIALS = Number(process.env.PPMAT_CRASH_TRIALS_PG ?? 10);
const SEED = 0x8c4a5;
/** Where a kill is aimed: the marker that opens the window and the one that closes it. */
const PHASES = {
  collecting: { from: 'collecting', to: 'evaluating' },
  'writing results': { from: 'storing', to: 'stored' },
  'delivering alerts': { from: 'delivering', to: 'delivered' },
} as const;
type Aim = keyof typeof PHASES;
const AIMS = Object.keys(PHASES) as Aim[];
/** What the child was doing by the last marker read before the kill. */
const DOING: Record<string, string> = {
  collecting: 'collecting',
  evaluating: 'judging',
  storing: 'writing results',
  stored: 'delivering alerts',
  delivering: 'delivering alerts',
  delivered: 'reading its state',
};

interface Kill {
  trial: number;
  aim: Aim;
  doing: string;
  /** The first scan of the killed cycles, and the last one the child said it started. */
  scanId: number | null;
  lastScanId: number | null;
  /** The child said the scan's results were stored before it died. */
  storedSeen: boolean;
  inFlight: number;
}

interface Tally {
  tried: number;
  survived: number;
  kills: Kill[];
  /** Per phase a kill landed in: kills, scans aborted, scans that had committed, deliveries in flight. */
  byPhase: Map<string, { kills: number; aborted: number; committed: number; inFlight: number }>;
  /** Kills aimed at each phase. */
  aimed: Map<Aim, number>;
  committedSeen: Set<number>;
  msTotal: number;
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

async function ruleSetCounts(): Promise<RuleSetCounts> {
  const ruleSet = await loadRuleSet(RULES_DIR);
  // Floor statements (level 100) are given, not judged: no result row.
  return { checks: ruleSet.checks.length, capabilities: ruleSet.catalogue.filter((c) => !c.floor).length, areas: ruleSet.areas.length };
}

/** The child's time between two markers of one cycle, or undefined when it did not get that far. */
function windowOf(child: MarkedChild, cycle: number, aim: Aim): number | undefined {
  const at = (phase: string) => child.markers.find((m) => m.m === 'phase' && m.cycle === cycle && m.phase === phase)?.at;
  const from = at(PHASES[aim].from);
  const to = at(PHASES[aim].to);
  return from === undefined || to === undefined ? undefined : to - from;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Everything that must hold once a fresh process recovered from `kill` and ran a scan and a
 * delivery to the end (its scan is `recoveryScanId`). The scans the killed process started are
 * those from its first killed cycle's to the recovery scan: all but the last finished before the
 * kill; the last one is aborted as orphaned, or committed when the kill came after its commit.
 */
function checkRecovered(state: DatabaseState, kill: Kill | undefined, recoveryScanId: number, counts: RuleSetCounts, hook: Receiver, tally: Tally): string[] {
  const found = violations(state, counts, CRASH_CHANNELS);
  const committed = state.scans.filter((s) => COMMITTED.has(s.status));
  for (const id of tally.committedSeen) {
    if (!committed.some((s) => s.id === id)) found.push(`scan #${id} had committed results, which are gone`);
  }
  if (kill?.scanId != null) {
    const started = state.scans.filter((s) => s.id >= kill.scanId! && s.id < recoveryScanId);
    const killed = started.at(-1);
    const phase = tally.byPhase.get(kill.doing)!;
    for (const scan of started.slice(0, -1)) if (!COMMITTED.has(scan.status)) found.push(`scan #${scan.id}, finished before the kill, is ${scan.status}`);
    if (!killed) found.push(`the killed scan #${kill.scanId} is gone`);
    else if (COMMITTED.has(killed.status)) phase.committed += 1;
    else if (killed.status === 'aborted' && killed.error === ORPHANED_REASON) phase.aborted += 1;
    else found.push(`the killed scan #${killed.id} is ${killed.status} (${killed.error ?? 'no error'}), not aborted as orphaned`);
    if (kill.storedSeen && killed?.id === kill.lastScanId && !COMMITTED.has(killed.status)) found.push(`the killed scan #${killed.id} reported its results stored, but they are not committed`);
  }
  // Postures alternate between committed scans: raised by the 2nd, 4th, ...; resolved by the 3rd, 5th, ...
  const raised = Math.floor(committed.length / 2);
  const resolved = Math.max(0, Math.floor((committed.length - 1) / 2));
  const actuallyResolved = state.alerts.filter((a) => a.status === 'resolved').length;
  if (state.alerts.length !== raised || actuallyResolved !== resolved) {
    found.push(`${committed.length} committed scans should have raised ${raised} and resolved ${resolved} alerts; found ${state.alerts.length} raised, ${actuallyResolved} resolved`);
  }
  for (const message of state.messages) {
    if (!hook.processed.has(message.idempotencyKey)) found.push(`message #${message.id} (${message.kind} to ${message.channel}) never reached the receiver`);
  }
  const keys = new Set(state.messages.map((m) => m.idempotencyKey));
  for (const key of hook.processed.keys()) if (!keys.has(key)) found.push(`the receiver got ${key}, which no stored message has`);
  for (const event of hook.duplicatedEvents()) found.push(`the receiver processed ${event} twice`);
  for (const scan of committed) tally.committedSeen.add(scan.id);
  return found;
}

/** Lost and duplicated, counted on the final state and the receiver. */
function losses(state: DatabaseState, hook: Receiver, tally: Tally): { results: number; alerts: number; duplicated: number } {
  const committed = state.scans.filter((s) => COMMITTED.has(s.status));
  const incomplete = committed.filter((s) => s.checks === 0 || s.capabilities === 0 || s.areas === 0).length;
  const gone = [...tally.committedSeen].filter((id) => !committed.some((s) => s.id === id)).length;
  const expectedEvents = (Math.floor(committed.length / 2) + Math.max(0, Math.floor((committed.length - 1) / 2))) * CRASH_CHANNELS.length;
  const storedEvents = state.messages.length;
  const unprocessed = state.messages.filter((m) => !hook.processed.has(m.idempotencyKey)).length;
  const events = new Map<string, number>();
  for (const m of state.messages) events.set(`${m.alertId}|${m.kind}|${m.channel}`, (events.get(`${m.alertId}|${m.kind}|${m.channel}`) ?? 0) + 1);
  const twice = [...events.values()].reduce((n, count) => n + count - 1, 0);
  return {
    results: incomplete + gone,
    alerts: Math.max(0, expectedEvents - storedEvents) + unprocessed,
    duplicated: Math.max(0, storedEvents - twice - expectedEvents) + twice + hook.duplicatedEvents().length,
  };
}

interface Run {
  tally: Tally;
  final?: { results: number; alerts: number; duplicated: number };
  resent: number;
  error?: unknown;
}

async function crashTrials(options: { trials: number; databaseUrl?: string; leaseSeconds: number }): Promise<Run> {
  const started = performance.now();
  const rng = mulberry32(SEED);
  const counts = await ruleSetCounts();
  const bundle = await bundleCrashChild();
  cleanups.push(() => bundle.remove());
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ppmat-crash-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const answerRng = mulberry32(SEED + 1);
  const hook = await startReceiver(() => 150 + answerRng() * 250);
  cleanups.push(() => hook.close());
  await writeCrashConfig(dir, { receiverUrl: hook.url, claimSeconds: 1, leaseSeconds: options.leaseSeconds });
  const env = {
    ...process.env,
    PPMAT_DATA_DIR: path.join(dir, 'data'),
    DATABASE_URL: options.databaseUrl ?? '',
    CRASH_TOKEN: 'crash-test-token',
    HOOK_SECRET,
    CRASH_ENVIRONMENTS: '3',
    CRASH_LATENCY_MS: '10,40',
  };
  const byPhase = new Map([...new Set(Object.values(DOING)), 'starting'].map((doing) => [doing, { kills: 0, aborted: 0, committed: 0, inFlight: 0 }]));
  const tally: Tally = { tried: 0, survived: 0, kills: [], byPhase, aimed: new Map(AIMS.map((aim) => [aim, 0])), committedSeen: new Set(), msTotal: 0 };
  const run: Run = { tally, resent: 0 };
  // The windows measured so far in warm cycles (the first cycle of a process runs cold and slow).
  const windows = new Map<Aim, number[]>(AIMS.map((aim) => [aim, []]));
  let kill: Kill | undefined;
  try {
    for (let trial = 0; trial <= options.trials; trial += 1) {
      const last = trial === options.trials;
      const child = spawnMarked(bundle.script, { cwd: dir, env: { ...env, ...(last ? { CRASH_CYCLES: '1' } : {}) } });
      cleanups.push(async () => void child.child.kill('SIGKILL'));
      const recovered = (await child.waitFor((m) => m.m === 'cycle' && m.cycle === 0)) as Marker & { state: DatabaseState };
      const recoveryScan = (await child.waitFor((m) => m.m === 'phase' && m.cycle === 0 && m.phase === 'collecting')).scanId as number;
      const found = checkRecovered(recovered.state, kill, recoveryScan, counts, hook, tally);
      if (found.length > 0) throw new Error(`after kill ${trial} (${kill ? `while ${kill.doing}, aimed at ${kill.aim}` : 'none'}):\n${found.join('\n')}`);
      if (kill) tally.survived += 1;
      if (last) {
        const exit = await child.exited;
        if (exit.code !== 0) throw new Error(`the last process ended with ${exit.code ?? exit.signal}: ${child.stderr().slice(-3_000)}`);
        break;
      }
      const aim = AIMS[Math.floor(rng() * AIMS.length)]!;
      const measured = windows.get(aim)!;
      const window = measured.length > 0 ? median(measured) : (windowOf(child, 0, aim) ?? 200);
      const opened = await child.waitFor((m) => m.m === 'phase' && m.cycle === 1 && m.phase === PHASES[aim].from);
      await sleep(Math.max(0, opened.at + rng() * window - performance.now()));
      const inFlight = hook.inFlight();
      child.child.kill('SIGKILL');
      const exit = await child.exited;
      if (exit.signal !== 'SIGKILL') throw new Error(`the child ended by itself (${exit.code}) before the kill: ${child.stderr().slice(-3_000)}`);
      // A kill aimed late in a cycle may land in the next one.
      const after = child.markers.filter((m) => m.m === 'phase' && (m.cycle as number) >= 1);
      const lastScanId = after.findLast((m) => m.phase === 'collecting')?.scanId;
      kill = {
        trial,
        aim,
        doing: DOING[String(after.at(-1)?.phase)] ?? 'starting',
        scanId: (after[0]?.scanId as number | undefined) ?? null,
        lastScanId: (lastScanId as number | undefined) ?? null,
        storedSeen: after.some((m) => m.phase === 'stored' && m.scanId === lastScanId),
        inFlight,
      };
      tally.kills.push(kill);
      tally.tried += 1;
      tally.aimed.set(aim, tally.aimed.get(aim)! + 1);
      const phase = tally.byPhase.get(kill.doing)!;
      phase.kills += 1;
      phase.inFlight += kill.inFlight;
      for (const each of AIMS) {
        const seen = windowOf(child, 1, each);
        if (seen !== undefined) windows.get(each)!.push(seen);
      }
    }

    // The last process exited normally: read the database from this process too.
    const db = await openDatabase({ dataDir: env.PPMAT_DATA_DIR, log: pino({ level: 'silent' }), ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}) });
    try {
      const state = await readDatabaseState(db.prisma, CRASH_TENANT_ID);
      const found = checkRecovered(state, undefined, Number.POSITIVE_INFINITY, counts, hook, tally);
      const committedAtKill = [...tally.byPhase.values()].reduce((n, p) => n + p.committed, 0);
      const aborted = state.scans.filter((s) => s.status === 'aborted').length;
      if (aborted !== tally.tried - committedAtKill) found.push(`${aborted} scans are aborted; ${tally.tried - committedAtKill} kills left a scan uncommitted`);
      run.final = losses(state, hook, tally);
      if (found.length > 0) throw new Error(`at the end:\n${found.join('\n')}`);
    } finally {
      await db.close();
    }
  } catch (error) {
    run.error = error;
  }
  run.resent = [...hook.requests.values()].reduce((n, count) => n + count - 1, 0);
  tally.msTotal = performance.now() - started;
  return run;
}

function figureLines(run: Run): string[] {
  const { tally } = run;
  const lines = [...tally.byPhase]
    .filter(([, p]) => p.kills > 0)
    .map(([doing, p]) => `killed while ${doing}: ${p.kills}; ${p.aborted} scans aborted (not committed), ${p.committed} committed before the kill; ${p.inFlight} deliveries in flight`);
  lines.push(`aimed at (phase, then a delay within its measured duration): ${[...tally.aimed].map(([aim, n]) => `${aim} ${n}`).join(', ')}`);
  lines.push(`re-sends after a kill (same Idempotency-Key, dropped by the receiver): ${run.resent}`);
  lines.push(`${Math.round(tally.msTotal / 1000)} s for ${tally.tried} kills (${Math.round(tally.msTotal / Math.max(1, tally.tried + 1))} ms a process)`);
  if (run.error) lines.push(`FAILED: ${run.error instanceof Error ? run.error.message.split('\n').slice(0, 3).join(' ') : String(run.error)}`);
  return lines;
}

async function record(name: string, title: string, run: Run): Promise<void> {
  const final = run.final ?? { results: Number.NaN, alerts: Number.NaN, duplicated: Number.NaN };
  await recordFigures(name, {
    title,
    figures: { 'crashes survived': run.tally.survived, 'crashes tried': run.tally.tried, 'results lost': final.results, 'alerts lost': final.alerts, 'alerts duplicated': final.duplicated },
    lines: figureLines(run),
  });
}

describe('crash safety: SIGKILL during scans', () => {
  it(`survives ${TRIALS} kills on the embedded database`, { timeout: 1_800_000 }, async () => {
    const run = await crashTrials({ trials: TRIALS, leaseSeconds: 120 });
    await record('crash-safety', 'crash safety: SIGKILL during scans', run);
    if (run.error) throw run.error;
    expect(run.tally.survived).toBe(TRIALS);
    expect(run.final).toEqual({ results: 0, alerts: 0, duplicated: 0 });
  });

  it.skipIf(!process.env.PPMAT_TEST_DATABASE_URL)(`survives ${POSTGRES_TRIALS} kills on PostgreSQL`, { timeout: 1_200_000 }, async () => {
    const database = await createDatabaseOn(process.env.PPMAT_TEST_DATABASE_URL!, 'ppmat_crash');
    cleanups.push(() => database.drop());
    const run = await crashTrials({ trials: POSTGRES_TRIALS, databaseUrl: database.url, leaseSeconds: 3 });
    await record('crash-safety-postgresql', 'crash safety on PostgreSQL: SIGKILL during scans', run);
    if (run.error) throw run.error;
    expect(run.tally.survived).toBe(POSTGRES_TRIALS);
    expect(run.final).toEqual({ results: 0, alerts: 0, duplicated: 0 });
  });
});
