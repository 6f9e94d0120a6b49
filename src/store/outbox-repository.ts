/**
 * The alert outbox seen from the delivery side: claim due messages, record every attempt,
 * list messages, requeue a failed one. The rows are written by the scan's results transaction
 * (one message per alert and channel), so an alert is never lost between a scan and its sending.
 *
 * Guarantees, with any number of dispatcher processes on one PostgreSQL:
 * - a message is claimed by one dispatcher at a time (`FOR UPDATE SKIP LOCKED`, then a lease in
 *   `locked_until`); a dispatcher that died leaves a lease that simply runs out;
 * - an attempt and the message's new state are written in one transaction, so a message is
 *   never half-recorded;
 * - only a pending message changes state: a delivered message is never sent or changed again.
 * - messages of one alert to one channel go in order: one is not claimed while an earlier one
 *   is still pending, so a "resolved" never overtakes its "raised" during retries.
 */
import type { PrismaClient } from '../generated/prisma/client.js';
import type { DeliveryResult } from '../alerts/channels/channel.js';
import { createDeliveryBackoff, decideAfterAttempt, type AttemptDecision, type DeliveryBackoff } from '../alerts/delivery-policy.js';

export type MessageStatus = 'pending' | 'delivered' | 'failed';

/** A message a dispatcher claimed: its lease runs until `lockedUntil`. */
export interface ClaimedMessage {
  id: number;
  alertId: number;
  tenantId: string;
  channel: string;
  /** raised, reminder or resolved. */
  kind: string;
  idempotencyKey: string;
  /** The stored alert (src/alerts/channels/alert.ts), as JSON; checked before it is sent. */
  payload: unknown;
  /** Attempts made before this claim. */
  attempts: number;
  lockedUntil: Date;
}

/** A message as lists show it. */
export interface OutboxMessage {
  id: number;
  alertId: number;
  tenantId: string;
  channel: string;
  kind: string;
  idempotencyKey: string;
  status: MessageStatus;
  attempts: number;
  nextAttemptAt: Date;
  lockedUntil: Date | null;
  deliveredAt: Date | null;
  lastError: string | null;
  createdAt: Date;
}

/** One stored delivery attempt. */
export interface DeliveryAttemptRecord {
  id: number;
  messageId: number;
  attemptedAt: Date;
  ok: boolean;
  httpStatus: number | null;
  retryable: boolean;
  error: string | null;
  durationMs: number;
}

/** What {@link OutboxRepository.recordAttempt} stored. */
export interface RecordedAttempt {
  /** The attempt's number, 1 for the first. */
  attempt: number;
  decision: AttemptDecision;
  /**
   * False when the message was no longer pending (another dispatcher, whose lease had run out,
   * recorded it first): the attempt is stored, the message's state is left as it was.
   */
  applied: boolean;
}

export type RequeueResult = { requeued: true } | { requeued: false; reason: string };

export interface OutboxFilter {
  status?: MessageStatus;
  alertId?: number;
  tenantId?: string;
}

export interface OutboxRepository {
  /**
   * Claims up to `limit` due messages (pending, `next_attempt_at` reached, no lease or an
   * expired one) for `lockMs`, oldest due first. Two callers never get the same message.
   */
  claim(limit: number, lockMs: number): Promise<ClaimedMessage[]>;
  /**
   * Stores one attempt and, in the same transaction, the message's next state decided by
   * {@link decideAfterAttempt}: delivered, retried later, or failed. Ends the lease.
   */
  recordAttempt(messageId: number, result: DeliveryResult, attemptedAt: Date, durationMs: number, backoff?: DeliveryBackoff): Promise<RecordedAttempt>;
  /** Marks a pending message failed without an attempt (nothing was sent), e.g. its channel is gone. False when it was not pending. */
  fail(messageId: number, reason: string): Promise<boolean>;
  /** Pending messages, of one tenant or all, oldest first. */
  pending(tenantId?: string): Promise<OutboxMessage[]>;
  list(filter?: OutboxFilter): Promise<OutboxMessage[]>;
  /** Every attempt of a message, first first. */
  attempts(messageId: number): Promise<DeliveryAttemptRecord[]>;
  /** Sends a failed message again (an administrator's decision): pending now, attempts counted from 0; its attempts stay recorded. */
  requeue(messageId: number): Promise<RequeueResult>;
}

export interface OutboxRepositoryOptions {
  /** "Now" for due dates, leases and `delivered_at`. */
  clock: () => Date;
}

interface ClaimRow {
  id: number;
  alert_id: number;
  tenant_id: string;
  channel: string;
  kind: string;
  idempotency_key: string;
  payload: unknown;
  attempts: number;
  locked_until: Date;
}

