/**
 * Reads what a report needs from the store (nothing is scanned): the reported scan, every scan
 * with results in the period, the level and adoption trends, and the alerts opened meanwhile.
 * Which tenant, and its targets, come from the configuration through the caller
 * (`report.command.ts`), so this module knows the store only.
 */
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client.js';
import { PpmatError } from '../errors/catalogue.js';
import type { RuleSet } from '../rules/rule-set.js';
import type { AreaTarget } from '../scoring/targets.js';
import { createTenantTargetsRepository } from '../store/tenant-targets-repository.js';
import type { Area, Level } from '../scoring/types.js';
import { createAlertReader, type AlertView } from '../store/alert-reader.js';
import { createHistoryRepository, type HistoryScan, type TimeRange } from '../store/history-repository.js';
import { capabilityResultFromRow, type ScanReader, type StoredScan } from '../store/scan-reader.js';
import { TREND_DAYS, type ReportInputs } from './report-model.js';

/** What of the App a report reads. */
export interface ReportSources {
  reader: Pick<ScanReader, 'loadScan' | 'latestResultScanId'>;
  db: { prisma: PrismaClient };
  ruleSet: Pick<RuleSet, 'version' | 'catalogue' | 'checks' | 'areas'>;
}

/** `--from`/`--to` as given (days, UTC) and as the half-open range of scan start times they select. */
export interface ReportPeriod {
  from: string | null;
  to: string | null;
  range: TimeRange;
}

export interface ReportRequest {
  /** The tenant asked for (`--demo`/`--tenant`), or null to report the tenant of `scanId`. */
  tenantId: string | null;
  scanId: number | null;
  period: ReportPeriod | null;
  now: Date;
  /** The command that scans the tenant, for the message when it was never scanned. */
  scanCommand?: string;
  /** The tenant's targets and level threshold, from its configuration (targets set through the API win). */
  judging(tenantId: string): { targets: readonly AreaTarget[]; threshold: number };
}

const DAY_MS = 86_400_000;
/** Alerts are read most recent first; a tenant does not open this many in a reporting period. */
const ALERT_LIMIT = 10_000;
const WITH_RESULTS = new Set(['succeeded', 'partial']);
const day = z.iso.date();

/** Validates `--from`/`--to` (YYYY-MM-DD, UTC): null when neither is given. */
export function reportPeriod(options: { from?: string; to?: string }): ReportPeriod | null {
  if (options.from === undefined && options.to === undefined) return null;
  const from = options.from === undefined ? undefined : parseDay(options.from, '--from');
  const to = options.to === undefined ? undefined : parseDay(options.to, '--to');
  if (from && to && to.getTime() < from.getTime()) {
    throw new PpmatError('PPMAT_E_REPORT_INVALID', `--to ${options.to} is before --from ${options.from}.`, { where: '--to' });
  }
  return {
    from: options.from ?? null,
    to: options.to ?? null,
    range: { ...(from ? { from } : {}), ...(to ? { to: new Date(to.getTime() + DAY_MS) } : {}) },
  };
}

function parseDay(value: string, flag: string): Date {
  if (!day.safeParse(value).success) throw new PpmatError('PPMAT_E_REPORT_INVALID', `"${value}" is not a date; give YYYY-MM-DD.`, { where: flag });
  return new Date(`${value}T00:00:00Z`);
}

export async function loadReportInputs(sources: ReportSources, request: ReportRequest): Promise<ReportInputs> {
  const history = createHistoryRepository(sources.db.prisma);
  const { scan, periodScans } = request.scanId !== null ? await askedScan(sources, request, request.scanId) : await lastScan(sources, request);
  const window: TimeRange = request.period
    ? request.period.range
    : { from: new Date(scan.startedAt.getTime() - TREND_DAYS * DAY_MS), to: new Date(scan.startedAt.getTime() + 1) };
  const [areaTrends, adoptionTrend, alerts, rows] = await Promise.all([
    history.areaTrends(scan.tenantId, window),
    history.adoptionTrend(scan.tenantId, window),
    createAlertReader(sources.db.prisma).list({ status: 'all', tenantId: scan.tenantId, limit: ALERT_LIMIT }),
    periodScans ? loadPeriodScans(sources.db.prisma, periodScans) : Promise.resolve([scan]),
  ]);
  const { targets: configured, threshold } = request.judging(scan.tenantId);
  // Targets set through the API (PUT /api/tenants/:id/targets) win over the configuration's.
  const targets = (await createTenantTargetsRepository(sources.db.prisma).get(scan.tenantId))?.targets ?? configured;
  return {
    generatedAt: request.now,
    tenant: { id: scan.tenantId, name: scan.tenantName },
    period: request.period ? { from: request.period.from, to: request.period.to } : null,
    window: { from: window.from ?? null, to: window.to ?? null },
    scan,
    periodScans: rows,
    areaTrends,
    adoptionTrend,
    alerts: alerts.filter((alert) => openedIn(alert, window, request.period ? null : scan.id)),
    targets,
    ruleSet: sources.ruleSet,
    threshold,
  };
}

/** Opened in the window; without a period, by the reported scan or one before it. */
function openedIn(alert: AlertView, window: TimeRange, upToScanId: number | null): boolean {
  if (window.from && alert.openedAt < window.from) return false;
  if (upToScanId !== null) return alert.openedScanId <= upToScanId;
  return !window.to || alert.openedAt < window.to;
}

