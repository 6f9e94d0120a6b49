/**
 * Writes the api bench's history (bench/history-plan.ts) into the database by copying the rows
 * of real template scans: each planned scan is a copy of its template's scan row, area scores,
 * capability and check results, collector runs and evidence references (to the same
 * content-addressed documents), moved to its tenant and night. Set-based SQL
 * (`INSERT ... SELECT` joined with a plan table), a slice of nights per statement, so millions
 * of rows take a minute or two rather than hours of single inserts.
 */
import type pg from 'pg';
import type { HistoryPlan } from './history-plan.js';

export interface Templates {
  /** The template tenant (removed once copied, so only the bench's tenants remain). */
  tenantId: string;
  tenantName: string;
  /** Template scan ids, least mature first (the plan's stages). */
  scanIds: number[];
  /** An alert a template scan raised, copied for each planned alert; null: none. */
  alertId: number | null;
}

export interface BenchTenant {
  id: string;
  displayName: string;
}

/** A tenant id shaped like Entra's (a GUID), numbered. */
export function benchTenant(index: number): BenchTenant {
  return { id: `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`, displayName: `Bench tenant ${String(index + 1).padStart(2, '0')}` };
}

/** Nights written per statement (50 tenants: about 130 MB of WAL). */
const NIGHTS_PER_STATEMENT = 20;
const PLAN_ROWS_PER_INSERT = 20_000;

// Each copy joins the plan (scan id, template id, night) with the template's rows, staged in
// small tables of their own first: joined with the growing tables themselves, which have no
// planner statistics on PGlite (no autovacuum), each statement would scan them per plan row.
const COPY_SCANS = `
INSERT INTO "scan" ("id", "tenant_id", "trigger", "status", "started_at", "finished_at", "rule_set_version", "checks_total", "checks_passed",
  "checks_failed", "checks_unknown", "evidence_count", "evidence_new", "requests", "error", "adoption")
SELECT p.scan_id, p.tenant_id, 'schedule', s."status", p.started_at, p.started_at + (s."finished_at" - s."started_at"), s."rule_set_version",
  s."checks_total", s."checks_passed", s."checks_failed", s."checks_unknown", s."evidence_count",
  CASE WHEN p.day = 0 THEN s."evidence_new" ELSE 0 END, s."requests", s."error",
  -- Adoption grows over the two years, at a size of its own per tenant, so its trend is not flat.
  CASE WHEN s."adoption" IS NULL THEN NULL ELSE s."adoption" || jsonb_build_object(
    'makers', round((s."adoption"->>'makers')::numeric * p.growth),
    'canvasApps', round((s."adoption"->>'canvasApps')::numeric * p.growth),
    'cloudFlows', round((s."adoption"->>'cloudFlows')::numeric * p.growth)) END
FROM bench_plan p JOIN bench_scan s ON s."id" = p.template_id
WHERE p.day >= $1 AND p.day < $2`;

