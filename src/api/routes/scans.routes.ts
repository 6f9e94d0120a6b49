/** One scan: its status, collectors and area levels (against the targets); one evidence document it stored. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PpmatError } from '../../errors/catalogue.js';
import { targetProgress } from '../../scoring/targets.js';
import type { Area, Level } from '../../scoring/types.js';
import type { ApiDeps } from '../api-deps.js';
import { errorResponses, iso, scanIdParam, text } from '../schemas/common.js';
import { areaView, evidenceView, scanDetail } from '../schemas/scan.schemas.js';
import { visibleScan } from '../views/scan-access.js';
import { effectiveTargets } from '../views/tenant-summary.js';

export function scanRoutes(deps: ApiDeps): FastifyPluginAsync {
  const areaNames = new Map(deps.ruleSet.areas.map((a) => [a.id as string, a.name]));
  return async (app) => {
    const api = app.withTypeProvider<ZodTypeProvider>();

    api.get('/scans/:scanId', {
      config: { access: 'viewer' },
      schema: {
        tags: ['scans'],
        summary: 'A scan: status, collectors with their request accounting, and the level of each area with its range and target.',
        params: scanIdParam,
        response: { 200: z.object({ scan: scanDetail, areas: z.array(areaView) }), ...errorResponses },
      },
    }, async (request) => {
      const { areaScores, ...scan } = await visibleScan(deps, request, request.params.scanId);
      const { targets } = await effectiveTargets(deps, scan.tenantId);
      const now = deps.clock();
      return {
        scan: { ...scan, startedAt: iso(scan.startedAt), finishedAt: iso(scan.finishedAt) },
        areas: areaScores.map((score) => {
          const target = targets.find((t) => t.area === score.area);
          const progress = target ? targetProgress({ area: score.area as Area, level: score.level as Level }, target, now) : null;
          return {
            ...score,
            area: score.area as Area,
            level: score.level as Level,
            maxLevel: score.maxLevel as Level,
            name: areaNames.get(score.area) ?? score.area,
            target: progress ? { level: progress.level, by: progress.by, summary: progress.summary } : null,
          };
        }),
      };
    });

    api.get('/scans/:scanId/evidence/:key', {
      config: { access: 'viewer' },
      schema: {
        tags: ['evidence'],
        summary: 'One evidence document the scan stored (a family such as `dlpPolicies`, or a partition such as one environment\'s inventory), with its content.',
        params: scanIdParam.extend({ key: text.min(1).max(300) }),
        response: { 200: evidenceView, ...errorResponses },
      },
    }, async (request) => {
      await visibleScan(deps, request, request.params.scanId);
      const [meta] = await deps.details.evidenceMeta(request.params.scanId, [request.params.key]);
      if (!meta) throw new PpmatError('PPMAT_E_NOT_FOUND', `scan #${request.params.scanId} holds no evidence under "${request.params.key}".`);
      const content = meta.hash ? (await deps.details.evidenceContent([meta.hash])).get(meta.hash) : undefined;
      return { ...meta, collectedAt: iso(meta.collectedAt), ...(content !== undefined ? { content } : {}) };
    });
  };
}
