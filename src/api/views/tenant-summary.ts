/**
 * A tenant as the overview shows it: its schedule, its last scan, its levels beside its
 * targets, and its open alerts. Read for many tenants at once in a handful of queries (not
 * a few per tenant), so the list stays fast with hundreds of tenants.
 */
import { PpmatError } from '../../errors/catalogue.js';
import type { AreaTarget } from '../../scoring/targets.js';
import type { Level } from '../../scoring/types.js';
import type { ScanStatus } from '../../store/scan-repository.js';
import { apiTargetsOf } from '../../store/tenant-targets-repository.js';
import type { ApiDeps } from '../api-deps.js';
import { iso } from '../schemas/common.js';
import type { z } from 'zod';
import type { tenantSummary as tenantSummarySchema } from '../schemas/scan.schemas.js';

export type TenantSummary = z.infer<typeof tenantSummarySchema>;

/** The tenant's targets in force: set through the API, else ppmat.yaml's. */
export async function effectiveTargets(deps: Pick<ApiDeps, 'tenantTargets' | 'tenantSettings'>, tenantId: string): Promise<{ targets: AreaTarget[]; source: 'config' | 'api' }> {
  const stored = await deps.tenantTargets.get(tenantId);
  return stored ? { targets: stored.targets, source: 'api' } : { targets: deps.tenantSettings(tenantId).targets, source: 'config' };
}

/** The summaries of these tenants (null: every tenant), ordered by display name. */
export async function tenantSummaries(deps: ApiDeps, tenantIds: readonly string[] | null): Promise<TenantSummary[]> {
  const { prisma } = deps;
  const tenants = await prisma.tenant.findMany({ where: tenantIds ? { id: { in: [...tenantIds] } } : {}, orderBy: [{ displayName: 'asc' }, { id: 'asc' }] });
  if (tenants.length === 0) return [];
  const ids = tenants.map((t) => t.id);
  // The last scan of each tenant, one index lookup each (Prisma's `distinct` would read every scan).
  const [lastScans, lastResults, openAlerts] = await Promise.all([
    prisma.$queryRaw<{ id: number; tenantId: string; status: ScanStatus; startedAt: Date; finishedAt: Date | null }[]>`
      SELECT s.id, s.tenant_id AS "tenantId", s.status::text AS status, s.started_at AS "startedAt", s.finished_at AS "finishedAt"
      FROM unnest(${ids}::text[]) AS t(id)
      CROSS JOIN LATERAL (SELECT * FROM scan WHERE tenant_id = t.id ORDER BY started_at DESC, id DESC LIMIT 1) s`,
    prisma.$queryRaw<{ id: number; tenantId: string }[]>`
      SELECT s.id, s.tenant_id AS "tenantId"
      FROM unnest(${ids}::text[]) AS t(id)
      CROSS JOIN LATERAL (SELECT id, tenant_id FROM scan WHERE tenant_id = t.id AND status IN ('succeeded', 'partial') ORDER BY started_at DESC, id DESC LIMIT 1) s`.then(async (scans) => {
      const scores = await prisma.areaScore.findMany({ where: { scanId: { in: scans.map((s) => s.id) } }, orderBy: { id: 'asc' }, select: { scanId: true, area: true, level: true, maxLevel: true } });
      return scans.map((scan) => ({ ...scan, areaScores: scores.filter((a) => a.scanId === scan.id) }));
    }),
    prisma.alert.groupBy({ by: ['tenantId'], where: { tenantId: { in: ids }, status: 'open' }, _count: { _all: true } }),
  ]);
  const lastScanOf = new Map(lastScans.map((s) => [s.tenantId, s]));
  const resultOf = new Map(lastResults.map((s) => [s.tenantId, s]));
  const alertsOf = new Map(openAlerts.map((a) => [a.tenantId, a._count._all]));
  const areaNames = new Map(deps.ruleSet.areas.map((a) => [a.id as string, a.name]));
  return tenants.map((tenant) => {
    const stored = apiTargetsOf(tenant);
    const { targets, source } = stored ? { targets: stored.targets, source: 'api' as const } : { targets: deps.tenantSettings(tenant.id).targets, source: 'config' as const };
    const last = lastScanOf.get(tenant.id);
    const result = resultOf.get(tenant.id);
    return {
      id: tenant.id,
      displayName: tenant.displayName,
      cloud: tenant.cloud,
      schedule: tenant.schedule,
      timezone: tenant.timezone,
      enabled: tenant.enabled,
      targets,
      targetsSource: source,
      lastScan: last ? { id: last.id, status: last.status, startedAt: iso(last.startedAt), finishedAt: iso(last.finishedAt) } : null,
      lastResultScanId: result?.id ?? null,
      areas: (result?.areaScores ?? []).map((a) => ({
        area: a.area as TenantSummary['areas'][number]['area'],
        name: areaNames.get(a.area) ?? a.area,
        level: a.level as Level,
        maxLevel: a.maxLevel as Level,
        target: targets.find((t) => t.area === a.area)?.level ?? null,
      })),
      openAlerts: alertsOf.get(tenant.id) ?? 0,
    };
  });
}

/** One tenant's summary; PPMAT_E_TENANT_UNKNOWN when ppmat never stored it. */
export async function tenantSummary(deps: ApiDeps, tenantId: string): Promise<TenantSummary> {
  const [summary] = await tenantSummaries(deps, [tenantId]);
  if (!summary) throw new PpmatError('PPMAT_E_TENANT_UNKNOWN', `ppmat knows no tenant "${tenantId}" (it is added by its first scan).`);
  return summary;
}