const COPY_CHILDREN = [
  `INSERT INTO "area_score" ("scan_id", "area", "level", "max_level", "met", "total", "unknown", "summary")
   SELECT p.scan_id, c."area", c."level", c."max_level", c."met", c."total", c."unknown", c."summary"
   FROM bench_plan p JOIN bench_area_score c ON c."scan_id" = p.template_id WHERE p.day >= $1 AND p.day < $2`,
  `INSERT INTO "capability_result" ("scan_id", "capability_id", "area", "level", "status", "reason", "checks", "attestation")
   SELECT p.scan_id, c."capability_id", c."area", c."level", c."status", c."reason", c."checks", c."attestation"
   FROM bench_plan p JOIN bench_capability_result c ON c."scan_id" = p.template_id WHERE p.day >= $1 AND p.day < $2`,
  `INSERT INTO "check_result" ("scan_id", "check_id", "check_version", "title", "capabilities", "severity", "outcome", "message", "actual", "evidence_refs")
   SELECT p.scan_id, c."check_id", c."check_version", c."title", c."capabilities", c."severity", c."outcome", c."message", c."actual", c."evidence_refs"
   FROM bench_plan p JOIN bench_check_result c ON c."scan_id" = p.template_id WHERE p.day >= $1 AND p.day < $2`,
  `INSERT INTO "collector_run" ("scan_id", "collector", "status", "started_at", "duration_ms", "requests", "retries", "throttled", "throttled_ms", "bytes", "pages", "error_code", "error_message")
   SELECT p.scan_id, c."collector", c."status", p.started_at + (c."started_at" - s."started_at"), c."duration_ms", c."requests", c."retries", c."throttled",
     c."throttled_ms", c."bytes", c."pages", c."error_code", c."error_message"
   FROM bench_plan p JOIN bench_scan s ON s."id" = p.template_id JOIN bench_collector_run c ON c."scan_id" = p.template_id WHERE p.day >= $1 AND p.day < $2`,
  `INSERT INTO "scan_evidence" ("scan_id", "key", "status", "evidence_hash", "reason", "error_code", "collected_at")
   SELECT p.scan_id, c."key", c."status", c."evidence_hash", c."reason", c."error_code", p.started_at + (c."collected_at" - s."started_at")
   FROM bench_plan p JOIN bench_scan s ON s."id" = p.template_id JOIN bench_scan_evidence c ON c."scan_id" = p.template_id WHERE p.day >= $1 AND p.day < $2`,
];

/** The tables whose template rows are copied. */
const TEMPLATE_TABLES = ['scan', 'area_score', 'capability_result', 'check_result', 'collector_run', 'scan_evidence'];

const COPY_ALERTS = `
INSERT INTO "alert" ("tenant_id", "key", "open_key", "components", "kind", "severity", "status", "title", "summary", "changes",
  "opened_scan_id", "last_scan_id", "resolved_scan_id", "opened_at", "resolved_at", "last_notified_at")
SELECT n.tenant_id, 'regression:' || n.opened, CASE WHEN n.resolved IS NULL THEN n.tenant_id || '|regression:' || n.opened END,
  a."components", a."kind", a."severity", CASE WHEN n.resolved IS NULL THEN 'open' ELSE 'resolved' END::"AlertStatus", a."title",
  replace(replace(a."summary", 'Scan #' || a."opened_scan_id" || ' of ' || $2, 'Scan #' || n.opened || ' of ' || n.tenant_name), $2, n.tenant_name),
  a."changes", n.opened, coalesce(n.resolved, n.opened), n.resolved, o."finished_at", r."finished_at", o."finished_at"
FROM unnest($3::text[], $4::text[], $5::int[], $6::int[]) AS n(tenant_id, tenant_name, opened, resolved)
JOIN "alert" a ON a."id" = $1
JOIN "scan" o ON o."id" = n.opened
LEFT JOIN "scan" r ON r."id" = n.resolved`;

// One delivered Teams message per alert, as the outbox would leave it.
const ALERT_MESSAGES = `
INSERT INTO "alert_message" ("alert_id", "channel", "kind", "idempotency_key", "payload", "status", "attempts", "delivered_at", "created_at")
SELECT a."id", 'teams', 'raised', 'bench-' || a."id", jsonb_build_object('title', a."title"), 'delivered', 1, a."opened_at", a."opened_at"
FROM "alert" a WHERE a."tenant_id" <> $1`;

export interface WrittenHistory {
  /** The id of each planned scan, in the plan's order. */
  scanIds: number[];
  alerts: number;
}

