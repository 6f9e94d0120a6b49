/**
 * Issue 8 item 3, database faults: the PostgreSQL server stops and starts again while the
 * service (`ppmat start`, a real process) scans and while it delivers alerts, and ppmat says so,
 * waits for the database and resumes, without losing results or alerts:
 * 1. during a scan's collection, a clean stop (`pg_ctl stop -m fast`, which cuts every session);
 * 2. during the delivery of the alert that scan raised: the receiver holds the request until the
 *    server is down (`-m immediate`, a crash), so the accepted send cannot be recorded at once;
 * 3. in the middle of a scan's results transaction: a lock held by the test stalls the
 *    transaction between its writes, and the server crashes (`-m immediate`) with it open.
 * Each time the server comes back after a few seconds. Then every scan is committed with all its
 * results (the transaction cut in 3 was rolled back whole and written again), the alert was
 * raised and resolved with one message per channel, and the receiver got each message exactly
 * once: not re-sent, since the delivery was recorded once the database answered again.
 *
 * The test runs its own server (initdb into a temporary directory; as root through `runuser -u
 * postgres`). Without PostgreSQL's binaries it is skipped, except under CI=true, where it fails.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRuleSet } from '../../src/rules/load-rules.js';
import { startSimulator, simulatorDataverseProxy } from '../../src/simulator/server.js';
import { openDatabase } from '../../src/store/database.js';
import { PACKAGE_ROOT, RULES_DIR } from '../../src/store/paths.js';
import { recordFigures } from '../support/figures.js';
import { POSTGRES_BIN, postgresBinariesPresent, startPostgresServer, type PostgresServer } from '../support/postgres-server.js';
import { createDatabaseOn } from '../support/test-database.js';
import { CRASH_CHANNELS, HOOK_SECRET, spawnMarked, startReceiver, type MarkedChild, type Marker } from './crash-rig.js';
import { readDatabaseState, violations } from './crash-state.js';

const BIN = path.join(PACKAGE_ROOT, 'bin', 'ppmat.js');
const TENANT_ID = '6f2c7c1e-0000-4000-8000-00000000fa17';
/** How long the server stays down each time. */
const DOWN_MS = 3_000;
const present = postgresBinariesPresent();
const mustRun = process.env.CI === 'true';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

interface Outage {
  what: string;
  mode: 'fast' | 'immediate';
  downMs: number;
  /** What became of the scan or delivery it cut. */
  outcome: string;
}

/** A promise the test settles: the receiver answers when it is released. */
function gate() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

async function config(dir: string, simulatorUrl: string, receiverUrl: string): Promise<void> {
  const surfaces = ['bap', 'powerApps', 'flow', 'powerPlatform', 'graph'].map((surface) => `      ${surface}: ${simulatorUrl}`);
  await writeFile(
    path.join(dir, 'ppmat.yaml'),
    [
      'tenants:',
      `  - id: ${TENANT_ID}`,
      '    displayName: Fault tenant',
      // Every 10 s (node-cron's seconds field): scans keep coming while the server goes up and down.
      '    schedule: "*/10 * * * * *"',
      '    endpoints:',
      ...surfaces,
      `      dataverse: ${simulatorDataverseProxy(simulatorUrl)}`,
      '    credential: { kind: static, tokenEnv: FAULT_TOKEN }',
      'alerts:',
      '  claimSeconds: 60',
      '  channels:',
      ...CRASH_CHANNELS.map((name) => `    - { name: ${name}, type: webhook, url: "${receiverUrl}/${name}", secret: "env:HOOK_SECRET", minSeverity: info }`),
      'api: { enabled: false }',
      'log: { level: debug, format: json }',
      '',
    ].join('\n'),
  );
}

