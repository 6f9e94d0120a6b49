/** The audit log: every change made through the API or the CLI (attestations, tokens, targets, acknowledgements, sign-ins). Admins only. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assertTenant, tenantScope } from '../access.js';
import type { ApiDeps } from '../api-deps.js';
import { errorResponses, iso, rowId, tenantIdField } from '../schemas/common.js';
import { auditEvent } from '../schemas/people.schemas.js';

export function auditRoutes(deps: ApiDeps): FastifyPluginAsync {
  return async (app) => {
    app.withTypeProvider<ZodTypeProvider>().get('/audit', {
      config: { access: 'admin' },
      schema: {
        tags: ['access'],
        summary: 'Audit events, newest first.',
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          before: rowId.optional().describe('Only events older than this event id (the next page).'),
          tenantId: tenantIdField.optional(),
        }),
        response: { 200: z.object({ events: z.array(auditEvent) }), ...errorResponses },
      },
    }, async (request) => {
      const { limit, before, tenantId } = request.query;
      if (tenantId !== undefined) assertTenant(request, tenantId);
      const scope = tenantScope(request);
      const events = await deps.audit.list({ limit, ...(before !== undefined ? { before } : {}), ...(tenantId !== undefined ? { tenantId } : {}) });
      // An admin limited to some tenants sees their events and the tenant-less ones (tokens, sign-ins) only if unlimited.
      const visible = scope === null ? events : events.filter((e) => e.tenantId !== null && scope.includes(e.tenantId));
      return { events: visible.map((e) => ({ ...e, at: iso(e.at) })) };
    });
  };
}
