/**
 * Capabilities of a scan: the grid (every statement with its status) and one statement's page:
 * its checks with the values they judged, the evidence documents they read, and its history.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PpmatError } from '../../errors/catalogue.js';
import { AREAS } from '../../scoring/types.js';
import type { ApiDeps } from '../api-deps.js';
import { errorResponses, iso, scanIdParam, text } from '../schemas/common.js';
import { capabilityDetail, capabilityStatus, capabilityView } from '../schemas/scan.schemas.js';
import { toCapabilityView } from '../views/capability-view.js';
import { visibleScan } from '../views/scan-access.js';

/** Evidence documents larger than this are left out of a capability page: their own route serves them. */
export const INLINE_EVIDENCE_BYTES = 256 * 1024;
/** How far back a capability's history goes on its page. */
export const HISTORY_DAYS = 365;

export function capabilityRoutes(deps: ApiDeps): FastifyPluginAsync {
  const statements = new Map(deps.ruleSet.catalogue.map((c) => [c.id, c]));
  const checks = new Map(deps.ruleSet.checks.map((c) => [c.id, c]));
  return async (app) => {
    const api = app.withTypeProvider<ZodTypeProvider>();

    api.get('/scans/:scanId/capabilities', {
      config: { access: 'viewer' },
      schema: {
        tags: ['capabilities'],
        summary: 'Every capability statement the scan judged, with its status and why (the maturity grid).',
        params: scanIdParam,
        querystring: z.strictObject({ area: z.enum(AREAS).optional(), status: capabilityStatus.optional() }),
        response: { 200: z.object({ capabilities: z.array(capabilityView) }), ...errorResponses },
      },
    }, async (request) => {
      await visibleScan(deps, request, request.params.scanId);
      const results = await deps.details.capabilities(request.params.scanId, request.query.area);
      const filtered = request.query.status ? results.filter((r) => r.status === request.query.status) : results;
      return { capabilities: filtered.map((r) => toCapabilityView(r, statements.get(r.capabilityId))) };
    });

    api.get('/scans/:scanId/capabilities/:capabilityId', {
      config: { access: 'viewer' },
      schema: {
        tags: ['capabilities'],
        summary: 'One capability statement: its status and reason, each check with its message and actual values, the evidence behind them, and its history.',
        params: scanIdParam.extend({ capabilityId: text.min(1).max(200) }),
        response: { 200: capabilityDetail, ...errorResponses },
      },
    }, async (request) => {
      const { scanId, capabilityId } = request.params;
      const scan = await visibleScan(deps, request, scanId);
      const result = await deps.details.capability(scanId, capabilityId);
      if (!result) {
        throw new PpmatError('PPMAT_E_CAPABILITY_UNKNOWN', statements.has(capabilityId) ? `scan #${scanId} did not judge "${capabilityId}".` : `"${capabilityId}" is not a statement of the model.`);
      }
      const stored = await deps.details.checks(scanId, result.checks.map((c) => c.checkId));
      const keys = [...new Set(stored.flatMap((c) => c.evidence.map((e) => e.key)))];
      const meta = await deps.details.evidenceMeta(scanId, keys);
      const inline = meta.filter((m) => m.hash !== null && (m.bytes ?? 0) <= INLINE_EVIDENCE_BYTES).map((m) => m.hash!);
      const contents = await deps.details.evidenceContent(inline);
      const to = scan.finishedAt ?? scan.startedAt;
      const history = await deps.history.capabilityTrend(scan.tenantId, capabilityId, { from: new Date(to.getTime() - HISTORY_DAYS * 86_400_000), to });
      return {
        capability: toCapabilityView(result, statements.get(capabilityId)),
        checks: stored.map((check) => {
          const compiled = checks.get(check.checkId);
          return { ...check, remediation: compiled?.remediation ?? null, references: compiled?.references ?? [] };
        }),
        evidence: meta.map((m) => {
          const content = m.hash ? contents.get(m.hash) : undefined;
          return { ...m, collectedAt: iso(m.collectedAt), ...(content !== undefined ? { content } : {}) };
        }),
        history: history.map((point) => ({ scanId: point.scanId, finishedAt: iso(point.finishedAt), status: point.status, reason: point.reason })),
      };
    });
  };
}
