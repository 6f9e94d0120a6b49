/**
 * Alert and outbox rows written straight through Prisma, as the scan's results transaction
 * writes them, for the delivery tests (which must not depend on regression detection).
 */
import type { Prisma, PrismaClient } from '../../src/generated/prisma/client.js';
import type { Alert } from '../../src/alerts/channels/alert.js';

export const TENANT = { id: '00000000-0000-0000-0000-00000000c0de', displayName: 'Contoso' };

let sequence = 0;

/** The tenant row (idempotent). */
export async function ensureTenant(prisma: PrismaClient, tenant = TENANT): Promise<void> {
  await prisma.tenant.upsert({ where: { id: tenant.id }, create: tenant, update: {} });
}

/** An open alert of `tenant` (created if needed); its id. */
export async function insertAlert(
  prisma: PrismaClient,
  options: { tenant?: typeof TENANT; key?: string; status?: 'open' | 'resolved'; severity?: 'info' | 'warning' | 'critical'; title?: string; openedAt?: Date } = {},
): Promise<number> {
  const tenant = options.tenant ?? TENANT;
  await ensureTenant(prisma, tenant);
  sequence += 1;
  const key = options.key ?? `capability:security.200.tenant-isolation.${sequence}`;
  const status = options.status ?? 'open';
  const openedAt = options.openedAt ?? new Date('2026-03-02T02:00:00.000Z');
  const alert = await prisma.alert.create({
    data: {
      tenantId: tenant.id,
      key,
      openKey: status === 'open' ? `${tenant.id}|${key}` : null,
      kind: 'regression',
      severity: options.severity ?? 'critical',
      status,
      title: options.title ?? 'Tenant isolation was turned off',
      summary: 'Tenant isolation no longer restricts cross-tenant connections.',
      changes: [{ label: 'Tenant isolation', before: 'on', after: 'off', evidence: 'security.tenant-isolation-enabled' }],
      openedScanId: 41,
      lastScanId: 42,
      ...(status === 'resolved' ? { resolvedScanId: 43, resolvedAt: new Date('2026-03-03T02:00:00.000Z') } : {}),
      openedAt,
      lastNotifiedAt: openedAt,
    },
    select: { id: true },
  });
  return alert.id;
}

/** The payload the outbox stores for an alert message. */
export function alertPayload(alertId: number, idempotencyKey: string, kind: Alert['kind'] = 'raised', tenant = TENANT): Alert {
  return {
    id: `alert-${alertId}`,
    idempotencyKey,
    kind,
    severity: 'critical',
    tenant,
    title: 'Tenant isolation was turned off',
    summary: 'Tenant isolation no longer restricts cross-tenant connections.',
    changes: [{ label: 'Tenant isolation', before: 'on', after: 'off', evidence: 'security.tenant-isolation-enabled' }],
    scanUrl: 'https://ppmat.contoso.example/scans/42',
    occurredAt: '2026-03-02T02:00:00.000Z',
  };
}

/** One outbox message of `alertId` to `channel`; its id. */
export async function insertMessage(
  prisma: PrismaClient,
  alertId: number,
  options: { channel?: string; kind?: Alert['kind']; nextAttemptAt?: Date; payload?: unknown; idempotencyKey?: string } = {},
): Promise<{ id: number; idempotencyKey: string }> {
  sequence += 1;
  const kind = options.kind ?? 'raised';
  const idempotencyKey = options.idempotencyKey ?? `alert-${alertId}.${kind}.${sequence}`;
  const payload = options.payload ?? alertPayload(alertId, idempotencyKey, kind);
  const row = await prisma.alertMessage.create({
    data: {
      alertId,
      channel: options.channel ?? 'ops-webhook',
      kind,
      idempotencyKey,
      payload: payload as Prisma.InputJsonValue,
      nextAttemptAt: options.nextAttemptAt ?? new Date('2026-03-02T02:00:00.000Z'),
    },
    select: { id: true },
  });
  return { id: row.id, idempotencyKey };
}
