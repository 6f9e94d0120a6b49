/**
 * The api bench (run by `npm run bench`, bench/run.ts): how fast the dashboard's routes answer
 * over a realistic history. In a fresh embedded database (PGlite), real demo scans (`ppmat scan
 * --demo` at the initial, defined and capable profiles, then defined again, which raises a
 * regression alert) are copied into 50 tenants x 730 nights of history (bench/history-plan.ts,
 * bench/api-history.ts), a few alerts per tenant. Then the real server (buildServer over
 * apiFromApp, a viewer API token) answers a warm-up and then `--requests` requests per route,
 * spread over tenants and scans in a seeded random order, one at a time, through Fastify's
 * `inject()` (no sockets, so no network noise; parsing, auth, queries and serialization all
 * count). Prints p50/p95 overall and per route; writes bench/results/api.json.
 *
 * Options (bench/bench-options.ts): --tenants 50 --days 730 --requests <per route, 50>
 *   --warmup <per route, 5> --out <file>. Under --size (the CI's small run) the defaults
 *   shrink to 5 tenants x 60 nights, 10 requests per route.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { apiFromApp } from '../src/api/api-from-app.js';
import { createMetrics } from '../src/api/metrics.js';
import { buildServer } from '../src/api/server.js';
import { openApp } from '../src/cli/app.js';
import { runCli } from '../src/cli/program.js';
import { textTable } from '../src/cli/text-table.js';
import { createRng, type Rng } from '../src/simulator/prng.js';
import { benchTenant, rowCounts, writeHistory, type BenchTenant } from './api-history.js';
import { intOption, parseBenchArgs } from './bench-options.js';
import { planHistory } from './history-plan.js';
import { percentile, round } from './stats.js';
import { tableBytes } from './table-bytes.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const values = parseBenchArgs();
const small = values.size !== undefined;
const tenantCount = Math.max(1, intOption(values.tenants, 'tenants', small ? 5 : 50));
const days = Math.max(2, intOption(values.days, 'days', small ? 60 : 730));
const perRoute = Math.max(1, intOption(values.requests, 'requests', small ? 10 : 50));
const warmup = intOption(values.warmup, 'warmup', small ? 2 : 5);
const out = values.out ?? path.join(HERE, 'results', 'api.json');

/** The template scans, least mature first, then the one that regresses (and raises an alert). */
const PROFILES = ['initial', 'defined', 'capable', 'defined'] as const;
const COUNTED_TABLES = ['tenant', 'scan', 'area_score', 'capability_result', 'check_result', 'collector_run', 'scan_evidence', 'evidence', 'alert', 'alert_message'];

/** What a request may ask about: the history as written. */
interface History {
  tenants: BenchTenant[];
  /** Scan ids by tenant, oldest night first. */
  scans: number[][];
  capabilityIds: string[];
}

interface Route {
  name: string;
  url(history: History, rng: Rng): string;
}

const pickTenant = (h: History, rng: Rng): number => rng.int(0, h.tenants.length - 1);
/** Half the time the last night's scan (the dashboard opens on it), else any night's. */
const pickScan = (h: History, rng: Rng): number => {
  const scans = h.scans[pickTenant(h, rng)]!;
  return rng.chance(0.5) ? scans[scans.length - 1]! : rng.pick(scans);
};

