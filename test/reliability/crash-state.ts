/**
 * What the crash-safety test asserts about a database a killed process left behind, read in
 * one place: every scan with its result counts, the alerts and their outbox messages, and the
 * evidence links that point nowhere. Read by the crash child right after ppmat reopened the
 * database (an embedded database is held by one process at a time, so the child is the one that
 * can look between two kills) and by the test itself at the end.
 */
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { MANIFEST_KIND } from '../../src/store/partition-manifest.js';
import { createScanReader } from '../../src/store/scan-reader.js';

export interface ScanRow {
  id: number;
  status: string;
  error: string | null;
  checksTotal: number;
  checks: number;
  capabilities: number;
  areas: number;
  collectorRuns: number;
  /** Evidence families linked (partition manifests not counted). */
  evidence: number;
}

export interface AlertRow {
  id: number;
  kind: string;
  status: string;
  openedScanId: number;
  resolvedScanId: number | null;
}

export interface MessageRow {
  id: number;
  alertId: number;
  channel: string;
  kind: string;
  idempotencyKey: string;
  status: string;
  attempts: number;
}

export interface DatabaseState {
  scans: ScanRow[];
  alerts: AlertRow[];
  messages: MessageRow[];
  /** The scan the reader offers as the tenant's latest result (reports, alerts' "last scan"). */
  latestResult: number | null;
  /** The scans the reader offers as results to compare with (what alerts and history see). */
  resultScans: number[];
  /** `key:hash` references of check results whose document is not stored. */
  danglingCheckRefs: number;
  /** Entries of linked partition manifests whose document is not stored. */
  danglingManifestEntries: number;
  /** `ok` evidence links without a document. */
  okLinksWithoutDocument: number;
}