/** Writes `plan` for these tenants (index = the plan's tenant) from the templates; `progress` hears each slice of nights. */
export async function writeHistory(pool: pg.Pool, plan: HistoryPlan, tenants: readonly BenchTenant[], templates: Templates, progress: (nightsDone: number) => void): Promise<WrittenHistory> {
  const client = await pool.connect();
  try {
    await client.query(`INSERT INTO "tenant" ("id", "display_name", "updated_at") SELECT t.id, t.name, now() FROM unnest($1::text[], $2::text[]) AS t(id, name)`, [
      tenants.map((t) => t.id),
      tenants.map((t) => t.displayName),
    ]);
    const { rows } = await client.query<{ next: number }>(`SELECT coalesce(max("id"), 0) + 1 AS next FROM "scan"`);
    const firstId = rows[0]!.next;
    const scanIds = plan.scans.map((_, i) => firstId + i);
    const days = plan.scans.reduce((max, s) => Math.max(max, s.day + 1), 0);

    await client.query('CREATE TEMP TABLE bench_plan (scan_id int PRIMARY KEY, tenant_id text NOT NULL, day int NOT NULL, template_id int NOT NULL, started_at timestamptz NOT NULL, growth numeric NOT NULL)');
    for (let from = 0; from < plan.scans.length; from += PLAN_ROWS_PER_INSERT) {
      const slice = plan.scans.slice(from, from + PLAN_ROWS_PER_INSERT);
      await client.query('INSERT INTO bench_plan SELECT * FROM unnest($1::int[], $2::text[], $3::int[], $4::int[], $5::timestamptz[], $6::numeric[])', [
        slice.map((_, i) => scanIds[from + i]),
        slice.map((s) => tenants[s.tenant]!.id),
        slice.map((s) => s.day),
        slice.map((s) => templates.scanIds[s.stage]),
        slice.map((s) => s.startedAt.toISOString()),
        slice.map((s) => (0.5 + (s.tenant % 5) * 0.5) * (1 + s.day / 365)),
      ]);
    }
    for (const table of TEMPLATE_TABLES) {
      await client.query(`CREATE TEMP TABLE bench_${table} AS SELECT * FROM "${table}" WHERE "${table === 'scan' ? 'id' : 'scan_id'}" = ANY($1::int[])`, [templates.scanIds]);
    }
    await client.query('ANALYZE bench_plan');
    for (const table of TEMPLATE_TABLES) await client.query(`ANALYZE bench_${table}`);
    for (let night = 0; night < days; night += NIGHTS_PER_STATEMENT) {
      const range = [night, Math.min(days, night + NIGHTS_PER_STATEMENT)];
      await client.query('BEGIN');
      await client.query(COPY_SCANS, range);
      for (const sql of COPY_CHILDREN) await client.query(sql, range);
      await client.query('COMMIT');
      // PGlite (0.4, single-user PostgreSQL) stalls at 100% CPU, for minutes at least, when
      // the WAL reaches the automatic checkpoint's threshold (about 540 MB with max_wal_size
      // 1GB) in the middle of these statements; a checkpoint after each slice (milliseconds)
      // keeps the WAL far below it.
      await client.query('CHECKPOINT');
      progress(range[1]!);
    }
    await client.query(`SELECT setval(pg_get_serial_sequence('"scan"', 'id'), (SELECT max("id") FROM "scan"))`);

    const idOf = new Map(plan.scans.map((s, i) => [`${s.tenant}:${s.day}`, scanIds[i]!]));
    if (templates.alertId !== null && plan.alerts.length > 0) {
      await client.query(COPY_ALERTS, [
        templates.alertId,
        templates.tenantName,
        plan.alerts.map((a) => tenants[a.tenant]!.id),
        plan.alerts.map((a) => tenants[a.tenant]!.displayName),
        plan.alerts.map((a) => idOf.get(`${a.tenant}:${a.openedDay}`)),
        plan.alerts.map((a) => (a.resolvedDay === null ? null : idOf.get(`${a.tenant}:${a.resolvedDay}`))),
      ]);
      await client.query(ALERT_MESSAGES, [templates.tenantId]);
    }
    // The template tenant goes (its scans, results and alerts with it); the documents stay, referenced by the copies.
    await client.query(`DROP TABLE bench_plan, ${TEMPLATE_TABLES.map((table) => `bench_${table}`).join(', ')}`);
    await client.query(`DELETE FROM "tenant" WHERE "id" = $1`, [templates.tenantId]);
    const alerts = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "alert"`);
    return { scanIds, alerts: alerts.rows[0]!.n };
  } finally {
    client.release();
  }
}

/** Rows per table, for the bench's report of what it measured on. */
export async function rowCounts(pool: pg.Pool, tables: readonly string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM "${table}"`);
    counts[table] = Number(rows[0]!.n);
  }
  return counts;
}