const ROUTES: Route[] = [
  { name: 'GET /api/tenants', url: () => '/api/tenants' },
  { name: 'GET /api/tenants/:id', url: (h, rng) => `/api/tenants/${h.tenants[pickTenant(h, rng)]!.id}` },
  { name: 'GET /api/scans/:id', url: (h, rng) => `/api/scans/${pickScan(h, rng)}` },
  { name: 'GET /api/scans/:id/capabilities', url: (h, rng) => `/api/scans/${pickScan(h, rng)}/capabilities` },
  { name: 'GET /api/scans/:id/capabilities/:capabilityId', url: (h, rng) => `/api/scans/${pickScan(h, rng)}/capabilities/${encodeURIComponent(rng.pick(h.capabilityIds))}` },
  { name: 'GET /api/tenants/:id/trends', url: (h, rng) => `/api/tenants/${h.tenants[pickTenant(h, rng)]!.id}/trends` },
  { name: 'GET /api/tenants/:id/roadmap', url: (h, rng) => `/api/tenants/${h.tenants[pickTenant(h, rng)]!.id}/roadmap` },
  // As the dashboard's alerts page asks (src/dashboard/public/views/alerts.js).
  { name: 'GET /api/alerts?tenantId=', url: (h, rng) => `/api/alerts?tenantId=${h.tenants[pickTenant(h, rng)]!.id}&status=all&limit=200` },
  // Not in the list, but every tenant page of the dashboard asks it (its recent scans).
  { name: 'GET /api/tenants/:id/scans', url: (h, rng) => `/api/tenants/${h.tenants[pickTenant(h, rng)]!.id}/scans?limit=30` },
  { name: 'GET /api/model', url: () => '/api/model' },
  {
    name: 'GET /api/diff?from=&to=',
    url: (h, rng) => {
      const scans = h.scans[pickTenant(h, rng)]!;
      const to = rng.chance(0.5) ? scans.length - 1 : rng.int(1, scans.length - 1);
      return `/api/diff?from=${scans[to - rng.int(1, Math.min(30, to))]}&to=${scans[to]}`;
    },
  },
];

function capture(): NodeJS.WriteStream & { text(): string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return Object.assign(stream as unknown as NodeJS.WriteStream, { isTTY: false, text: () => text });
}