export async function readDatabaseState(prisma: PrismaClient, tenantId: string): Promise<DatabaseState> {
  const scans = await prisma.scan.findMany({
    where: { tenantId },
    orderBy: { id: 'asc' },
    select: {
      id: true,
      status: true,
      error: true,
      checksTotal: true,
      _count: { select: { checkResults: true, capabilityResults: true, areaScores: true, collectorRuns: true } },
    },
  });
  const families = await prisma.scanEvidence.groupBy({ by: ['scanId'], where: { scan: { tenantId }, NOT: { key: { startsWith: 'partitions/' } } }, _count: { _all: true } });
  const familiesOf = new Map(families.map((f) => [f.scanId, f._count._all]));
  const alerts = await prisma.alert.findMany({ where: { tenantId }, orderBy: { id: 'asc' }, select: { id: true, kind: true, status: true, openedScanId: true, resolvedScanId: true } });
  const messages = await prisma.alertMessage.findMany({
    where: { alert: { tenantId } },
    orderBy: { id: 'asc' },
    select: { id: true, alertId: true, channel: true, kind: true, idempotencyKey: true, status: true, attempts: true },
  });
  const [refs] = await prisma.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM check_result AS c, unnest(c.evidence_refs) AS ref
    WHERE ref ~ ':[0-9a-f]{64}$' AND NOT EXISTS (SELECT 1 FROM evidence AS e WHERE e.hash = substring(ref from '([0-9a-f]{64})$'))`;
  const [entries] = await prisma.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM scan_evidence AS l JOIN evidence AS m ON m.hash = l.evidence_hash AND m.kind = ${MANIFEST_KIND},
      jsonb_each_text(m.content->'entries') AS e(key, hash)
    WHERE NOT EXISTS (SELECT 1 FROM evidence AS d WHERE d.hash = e.hash)`;
  const [links] = await prisma.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM scan_evidence AS l
    WHERE l.status = 'ok' AND (l.evidence_hash IS NULL OR NOT EXISTS (SELECT 1 FROM evidence AS d WHERE d.hash = l.evidence_hash))`;
  const reader = createScanReader(prisma);
  const last = scans.at(-1);
  return {
    scans: scans.map((s) => ({
      id: s.id,
      status: s.status,
      error: s.error,
      checksTotal: s.checksTotal,
      checks: s._count.checkResults,
      capabilities: s._count.capabilityResults,
      areas: s._count.areaScores,
      collectorRuns: s._count.collectorRuns,
      evidence: familiesOf.get(s.id) ?? 0,
    })),
    alerts,
    messages,
    latestResult: await reader.latestResultScanId(tenantId),
    resultScans: last ? (await reader.recentResultScans(tenantId, last.id + 1, 1_000)).map((s) => s.id) : [],
    danglingCheckRefs: Number(refs?.n ?? 0),
    danglingManifestEntries: Number(entries?.n ?? 0),
    okLinksWithoutDocument: Number(links?.n ?? 0),
  };
}

/** How many rows a scan with results has: one per check, capability statement and area of the rule set. */
export interface RuleSetCounts {
  checks: number;
  capabilities: number;
  areas: number;
}

export const COMMITTED = new Set(['succeeded', 'partial']);

/**
 * What must hold between two kills, once the next process has recovered and run a scan and a
 * delivery to completion: every violation, in words (none when the database is consistent).
 * `channels`: the configured channel names, each of which gets one message per alert event.
 */
export function violations(state: DatabaseState, counts: RuleSetCounts, channels: readonly string[]): string[] {
  const found: string[] = [];
  const committed = new Set(state.scans.filter((s) => COMMITTED.has(s.status)).map((s) => s.id));
  for (const scan of state.scans) {
    if (scan.status === 'running') found.push(`scan #${scan.id} is still running`);
    if (COMMITTED.has(scan.status)) {
      const full = scan.checks === counts.checks && scan.capabilities === counts.capabilities && scan.areas === counts.areas && scan.checksTotal === counts.checks;
      if (!full) found.push(`scan #${scan.id} (${scan.status}) has ${scan.checks}/${counts.checks} checks, ${scan.capabilities}/${counts.capabilities} capabilities, ${scan.areas}/${counts.areas} areas`);
      if (scan.evidence === 0 || scan.collectorRuns === 0) found.push(`scan #${scan.id} (${scan.status}) has no evidence links or collector runs`);
    } else if (scan.checks + scan.capabilities + scan.areas + scan.collectorRuns > 0) {
      found.push(`scan #${scan.id} (${scan.status}) has results it never committed`);
    }
  }
  for (const id of [...state.resultScans, ...(state.latestResult === null ? [] : [state.latestResult])]) {
    if (!committed.has(id)) found.push(`the reader offers scan #${id} as a result, which is not committed`);
  }
  if (state.resultScans.length !== committed.size) found.push(`the reader offers ${state.resultScans.length} results, ${committed.size} scans are committed`);
  if (state.danglingCheckRefs > 0) found.push(`${state.danglingCheckRefs} check result evidence references point at no document`);
  if (state.danglingManifestEntries > 0) found.push(`${state.danglingManifestEntries} partition manifest entries point at no document`);
  if (state.okLinksWithoutDocument > 0) found.push(`${state.okLinksWithoutDocument} evidence links point at no document`);
  const messagesOf = new Map<string, MessageRow[]>();
  for (const m of state.messages) {
    const key = `${m.alertId}|${m.kind}`;
    messagesOf.set(key, [...(messagesOf.get(key) ?? []), m]);
  }
  for (const alert of state.alerts) {
    if (!committed.has(alert.openedScanId)) found.push(`alert #${alert.id} was raised by scan #${alert.openedScanId}, which is not committed`);
    if (alert.resolvedScanId !== null && !committed.has(alert.resolvedScanId)) found.push(`alert #${alert.id} was resolved by scan #${alert.resolvedScanId}, which is not committed`);
    const events = alert.status === 'resolved' ? ['raised', 'resolved'] : ['raised'];
    for (const kind of events) {
      const sent = (messagesOf.get(`${alert.id}|${kind}`) ?? []).map((m) => m.channel).sort();
      if (sent.join() !== [...channels].sort().join()) found.push(`alert #${alert.id} ${kind}: messages to [${sent.join(', ')}], expected one to each of [${channels.join(', ')}]`);
    }
  }
  const keys = new Set<string>();
  for (const m of state.messages) {
    if (keys.has(m.idempotencyKey)) found.push(`two messages share the idempotency key ${m.idempotencyKey}`);
    keys.add(m.idempotencyKey);
    if (m.status !== 'delivered') found.push(`message #${m.id} (${m.kind} to ${m.channel}) is ${m.status} after ${m.attempts} attempts`);
  }
  return found;
}
