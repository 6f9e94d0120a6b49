/** Tenants: the overview list, one tenant, its targets, its scans, and a scan started now. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PpmatError } from '../../errors/catalogue.js';
import { assertTenant, principalOf, tenantScope } from '../access.js';
import type { ApiDeps } from '../api-deps.js';
import { errorResponses, iso, rowId, tenantIdParam } from '../schemas/common.js';
import { scanListItem, target, tenantSummary } from '../schemas/scan.schemas.js';
import { actorOf } from '../audited-changes.js';
import { effectiveTargets, tenantSummaries, tenantSummary as loadSummary } from '../views/tenant-summary.js';

const targetsBody = z.object({ targets: z.array(target), source: z.enum(['config', 'api']) });

export function tenantRoutes(deps: ApiDeps): FastifyPluginAsync {
  return async (app) => {
    const api = app.withTypeProvider<ZodTypeProvider>();

    api.get('/tenants', {
      config: { access: 'viewer' },
      schema: { tags: ['tenants'], summary: 'The tenants the caller may see, with their levels, targets, last scan and open alerts.', response: { 200: z.object({ tenants: z.array(tenantSummary) }), ...errorResponses } },
    }, async (request) => ({ tenants: await tenantSummaries(deps, tenantScope(request)) }));

    api.get('/tenants/:tenantId', {
      config: { access: 'viewer' },
      schema: { tags: ['tenants'], summary: 'One tenant.', params: tenantIdParam, response: { 200: z.object({ tenant: tenantSummary }), ...errorResponses } },
    }, async (request) => {
      assertTenant(request, request.params.tenantId);
      return { tenant: await loadSummary(deps, request.params.tenantId) };
    });

    api.put('/tenants/:tenantId/targets', {
      config: { access: 'admin' },
      schema: {
        tags: ['tenants'],
        summary: "Sets the tenant's targets (per area, the level aimed for and by when), over ppmat.yaml's. Audited.",
        params: tenantIdParam,
        body: z.strictObject({
          targets: z
            .array(target)
            .max(9)
            .refine((targets) => new Set(targets.map((t) => t.area)).size === targets.length, { message: 'give at most one target per area' }),
        }),
        response: { 200: targetsBody, ...errorResponses },
      },
    }, async (request) => {
      const principal = assertTenant(request, request.params.tenantId);
      await loadSummary(deps, request.params.tenantId);
      await deps.changes.setTargets(request.params.tenantId, request.body.targets, actorOf(principal));
      return effectiveTargets(deps, request.params.tenantId).then(({ targets, source }) => ({ targets, source }));
    });

    api.delete('/tenants/:tenantId/targets', {
      config: { access: 'admin' },
      schema: { tags: ['tenants'], summary: "Drops the targets set through the API: ppmat.yaml's count again. Audited.", params: tenantIdParam, response: { 200: targetsBody, ...errorResponses } },
    }, async (request) => {
      const principal = assertTenant(request, request.params.tenantId);
      await loadSummary(deps, request.params.tenantId);
      await deps.changes.resetTargets(request.params.tenantId, actorOf(principal));
      return effectiveTargets(deps, request.params.tenantId);
    });

    api.get('/tenants/:tenantId/scans', {
      config: { access: 'viewer' },
      schema: {
        tags: ['scans'],
        summary: "The tenant's scans, newest first (any status).",
        params: tenantIdParam,
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50), before: rowId.optional().describe('Only scans older than this scan id (the next page).') }),
        response: { 200: z.object({ scans: z.array(scanListItem) }), ...errorResponses },
      },
    }, async (request) => {
      assertTenant(request, request.params.tenantId);
      await loadSummary(deps, request.params.tenantId);
      const scans = await deps.details.listScans(request.params.tenantId, request.query.limit, request.query.before);
      return { scans: scans.map((s) => ({ ...s, startedAt: iso(s.startedAt), finishedAt: iso(s.finishedAt) })) };
    });

    api.post('/tenants/:tenantId/scans', {
      config: { access: 'admin' },
      schema: {
        tags: ['scans'],
        summary: 'Starts a scan of the tenant now; follow it in the scan list. 409 when it is being scanned.',
        params: tenantIdParam,
        response: { 202: z.object({ accepted: z.literal(true), tenantId: z.string() }), 409: errorResponses[400], 503: errorResponses[400], ...errorResponses },
      },
    }, async (request, reply) => {
      const principal = assertTenant(request, request.params.tenantId);
      if (!deps.triggerScan) throw new PpmatError('PPMAT_E_SCANS_UNAVAILABLE', 'this process serves the API only; scans run where `ppmat start` runs (or use `ppmat scan`).');
      await loadSummary(deps, request.params.tenantId);
      const result = await deps.triggerScan(request.params.tenantId);
      if (!result.accepted) {
        throw new PpmatError('PPMAT_E_TENANT_BUSY', `tenant ${request.params.tenantId} is being scanned by ${result.holder}${result.until ? ` (lease until ${result.until.toISOString()})` : ''}.`);
      }
      request.log.info({ tenantId: request.params.tenantId, by: principalOf(request).name, kind: principal.kind }, 'scan requested through the API');
      return reply.code(202).send({ accepted: true as const, tenantId: request.params.tenantId });
    });
  };
}