export function createOutboxRepository(prisma: PrismaClient, options: OutboxRepositoryOptions): OutboxRepository {
  const { clock } = options;
  const defaultBackoff = createDeliveryBackoff();

  const list = async (filter: OutboxFilter = {}): Promise<OutboxMessage[]> => {
    const rows = await prisma.alertMessage.findMany({
      where: {
        ...(filter.status === undefined ? {} : { status: filter.status }),
        ...(filter.alertId === undefined ? {} : { alertId: filter.alertId }),
        ...(filter.tenantId === undefined ? {} : { alert: { tenantId: filter.tenantId } }),
      },
      orderBy: [{ id: 'asc' }],
      omit: { payload: true },
      include: { alert: { select: { tenantId: true } } },
    });
    return rows.map(({ alert, ...row }) => ({ ...row, tenantId: alert.tenantId }));
  };

  return {
    async claim(limit, lockMs) {
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`claim: limit must be a positive integer, not ${limit}`);
      if (!Number.isInteger(lockMs) || lockMs < 1) throw new RangeError(`claim: lockMs must be a positive integer, not ${lockMs}`);
      const now = clock();
      const lockedUntil = new Date(now.getTime() + lockMs);
      const rows = await prisma.$queryRaw<ClaimRow[]>`
        UPDATE alert_message AS m
        SET locked_until = ${lockedUntil}::timestamptz
        FROM alert AS a
        WHERE a.id = m.alert_id
          AND m.id IN (
            SELECT c.id FROM alert_message AS c
            WHERE c.status = 'pending'
              AND c.next_attempt_at <= ${now}::timestamptz
              AND (c.locked_until IS NULL OR c.locked_until <= ${now}::timestamptz)
              AND NOT EXISTS (
                SELECT 1 FROM alert_message AS e
                WHERE e.alert_id = c.alert_id AND e.channel = c.channel AND e.status = 'pending' AND e.id < c.id
              )
            ORDER BY c.next_attempt_at, c.id
            LIMIT ${limit}::int
            FOR UPDATE SKIP LOCKED
          )
        RETURNING m.id, m.alert_id, a.tenant_id, m.channel, m.kind, m.idempotency_key, m.payload, m.attempts, m.locked_until`;
      return rows
        .map((row) => ({
          id: row.id,
          alertId: row.alert_id,
          tenantId: row.tenant_id,
          channel: row.channel,
          kind: row.kind,
          idempotencyKey: row.idempotency_key,
          payload: row.payload,
          attempts: row.attempts,
          lockedUntil: row.locked_until,
        }))
        .sort((a, b) => a.id - b.id);
    },

    async recordAttempt(messageId, result, attemptedAt, durationMs, backoff = defaultBackoff) {
      const current = await prisma.alertMessage.findUnique({ where: { id: messageId }, select: { attempts: true } });
      if (!current) throw new Error(`alert message #${messageId} no longer exists (its alert or tenant was deleted); the attempt was not recorded.`);
      const attempt = current.attempts + 1;
      const decision = decideAfterAttempt(result, attempt, attemptedAt, backoff);
      const [, updated] = await prisma.$transaction(
        [
          prisma.deliveryAttempt.create({
            data: {
              messageId,
              attemptedAt,
              ok: result.ok,
              httpStatus: result.status ?? null,
              retryable: !result.ok && result.retryable,
              error: result.ok ? null : result.error,
              durationMs: Math.max(0, Math.round(durationMs)),
            },
          }),
          prisma.alertMessage.updateMany({ where: { id: messageId, status: 'pending' }, data: { ...messageUpdate(decision, clock()), attempts: { increment: 1 } } }),
        ],
        // The embedded database has one connection, which a scan may hold for a while.
        { maxWait: 30_000, timeout: 30_000 },
      );
      return { attempt, decision, applied: updated.count === 1 };
    },

    async fail(messageId, reason) {
      const { count } = await prisma.alertMessage.updateMany({ where: { id: messageId, status: 'pending' }, data: { status: 'failed', lastError: reason, lockedUntil: null } });
      return count === 1;
    },

    pending: (tenantId) => list({ status: 'pending', ...(tenantId === undefined ? {} : { tenantId }) }),
    list,

    async attempts(messageId) {
      return prisma.deliveryAttempt.findMany({ where: { messageId }, orderBy: [{ attemptedAt: 'asc' }, { id: 'asc' }] });
    },

    async requeue(messageId) {
      const { count } = await prisma.alertMessage.updateMany({
        where: { id: messageId, status: 'failed' },
        data: { status: 'pending', attempts: 0, nextAttemptAt: clock(), lockedUntil: null },
      });
      if (count === 1) return { requeued: true };
      const row = await prisma.alertMessage.findUnique({ where: { id: messageId }, select: { status: true } });
      return { requeued: false, reason: row ? `message #${messageId} is ${row.status}; only a failed message can be requeued.` : `there is no alert message #${messageId}.` };
    },
  };
}

function messageUpdate(decision: AttemptDecision, now: Date) {
  switch (decision.status) {
    case 'delivered':
      return { status: 'delivered' as const, deliveredAt: now, lastError: null, lockedUntil: null };
    case 'retry':
      return { nextAttemptAt: decision.nextAttemptAt, lastError: decision.lastError, lockedUntil: null };
    case 'failed':
      return { status: 'failed' as const, lastError: decision.lastError, lockedUntil: null };
  }
}
