/** Over time: level and adoption trends, the difference between two scans, and the roadmap to the next level. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { renderDiff } from '../../cli/history-render.js';
import { PpmatError } from '../../errors/catalogue.js';
import { diffScans, type DiffableScan } from '../../history/scan-diff.js';
import { roadmap } from '../../scoring/roadmap.js';
import { targetProgress } from '../../scoring/targets.js';
import { assertTenant } from '../access.js';
import type { ApiDeps } from '../api-deps.js';
import { errorResponses, iso, queryDate, tenantIdParam } from '../schemas/common.js';
import { diffBody, roadmapBody, trendsBody } from '../schemas/history.schemas.js';
import { visibleScan } from '../views/scan-access.js';
import { effectiveTargets, tenantSummary } from '../views/tenant-summary.js';

/** Trends cover this many days when no range is given. */
export const DEFAULT_TREND_DAYS = 365;
const scanId = z.coerce.number().int().positive().max(2_147_483_647);

export function historyRoutes(deps: ApiDeps): FastifyPluginAsync {
  const areaNames = new Map(deps.ruleSet.areas.map((a) => [a.id as string, a.name]));
  return async (app) => {
    const api = app.withTypeProvider<ZodTypeProvider>();

    api.get('/tenants/:tenantId/trends', {
      config: { access: 'viewer' },
      // The largest answer (a year of nights × nine areas, and adoption): written as is, not
      // re-validated point by point against its schema (the handler's type already is it).
      serializerCompiler: () => (data) => JSON.stringify(data),
      schema: {
        tags: ['history'],
        summary: `Level (with range) of each area and adoption counts, per scan with results (default: the last ${DEFAULT_TREND_DAYS} days).`,
        params: tenantIdParam,
        querystring: z.strictObject({ from: queryDate.optional(), to: queryDate.optional() }),
        response: { 200: trendsBody, ...errorResponses },
      },
    }, async (request) => {
      const { tenantId } = request.params;
      assertTenant(request, tenantId);
      await tenantSummary(deps, tenantId);
      const to = request.query.to;
      const from = request.query.from ?? new Date((to ?? deps.clock()).getTime() - DEFAULT_TREND_DAYS * 86_400_000);
      if (to && from > to) throw new PpmatError('PPMAT_E_REQUEST_INVALID', 'from is after to.', { where: 'querystring.from' });
      const range = { from, ...(to ? { to } : {}) };
      const [levels, adoption] = await Promise.all([deps.history.areaTrends(tenantId, range), deps.history.adoptionTrend(tenantId, range)]);
      return {
        levels: levels.map((trend) => ({
          area: trend.area,
          name: areaNames.get(trend.area) ?? trend.area,
          points: trend.points.map((p) => ({ scanId: p.scanId, finishedAt: iso(p.finishedAt), level: p.level, maxLevel: p.maxLevel })),
        })),
        adoption: adoption.map((p) => ({ scanId: p.scanId, finishedAt: iso(p.finishedAt), adoption: p.adoption })),
      };
    });

    api.get('/diff', {
      config: { access: 'viewer' },
      schema: {
        tags: ['history'],
        summary: 'What changed between two scans of one tenant: levels, statements, checks and evidence, one sentence each.',
        querystring: z.strictObject({ from: scanId.describe('The earlier scan.'), to: scanId.describe('The later scan.') }),
        response: { 200: diffBody, ...errorResponses },
      },
    }, async (request) => {
      const [before, after] = [await visibleScan(deps, request, request.query.from), await visibleScan(deps, request, request.query.to)];
      if (before.tenantId !== after.tenantId) {
        throw new PpmatError('PPMAT_E_REQUEST_INVALID', `scan #${before.id} is of tenant ${before.tenantId} and scan #${after.id} of ${after.tenantId}: compare scans of one tenant.`, { where: 'querystring.to' });
      }
      const [a, b, adoption] = await Promise.all([deps.reader.loadScan(before.id), deps.reader.loadScan(after.id), deps.history.adoptionOf([before.id, after.id])]);
      const withAdoption = (scan: NonNullable<typeof a>): DiffableScan => ({ ...scan, adoption: adoption.get(scan.id) ?? null });
      const diff = diffScans(withAdoption(a!), withAdoption(b!), deps.ruleSet);
      return { diff, sentences: renderDiff(diff).split('\n').filter((line) => line.trim() !== '') };
    });

    api.get('/tenants/:tenantId/roadmap', {
      config: { access: 'viewer' },
      schema: {
        tags: ['history'],
        summary: 'Per area, the statements that stand between the current level and the next, with what would flip each (fix, collect, attest).',
        params: tenantIdParam,
        querystring: z.strictObject({ scanId: scanId.optional().describe("Default: the tenant's last scan with results.") }),
        response: { 200: roadmapBody, ...errorResponses },
      },
    }, async (request) => {
      const { tenantId } = request.params;
      assertTenant(request, tenantId);
      const summary = await tenantSummary(deps, tenantId);
      const id = request.query.scanId ?? summary.lastResultScanId;
      if (id === null) throw new PpmatError('PPMAT_E_SCAN_UNKNOWN', `tenant ${tenantId} has no scan with results yet.`);
      const scan = await visibleScan(deps, request, id);
      if (scan.tenantId !== tenantId) throw new PpmatError('PPMAT_E_SCAN_UNKNOWN', `scan #${id} is a scan of another tenant.`, { where: 'querystring.scanId' });
      const [capabilityResults, checkResults, { targets }] = await Promise.all([deps.details.capabilities(id), deps.details.checkResults(id), effectiveTargets(deps, tenantId)]);
      const areaScores = scan.areaScores as Parameters<typeof roadmap>[0]['areaScores'];
      const steps = roadmap({
        catalogue: deps.ruleSet.catalogue,
        checks: deps.ruleSet.checks,
        checkResults,
        capabilityResults,
        areaScores,
        threshold: deps.tenantSettings(tenantId).threshold,
      });
      const now = deps.clock();
      return {
        scanId: id,
        steps: steps.map((step) => {
          const score = areaScores.find((s) => s.area === step.area)!;
          const target = targets.find((t) => t.area === step.area);
          const progress = target ? targetProgress(score, target, now) : null;
          return { ...step, name: areaNames.get(step.area) ?? step.area, target: progress ? { level: progress.level, by: progress.by, summary: progress.summary } : null };
        }),
      };
    });
  };
}
