/**
 * A tenant's history read back for trends: the scans in a time range, each area's level and
 * range per scan, one capability's status per scan, and the adoption counts per scan.
 *
 * Narrow, indexed queries: every read first finds the tenant's scans through the
 * (tenant_id, started_at) index, then their result rows by scan id through the (scan_id, ...)
 * unique indexes, selecting only the columns a trend shows. (A join on the scan instead lets
 * the planner scan every tenant's area rows: with 50 tenants' two years of nightly scans,
 * 330,000 rows for the 6,600 of one tenant.) Trends count only scans that finished with
 * results (succeeded or partial): a failed scan judged nothing.
 */
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { Adoption } from '../history/adoption.js';
import type { Area, CapabilityStatus, Level } from '../scoring/types.js';
import type { ScanListItem, ScanStatus } from './scan-repository.js';

/** A half-open range of scan start times: `from` included, `to` excluded; either end open when absent. */
export interface TimeRange {
  from?: Date;
  to?: Date;
}

/** A scan as history lists it. */
export type HistoryScan = Omit<ScanListItem, 'tenantId' | 'evidenceCount' | 'evidenceNew'>;

/** One scan's point on a trend: the scan and when it finished. */
export interface TrendPoint {
  scanId: number;
  finishedAt: Date;
}

export interface AreaTrend {
  area: Area;
  points: (TrendPoint & { level: Level; maxLevel: Level })[];
}

export type CapabilityTrendPoint = TrendPoint & { status: CapabilityStatus; reason: string };

/** Adoption counts of one scan; null for scans stored before adoption was counted. */
export type AdoptionPoint = TrendPoint & { adoption: Adoption | null };

export interface HistoryRepository {
  /** The tenant's display name as last stored, or null for a tenant never scanned. */
  tenantName(tenantId: string): Promise<string | null>;
  /** Every scan of the tenant started in the range (any status), oldest first. */
  listScans(tenantId: string, range?: TimeRange): Promise<HistoryScan[]>;
  /** Per area (in the order first seen), the level and range of each scan with results, oldest first; `areas` narrows it. */
  areaTrends(tenantId: string, range?: TimeRange, areas?: readonly string[]): Promise<AreaTrend[]>;
  /** One capability statement's status and reason in each scan with results that judged it, oldest first. */
  capabilityTrend(tenantId: string, capabilityId: string, range?: TimeRange): Promise<CapabilityTrendPoint[]>;
  /** The adoption counts of each scan with results, oldest first. */
  adoptionTrend(tenantId: string, range?: TimeRange): Promise<AdoptionPoint[]>;
  /** The ids of the tenant's last `count` scans with results, the last finished first. */
  lastResultScanIds(tenantId: string, count: number): Promise<number[]>;
  /** The adoption counts of these scans, by id (null when a scan has none). */
  adoptionOf(scanIds: readonly number[]): Promise<Map<number, Adoption | null>>;
}

const WITH_RESULTS: ScanStatus[] = ['succeeded', 'partial'];
const OLDEST_FIRST = [{ startedAt: 'asc' }, { id: 'asc' }] satisfies Prisma.ScanOrderByWithRelationInput[];

export function createHistoryRepository(prisma: PrismaClient): HistoryRepository {
  const resultScans = (tenantId: string, range: TimeRange | undefined): Prisma.ScanWhereInput => ({
    tenantId,
    status: { in: WITH_RESULTS },
    ...startedIn(range),
  });
  /** The scans with results in the range, oldest first, with when they finished. */
  const points = async (tenantId: string, range: TimeRange | undefined): Promise<TrendPoint[]> => {
    const scans = await prisma.scan.findMany({ where: resultScans(tenantId, range), orderBy: OLDEST_FIRST, select: { id: true, startedAt: true, finishedAt: true } });
    return scans.map((s) => ({ scanId: s.id, finishedAt: s.finishedAt ?? s.startedAt }));
  };

  return {
    async tenantName(tenantId) {
      const tenant = await prisma.tenant.findUnique({ where: { id: tenantId }, select: { displayName: true } });
      return tenant?.displayName ?? null;
    },

    async listScans(tenantId, range) {
      return prisma.scan.findMany({
        where: { tenantId, ...startedIn(range) },
        orderBy: OLDEST_FIRST,
        select: {
          id: true,
          status: true,
          trigger: true,
          startedAt: true,
          finishedAt: true,
          ruleSetVersion: true,
          checksTotal: true,
          checksPassed: true,
          checksFailed: true,
          checksUnknown: true,
        },
      });
    },

    async areaTrends(tenantId, range, areas) {
      const scans = await points(tenantId, range);
      const scores = await prisma.areaScore.findMany({
        where: { scanId: { in: scans.map((p) => p.scanId) }, ...(areas ? { area: { in: [...areas] } } : {}) },
        select: { scanId: true, area: true, level: true, maxLevel: true },
      });
      const byScan = new Map<number, typeof scores>();
      for (const score of scores) {
        const list = byScan.get(score.scanId);
        if (list) list.push(score);
        else byScan.set(score.scanId, [score]);
      }
      const trends = new Map<string, AreaTrend>();
      for (const point of scans) {
        for (const score of byScan.get(point.scanId) ?? []) {
          const trend = trends.get(score.area) ?? { area: score.area as Area, points: [] };
          trend.points.push({ ...point, level: score.level as Level, maxLevel: score.maxLevel as Level });
          trends.set(score.area, trend);
        }
      }
      return [...trends.values()];
    },

    async capabilityTrend(tenantId, capabilityId, range) {
      const scans = await points(tenantId, range);
      const results = await prisma.capabilityResult.findMany({
        where: { capabilityId, scanId: { in: scans.map((p) => p.scanId) } },
        select: { scanId: true, status: true, reason: true },
      });
      const byScan = new Map(results.map((r) => [r.scanId, r]));
      return scans.flatMap((point) => {
        const result = byScan.get(point.scanId);
        return result ? [{ ...point, status: result.status as CapabilityStatus, reason: result.reason }] : [];
      });
    },

    async adoptionTrend(tenantId, range) {
      const scans = await prisma.scan.findMany({
        where: resultScans(tenantId, range),
        orderBy: OLDEST_FIRST,
        select: { id: true, startedAt: true, finishedAt: true, adoption: true },
      });
      return scans.map((s) => ({ scanId: s.id, finishedAt: s.finishedAt ?? s.startedAt, adoption: (s.adoption as unknown as Adoption | null) ?? null }));
    },

    async lastResultScanIds(tenantId, count) {
      const scans = await prisma.scan.findMany({
        where: { tenantId, status: { in: WITH_RESULTS } },
        // As the scan reader's latest scan: by when it finished.
        orderBy: [{ finishedAt: 'desc' }, { id: 'desc' }],
        take: count,
        select: { id: true },
      });
      return scans.map((s) => s.id);
    },

    async adoptionOf(scanIds) {
      if (scanIds.length === 0) return new Map();
      const scans = await prisma.scan.findMany({ where: { id: { in: [...scanIds] } }, select: { id: true, adoption: true } });
      return new Map(scans.map((s) => [s.id, (s.adoption as unknown as Adoption | null) ?? null]));
    },
  };
}

function startedIn(range: TimeRange | undefined): Prisma.ScanWhereInput {
  if (!range?.from && !range?.to) return {};
  return { startedAt: { ...(range.from ? { gte: range.from } : {}), ...(range.to ? { lt: range.to } : {}) } };
}
