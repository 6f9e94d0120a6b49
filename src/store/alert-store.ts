/**
 * The alerts' side of a scan: reads what a plan needs (open alerts, the run of degraded scans)
 * and writes a plan (src/alerts/alert-plan.ts) with its outbox messages. `writeAlertPlan`
 * runs inside the scan's results transaction, so results and the messages they cause are
 * stored together or not at all; the dispatcher delivers the messages later.
 */
import type { AlertChange } from '../alerts/channels/alert.js';
import type { AlertPlan, OpenAlert, PlannedMessage } from '../alerts/alert-plan.js';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';

export interface AlertStore {
  openAlerts(tenantId: string): Promise<OpenAlert[]>;
  /** Statuses of the tenant's finished scans before `beforeScanId`, newest first (aborted ones left out). */
  recentStatuses(tenantId: string, beforeScanId: number, limit: number): Promise<string[]>;
  /** Writes a plan in its own transaction (for a scan that failed without results). */
  savePlan(tenantId: string, scanId: number, plan: AlertPlan, now: Date): Promise<void>;
}

export function createAlertStore(prisma: PrismaClient): AlertStore {
  return {
    async openAlerts(tenantId) {
      const rows = await prisma.alert.findMany({ where: { tenantId, status: 'open' }, orderBy: { id: 'asc' } });
      return rows.map((row) => ({
        id: row.id,
        key: row.key,
        components: row.components,
        kind: row.kind,
        severity: row.severity,
        title: row.title,
        summary: row.summary,
        changes: row.changes as unknown as AlertChange[],
        openedScanId: row.openedScanId,
        openedAt: row.openedAt,
        lastNotifiedAt: row.lastNotifiedAt,
      }));
    },

    async recentStatuses(tenantId, beforeScanId, limit) {
      const rows = await prisma.scan.findMany({
        where: { tenantId, id: { lt: beforeScanId }, status: { in: ['succeeded', 'partial', 'failed'] } },
        orderBy: { id: 'desc' },
        take: limit,
        select: { status: true },
      });
      return rows.map((r) => r.status);
    },

    async savePlan(tenantId, scanId, plan, now) {
      await prisma.$transaction((tx) => writeAlertPlan(tx, tenantId, scanId, plan, now));
    },
  };
}

/** The unique `open_key` of an open alert: one open alert per tenant and regression. */
export const openKeyOf = (tenantId: string, key: string): string => `${tenantId}|${key}`;

/**
 * Writes the plan: new alerts (an alert already open under the same key, e.g. raised by a
 * concurrent writer, is left as it is and gets no second message), reminders, resolutions,
 * and every message into the outbox (a message whose idempotency key exists is not duplicated).
 */
export async function writeAlertPlan(tx: Prisma.TransactionClient, tenantId: string, scanId: number, plan: AlertPlan, now: Date): Promise<void> {
  if (plan.create.length > 0) {
    const created = await tx.alert.createManyAndReturn({
      data: plan.create.map((a) => ({
        tenantId,
        key: a.key,
        openKey: openKeyOf(tenantId, a.key),
        components: a.components,
        kind: a.kind,
        severity: a.severity,
        title: a.title,
        summary: a.summary,
        changes: a.changes as unknown as Prisma.InputJsonValue,
        openedScanId: scanId,
        lastScanId: scanId,
        openedAt: now,
        lastNotifiedAt: now,
      })),
      skipDuplicates: true,
      select: { id: true, key: true },
    });
    const ids = new Map(created.map((row) => [row.key, row.id]));
    await queue(
      tx,
      plan.create.flatMap((a) => (ids.has(a.key) ? a.messages.map((m) => ({ alertId: ids.get(a.key)!, message: m })) : [])),
    );
  }
  for (const reminder of plan.remind) {
    await tx.alert.update({ where: { id: reminder.id }, data: { lastNotifiedAt: now, lastScanId: scanId } });
    await queue(tx, reminder.messages.map((message) => ({ alertId: reminder.id, message })));
  }
  for (const resolved of plan.resolve) {
    await tx.alert.update({ where: { id: resolved.id }, data: { status: 'resolved', openKey: null, resolvedAt: now, resolvedScanId: scanId, lastScanId: scanId } });
    await queue(tx, resolved.messages.map((message) => ({ alertId: resolved.id, message })));
  }
  if (plan.stillOpen.length > 0) {
    await tx.alert.updateMany({ where: { id: { in: plan.stillOpen } }, data: { lastScanId: scanId } });
  }
}

async function queue(tx: Prisma.TransactionClient, messages: { alertId: number; message: PlannedMessage }[]): Promise<void> {
  if (messages.length === 0) return;
  await tx.alertMessage.createMany({
    data: messages.map(({ alertId, message }) => ({
      alertId,
      channel: message.channel,
      kind: message.kind,
      idempotencyKey: message.idempotencyKey,
      payload: message.payload as unknown as Prisma.InputJsonValue,
    })),
    skipDuplicates: true,
  });
}