/** The first log line of the service with this message (seen or to come) that `match` accepts. */
const logged = (service: MarkedChild, msg: string, match: (line: Marker) => boolean = () => true, timeoutMs = 120_000) =>
  service.waitFor((line) => line.msg === msg && match(line), timeoutMs);

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe.skipIf(!present && !mustRun)('database faults: PostgreSQL stops and restarts under the service', () => {
  it('reports each outage, waits for the database, and loses no result and no alert', { timeout: 600_000 }, async () => {
    if (!present) throw new Error(`PostgreSQL's server programs are not in ${POSTGRES_BIN} (set PPMAT_PG_BIN); CI must run this test`);
    const started = performance.now();
    const ruleSet = await loadRuleSet(RULES_DIR);
    const counts = { checks: ruleSet.checks.length, capabilities: ruleSet.catalogue.filter((c) => !c.floor).length, areas: ruleSet.areas.length };
    const server: PostgresServer = await startPostgresServer();
    cleanups.push(() => server.dispose());
    const database = await createDatabaseOn(server.url, 'ppmat_faults');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ppmat-db-faults-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const simulator = await startSimulator({ tenantId: TENANT_ID, profile: 'defined', environments: 3, latencyMs: { min: 20, max: 60 } });
    cleanups.push(() => simulator.close());
    // Held from the start: the first messages the receiver gets are the raised alert's (step 2).
    let holding: ReturnType<typeof gate> | null = gate();
    const receiver = await startReceiver(() => holding?.promise ?? 50);
    cleanups.push(() => receiver.close());
    await config(dir, simulator.url, receiver.url);

    const service = spawnMarked(BIN, {
      args: ['start'],
      cwd: dir,
      env: { ...process.env, DATABASE_URL: database.url, PPMAT_DATA_DIR: path.join(dir, 'data'), FAULT_TOKEN: 'fault-test-token', HOOK_SECRET, PPMAT_LOG_LEVEL: '' },
      markersFrom: 'stderr',
    });
    cleanups.push(async () => service.child.kill('SIGKILL'));
    const outages: Outage[] = [];
    const outage = async (what: string, mode: Outage['mode'], during: () => Promise<string>) => {
      const down = performance.now();
      await server.stop(mode);
      const outcome = during();
      await sleep(DOWN_MS);
      await server.start();
      outages.push({ what, mode, downMs: Math.round(performance.now() - down), outcome: await outcome });
    };
    const finished = (scanId: number) =>
      service
        .waitFor((line) => (line.msg === 'scan finished' || String(line.msg).startsWith('scan aborted') || line.msg === 'scan failed') && line.scanId === scanId, 180_000)
        .then((line) => String(line.msg === 'scan finished' ? `scan #${scanId} finished (${String(line.status)})` : `scan #${scanId}: ${String(line.msg)}`));

    // The start-up scan: the baseline.
    const first = await logged(service, 'scan finished');

    // 1. A DLP policy is deleted; the server stops cleanly while the next scan collects.
    const removed = simulator.model.dlpPolicies.shift()!;
    const regressing = await logged(service, 'scan started', (line) => (line.scanId as number) > (first.scanId as number));
    const regressingId = regressing.scanId as number;
    await sleep(300);
    await outage('during a scan (collecting)', 'fast', async () => finished(regressingId));

    // 2. The alert it raised is being sent when the server crashes: the receiver answers only then.
    await until('the first alert message at the receiver', () => receiver.requests.size > 0);
    await outage('during alert delivery (the receiver accepted, the attempt not yet recorded)', 'immediate', async () => {
      holding!.release();
      holding = null;
      return 'the receiver answered 200 while the server was down';
    });
    await until('the raised alert delivered', async () => (await query<{ n: string }>(database.url, "SELECT count(*) AS n FROM alert_message WHERE status = 'delivered'"))[0]!.n === '2');
    outages.at(-1)!.outcome += '; recorded as delivered once the server was back';

    // 3. The policy is back; the server crashes while a scan's results transaction is open: a lock
    // the test holds stalls the transaction's insert into area_score, after its other writes.
    simulator.model.dlpPolicies.unshift(removed);
    const restoredAt = performance.now();
    const blocker = new pg.Client({ connectionString: database.url });
    await blocker.connect();
    blocker.on('error', () => undefined);
    await blocker.query('BEGIN');
    // Reads go on (the alert plan reads area scores); inserts wait.
    await blocker.query('LOCK TABLE area_score IN EXCLUSIVE MODE');
    let waiting: { pid: number } | undefined;
    await until('a results transaction waiting on the lock', async () => {
      [waiting] = await query<{ pid: number }>(database.url, "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND state = 'active' AND query ILIKE '%INSERT INTO%area_score%'");
      return waiting !== undefined;
    });
    // The service scans one tenant at a time: the waiting transaction is its last scan's to log "storing the results".
    let storing: Marker | undefined;
    await until('the stalled scan\'s "storing the results"', () => {
      storing = service.markers.findLast((line) => line.msg === 'storing the results');
      return storing !== undefined && !service.markers.some((line) => line.msg === 'scan finished' && line.scanId === storing!.scanId);
    });
    const cutId = storing!.scanId as number;
    // The tables its open transaction has written (row locks): none of it may be seen after the crash.
    const written = (
      await query<{ relname: string }>(
        database.url,
        `SELECT DISTINCT c.relname FROM pg_locks AS l JOIN pg_class AS c ON c.oid = l.relation WHERE l.pid = ${waiting!.pid} AND l.mode = 'RowExclusiveLock' AND l.granted AND c.relkind = 'r' ORDER BY 1`,
      )
    ).map((row) => row.relname);
    await outage("while writing a scan's results (its transaction open, with rows written)", 'immediate', async () => finished(cutId));
    await blocker.end().catch(() => undefined);
    const resolving = await logged(service, 'scan started', (line) => line.at > restoredAt);
    await until('the resolved alert delivered', async () => (await query<{ n: string }>(database.url, "SELECT count(*) AS n FROM alert_message WHERE status = 'delivered'"))[0]!.n === '4', 120_000);

    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
    if (process.env.PPMAT_FAULTS_LOG) await writeFile(process.env.PPMAT_FAULTS_LOG, service.stderr());

    // What the service said: each outage, naming the database, and each recovery.
    const lines = service.markers;
    const faults = lines.filter((line) => /^the database is unavailable \(/.test(String(line.msg)) || /: the database was unavailable/.test(String(line.msg)));
    const recoveries = lines.filter((line) => String(line.msg).startsWith('the database answered again'));
    const components = new Set(faults.map((line) => String(line.component)));
    expect(components).toContain('scan');
    expect(components).toContain('alerts');
    expect(faults.some((line) => String(line.database ?? line.fault).includes(`127.0.0.1:${server.port}`))).toBe(true);
    expect(recoveries.length).toBeGreaterThanOrEqual(outages.length);

    // What is stored: every scan committed with all its results, the alert raised and resolved.
    const db = await openDatabase({ databaseUrl: database.url, dataDir: 'unused', log: pino({ level: 'silent' }) });
    let state: Awaited<ReturnType<typeof readDatabaseState>>;
    try {
      state = await readDatabaseState(db.prisma, TENANT_ID);
    } finally {
      await db.close();
    }
    const cutScans = [regressingId, cutId].map((id) => state.scans.find((s) => s.id === id));
    const uncommitted = state.scans.filter((s) => s.status !== 'succeeded');
    const perKey = [...receiver.requests.values()];
    const expectedMessages = 2 * CRASH_CHANNELS.length;
    const figures = {
      outages: outages.length,
      'results lost': cutScans.filter((s) => s?.status !== 'succeeded').length,
      'alerts lost': Math.max(0, expectedMessages - receiver.processed.size),
      'alerts duplicated': perKey.reduce((n, count) => n + count - 1, 0) + receiver.duplicatedEvents().length,
    };
    await recordFigures('database-faults', {
      title: 'database faults: PostgreSQL stopped and restarted under `ppmat start`',
      figures,
      lines: [
        ...outages.map((o) => `${o.what}: pg_ctl stop -m ${o.mode}, down ${(o.downMs / 1000).toFixed(1)} s; ${o.outcome}`),
        `the results transaction cut by the crash had written ${written.join(', ')}; after the restart the scan has ${cutScans[1]?.checks ?? '?'} check results (of ${counts.checks}), written once`,
        `scans: ${state.scans.length}, committed ${state.scans.length - uncommitted.length}${uncommitted.map((s) => `; #${s.id} ${s.status} (${s.error ?? ''})`).join('')}`,
        `logged: ${faults.length} fault lines (${[...new Set(faults.map((line) => String(line.fault ?? line.msg)))].join(' | ')}), ${recoveries.length} recovery lines`,
        `${Math.round((performance.now() - started) / 1000)} s`,
      ],
    });

    expect(violations(state, counts, CRASH_CHANNELS)).toEqual([]);
    expect(cutScans.map((s) => s?.status)).toEqual(['succeeded', 'succeeded']);
    expect(cutScans[1]!.checks).toBe(counts.checks);
    expect(written).toEqual(expect.arrayContaining(['capability_result', 'check_result']));
    expect(state.alerts).toMatchObject([{ status: 'resolved', openedScanId: regressingId }]);
    expect(state.alerts[0]!.resolvedScanId).toBeGreaterThanOrEqual(Math.min(cutId, resolving.scanId as number));
    expect(uncommitted.map((s) => s.status)).not.toContain('failed');
    expect(state.messages.map((m) => [m.kind, m.channel, m.status])).toEqual([
      ['raised', 'ops', 'delivered'],
      ['raised', 'siem', 'delivered'],
      ['resolved', 'ops', 'delivered'],
      ['resolved', 'siem', 'delivered'],
    ]);
    expect(figures).toEqual({ outages: 3, 'results lost': 0, 'alerts lost': 0, 'alerts duplicated': 0 });
  });
});