const log = (line: string): void => void process.stderr.write(`  ${line}\n`);
const seconds = (since: number): number => round((performance.now() - since) / 1000, 1);

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ppmat-bench-api-'));
  // Always a fresh embedded database, whatever DATABASE_URL the shell has.
  const { DATABASE_URL: _ignored, ...rest } = process.env;
  const env: NodeJS.ProcessEnv = { ...rest, PPMAT_DATA_DIR: path.join(dir, 'data'), PPMAT_LOG_LEVEL: 'error' };
  process.stderr.write(`bench: ${tenantCount} tenants x ${days} nights of history; ${perRoute} requests per route after ${warmup} to warm up\n`);

  const templatesStarted = performance.now();
  const templateScans: number[] = [];
  let demoTenantId = '';
  for (const profile of PROFILES) {
    const stdout = capture();
    const stderr = capture();
    const code = await runCli(['node', 'ppmat', 'scan', '--demo', '--profile', profile, '--format', 'json'], { stdout, stderr, env, cwd: dir, signal: new AbortController().signal });
    if (code !== 0 && code !== 2) throw new Error(`ppmat scan --demo --profile ${profile} exited ${code}: ${stderr.text()}`);
    const scan = JSON.parse(stdout.text()) as { scanId: number; tenantId: string };
    templateScans.push(scan.scanId);
    demoTenantId = scan.tenantId;
  }
  const templateSeconds = seconds(templatesStarted);
  log(`${PROFILES.length} demo scans (${PROFILES.join(', ')}) in ${templateSeconds} s`);

  const app = await openApp({ cwd: dir, env, defaultLogLevel: 'error', logToTerminal: false });
  try {
    const { pool } = app.db;
    const alert = await pool.query<{ id: number }>(`SELECT "id" FROM "alert" WHERE "tenant_id" = $1 ORDER BY "id" DESC LIMIT 1`, [demoTenantId]);
    const name = await pool.query<{ display_name: string }>(`SELECT "display_name" FROM "tenant" WHERE "id" = $1`, [demoTenantId]);
    const capabilityRows = await pool.query<{ capability_id: string }>(`SELECT DISTINCT "capability_id" FROM "capability_result" WHERE "scan_id" = $1 ORDER BY 1`, [templateScans[1]]);

    const buildStarted = performance.now();
    const now = new Date();
    const lastNight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1, 2));
    const plan = planHistory({ tenants: tenantCount, days, stages: PROFILES.length - 1, lastNight });
    const tenants = Array.from({ length: tenantCount }, (_, i) => benchTenant(i));
    let lastLine = performance.now();
    const written = await writeHistory(pool, plan, tenants, { tenantId: demoTenantId, tenantName: name.rows[0]!.display_name, scanIds: templateScans.slice(0, -1), alertId: alert.rows[0]?.id ?? null }, (nights) => {
      if (performance.now() - lastLine < 5000 && nights < days) return;
      lastLine = performance.now();
      log(`history: ${nights}/${days} nights written (${seconds(buildStarted)} s)`);
    });
    const buildSeconds = seconds(buildStarted);
    const rows = await rowCounts(pool, COUNTED_TABLES);
    const bytes = Object.values(await tableBytes(pool)).reduce((sum, b) => sum + b, 0);
    log(`history: ${rows.scan} scans, ${rows.capability_result} capability results, ${rows.check_result} check results, ${rows.alert} alerts; ${round(bytes / 1024 ** 3, 2)} GiB in ${buildSeconds} s`);

    const history: History = { tenants, scans: tenants.map(() => []), capabilityIds: capabilityRows.rows.map((r) => r.capability_id) };
    plan.scans.forEach((scan, i) => history.scans[scan.tenant]!.push(written.scanIds[i]!));

    const deps = await apiFromApp(app, { env, metrics: createMetrics(app.db.prisma) });
    const server = await buildServer(deps);
    const { token } = await deps.changes.createToken({ name: 'api bench', role: 'viewer', tenants: null, expiresAt: null }, { kind: 'cli', id: 'bench', name: 'cli:bench' });
    const headers = { authorization: `Bearer ${token}` };
    const rng = createRng(7);
    const request = async (route: Route): Promise<{ ms: number; bytes: number }> => {
      const url = route.url(history, rng);
      const started = performance.now();
      const response = await server.inject({ method: 'GET', url, headers });
      const ms = performance.now() - started;
      if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}: ${response.body.slice(0, 500)}`);
      return { ms, bytes: response.rawPayload.length };
    };

    for (let i = 0; i < warmup; i++) for (const route of ROUTES) await request(route);
    const order = rng.shuffle(ROUTES.flatMap((route) => Array.from({ length: perRoute }, () => route)));
    const timings = new Map(ROUTES.map((route) => [route.name, [] as { ms: number; bytes: number }[]]));
    const loadBefore = loadavg()[0]!;
    const started = performance.now();
    for (const route of order) timings.get(route.name)!.push(await request(route));
    const requestSeconds = seconds(started);
    await server.close();

    const all = [...timings.values()].flat().map((t) => t.ms);
    const byRoute = Object.fromEntries(
      [...timings].map(([route, list]) => {
        const ms = list.map((t) => t.ms);
        return [route, { count: list.length, p50Ms: round(percentile(ms, 50), 1), p95Ms: round(percentile(ms, 95), 1), maxMs: round(Math.max(...ms), 1), meanBytes: Math.round(list.reduce((s, t) => s + t.bytes, 0) / list.length) }];
      }),
    );
    const result = {
      via: 'Fastify inject() (in process, no sockets), one request at a time, viewer API token',
      tenants: tenantCount,
      days,
      scans: rows.scan,
      rows,
      databaseBytes: bytes,
      templateSeconds,
      buildSeconds,
      warmupPerRoute: warmup,
      requestsPerRoute: perRoute,
      timedRequests: all.length,
      requestSeconds,
      apiP50Ms: round(percentile(all, 50), 1),
      apiP95Ms: round(percentile(all, 95), 1),
      apiMaxMs: round(Math.max(...all), 1),
      byRoute,
      // Other processes on the machine slow the requests down: the 1-minute load average before and after.
      loadAverage: [round(loadBefore, 2), round(loadavg()[0]!, 2)],
      benchPeakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      node: process.version,
      at: new Date().toISOString(),
    };
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
    const table = textTable(
      ['route', 'requests', 'p50 ms', 'p95 ms', 'max ms', 'mean bytes'],
      [
        ...Object.entries(byRoute).map(([route, r]) => [route, String(r.count), String(r.p50Ms), String(r.p95Ms), String(r.maxMs), String(r.meanBytes)]),
        ['all routes', String(all.length), String(result.apiP50Ms), String(result.apiP95Ms), String(result.apiMaxMs), ''],
      ],
    );
    console.log(table.join('\n'));
    console.log(`${rows.scan} scans of ${tenantCount} tenants x ${days} nights (${rows.capability_result} capability results, ${rows.check_result} check results), ${round(bytes / 1024 ** 3, 2)} GiB; requests through ${result.via}`);
    console.log(`wrote ${out}`);
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
