/**
 * Alerts read back with the delivery state of each of their messages, for `ppmat alerts`
 * (and later the API). Read only: alerts are written by the scan's results transaction and
 * messages change through the outbox repository.
 */
import type { PrismaClient } from '../generated/prisma/client.js';
import type { OutboxMessage } from './outbox-repository.js';

export type AlertStatusFilter = 'open' | 'resolved' | 'all';

/** Where one message of an alert stands: the outbox's view, without what the alert already says. */
export type AlertMessageState = Omit<OutboxMessage, 'alertId' | 'tenantId' | 'idempotencyKey'>;

export interface AlertView {
  id: number;
  tenantId: string;
  tenantName: string;
  key: string;
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  status: 'open' | 'resolved';
  title: string;
  summary: string;
  openedAt: Date;
  openedScanId: number;
  lastScanId: number;
  resolvedAt: Date | null;
  resolvedScanId: number | null;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
  /** Oldest first. */
  messages: AlertMessageState[];
}

export interface AlertListFilter {
  status: AlertStatusFilter;
  tenantId?: string;
  /** Only alerts of these tenants (a caller limited to some tenants). */
  tenantIds?: readonly string[];
  /** Only these alerts. */
  ids?: readonly number[];
  /** The most recent ones first; default 100. */
  limit?: number;
}

export interface AlertReader {
  /** Alerts, most recently opened first, each with its messages. */
  list(filter: AlertListFilter): Promise<AlertView[]>;
}

export function createAlertReader(prisma: PrismaClient): AlertReader {
  return {
    async list(filter) {
      const rows = await prisma.alert.findMany({
        where: {
          ...(filter.status === 'all' ? {} : { status: filter.status }),
          ...(filter.ids === undefined ? {} : { id: { in: [...filter.ids] } }),
          AND: [filter.tenantId === undefined ? {} : { tenantId: filter.tenantId }, filter.tenantIds === undefined ? {} : { tenantId: { in: [...filter.tenantIds] } }],
        },
        orderBy: [{ openedAt: 'desc' }, { id: 'desc' }],
        take: filter.limit ?? 100,
        include: {
          tenant: { select: { displayName: true } },
          messages: { orderBy: { id: 'asc' }, omit: { payload: true, alertId: true, idempotencyKey: true } },
        },
      });
      return rows.map((row) => ({
        id: row.id,
        tenantId: row.tenantId,
        tenantName: row.tenant.displayName,
        key: row.key,
        kind: row.kind,
        severity: row.severity,
        status: row.status,
        title: row.title,
        summary: row.summary,
        openedAt: row.openedAt,
        openedScanId: row.openedScanId,
        lastScanId: row.lastScanId,
        resolvedAt: row.resolvedAt,
        resolvedScanId: row.resolvedScanId,
        acknowledgedBy: row.acknowledgedBy,
        acknowledgedAt: row.acknowledgedAt,
        messages: row.messages,
      }));
    },
  };
}