/** `--scan <id>`: it must exist, be of the tenant asked for (if one was), and have results. */
async function askedScan(sources: ReportSources, request: ReportRequest, scanId: number): Promise<{ scan: StoredScan; periodScans: null }> {
  const scan = await sources.reader.loadScan(scanId);
  if (!scan) throw new PpmatError('PPMAT_E_SCAN_UNKNOWN', `there is no stored scan #${scanId}.`, { where: '--scan' });
  if (request.tenantId !== null && scan.tenantId !== request.tenantId) {
    throw new PpmatError('PPMAT_E_SCAN_UNKNOWN', `scan #${scanId} is a scan of tenant ${scan.tenantId} (${scan.tenantName}), not of ${request.tenantId}.`, { where: '--scan' });
  }
  if (!WITH_RESULTS.has(scan.status)) {
    const latest = await sources.reader.latestResultScanId(scan.tenantId);
    throw new PpmatError(
      'PPMAT_E_REPORT_INVALID',
      `scan #${scanId} ${scan.status === 'running' ? 'is still running' : `ended ${scan.status}${scan.error ? ` (${scan.error})` : ''}`}: it has no results to report` +
        (latest === null ? '.' : `; the tenant's last scan with results is #${latest}.`),
      { where: '--scan' },
    );
  }
  return { scan, periodScans: null };
}

/** The tenant's last scan with results, in the period if there is one; refuses a tenant never scanned. */
async function lastScan(sources: ReportSources, request: ReportRequest): Promise<{ scan: StoredScan; periodScans: HistoryScan[] | null }> {
  const tenantId = request.tenantId;
  if (tenantId === null) throw new PpmatError('PPMAT_E_REPORT_INVALID', 'name a tenant (--demo or --tenant <id>) or a scan (--scan <id>).', { where: 'ppmat report' });
  const history = createHistoryRepository(sources.db.prisma);
  if ((await history.tenantName(tenantId)) === null) {
    throw new PpmatError('PPMAT_E_SCAN_UNKNOWN', `tenant ${tenantId} has never been scanned, so there is nothing to report yet: scan it first (\`${request.scanCommand ?? 'ppmat scan'}\`).`, {
      where: 'ppmat report',
    });
  }
  if (!request.period) {
    const scanId = await sources.reader.latestResultScanId(tenantId);
    if (scanId === null) throw new PpmatError('PPMAT_E_SCAN_UNKNOWN', await noResults(tenantId, history.listScans(tenantId)), { where: 'ppmat report' });
    return { scan: (await sources.reader.loadScan(scanId))!, periodScans: null };
  }
  const inPeriod = (await history.listScans(tenantId, request.period.range)).filter((s) => WITH_RESULTS.has(s.status));
  const last = inPeriod.reduce<HistoryScan | undefined>((best, s) => (!best || finished(s) > finished(best) || (finished(s) === finished(best) && s.id > best.id) ? s : best), undefined);
  if (!last) {
    const all = (await history.listScans(tenantId)).filter((s) => WITH_RESULTS.has(s.status));
    const stored = all.length === 0 ? 'it has none' : `its scans with results started from ${day10(all[0]!.startedAt)} to ${day10(all[all.length - 1]!.startedAt)}`;
    throw new PpmatError('PPMAT_E_REPORT_INVALID', `tenant ${tenantId} has no scan with results ${periodText(request.period)} (${stored}).`, { where: '--from/--to' });
  }
  return { scan: (await sources.reader.loadScan(last.id))!, periodScans: inPeriod };
}

async function noResults(tenantId: string, listed: Promise<HistoryScan[]>): Promise<string> {
  const scans = await listed;
  const last = scans[scans.length - 1];
  return `tenant ${tenantId} has no scan with results to report` + (last ? ` (${scans.length} stored; the last, #${last.id}, ended ${last.status}).` : '.');
}

/** Every scan's area levels and statements, read by scan id (the indexed way: see history-repository.ts). */
async function loadPeriodScans(prisma: PrismaClient, scans: readonly HistoryScan[]): Promise<ReportInputs['periodScans']> {
  const ids = scans.map((s) => s.id);
  const [areas, capabilities] = await Promise.all([
    prisma.areaScore.findMany({ where: { scanId: { in: ids } }, orderBy: { id: 'asc' }, select: { scanId: true, area: true, level: true, maxLevel: true } }),
    prisma.capabilityResult.findMany({
      where: { scanId: { in: ids } },
      orderBy: { id: 'asc' },
      select: { scanId: true, capabilityId: true, area: true, level: true, status: true, reason: true, checks: true, attestation: true },
    }),
  ]);
  const areasOf = groupByScan(areas);
  const capabilitiesOf = groupByScan(capabilities);
  return scans.map((scan) => ({
    id: scan.id,
    status: scan.status,
    startedAt: scan.startedAt,
    finishedAt: scan.finishedAt,
    areaScores: (areasOf.get(scan.id) ?? []).map((a) => ({ area: a.area as Area, level: a.level as Level, maxLevel: a.maxLevel as Level })),
    capabilityResults: (capabilitiesOf.get(scan.id) ?? []).map(capabilityResultFromRow),
  }));
}

function groupByScan<T extends { scanId: number }>(rows: readonly T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const group = groups.get(row.scanId);
    if (group) group.push(row);
    else groups.set(row.scanId, [row]);
  }
  return groups;
}

function finished(scan: HistoryScan): number {
  return (scan.finishedAt ?? scan.startedAt).getTime();
}

function day10(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function periodText(period: ReportPeriod): string {
  if (period.from && period.to) return `from ${period.from} to ${period.to}`;
  return period.from ? `since ${period.from}` : `until ${period.to}`;
}
