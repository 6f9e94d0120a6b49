/** Alerts: regressions and degraded scans with the delivery state of their messages; acknowledged by an attester (audited). */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AlertView } from '../../store/alert-reader.js';
import { assertTenant, tenantScope } from '../access.js';
import type { ApiDeps } from '../api-deps.js';
import { errorResponses, iso, rowId, tenantIdField } from '../schemas/common.js';
import { alertView } from '../schemas/people.schemas.js';
import { actorOf } from '../audited-changes.js';

export function alertRoutes(deps: ApiDeps): FastifyPluginAsync {
  const toBody = (alert: AlertView): z.infer<typeof alertView> => ({
    id: alert.id,
    tenantId: alert.tenantId,
    tenantName: alert.tenantName,
    key: alert.key,
    kind: alert.kind,
    severity: alert.severity,
    status: alert.status,
    title: alert.title,
    summary: alert.summary,
    openedAt: iso(alert.openedAt),
    openedScanId: alert.openedScanId,
    lastScanId: alert.lastScanId,
    resolvedAt: iso(alert.resolvedAt),
    resolvedScanId: alert.resolvedScanId,
    acknowledgedBy: alert.acknowledgedBy,
    acknowledgedAt: iso(alert.acknowledgedAt),
    messages: alert.messages.map((m) => ({ id: m.id, channel: m.channel, kind: m.kind, status: m.status, attempts: m.attempts, deliveredAt: iso(m.deliveredAt), lastError: m.lastError })),
  });

  return async (app) => {
    const api = app.withTypeProvider<ZodTypeProvider>();

    api.get('/alerts', {
      config: { access: 'viewer' },
      schema: {
        tags: ['alerts'],
        summary: 'Alerts, most recently opened first.',
        querystring: z.strictObject({
          tenantId: tenantIdField.optional(),
          status: z.enum(['open', 'resolved', 'all']).default('open'),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ alerts: z.array(alertView) }), ...errorResponses },
      },
    }, async (request) => {
      const { tenantId, status, limit } = request.query;
      if (tenantId !== undefined) assertTenant(request, tenantId);
      const scope = tenantScope(request);
      const alerts = await deps.alerts.list({ status, limit, ...(tenantId !== undefined ? { tenantId } : {}), ...(scope && tenantId === undefined ? { tenantIds: scope } : {}) });
      return { alerts: alerts.map(toBody) };
    });

    api.post('/alerts/:alertId/acknowledge', {
      config: { access: 'attester' },
      schema: {
        tags: ['alerts'],
        summary: 'Acknowledges an alert: someone is on it (reminders still go out while it is open). Audited.',
        params: z.object({ alertId: rowId }),
        response: { 200: z.object({ alert: alertView }), ...errorResponses },
      },
    }, async (request) => {
      const principal = request.principal!;
      await deps.changes.acknowledgeAlert(request.params.alertId, principal.tenants, actorOf(principal));
      const [alert] = await deps.alerts.list({ status: 'all', ids: [request.params.alertId] });
      return { alert: toBody(alert!) };
    });
  };
}
