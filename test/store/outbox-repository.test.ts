/**
 * The outbox's delivery side against a real database (PGlite, or PostgreSQL under
 * PPMAT_TEST_DATABASE_URL): claims are exclusive and leases run out; every attempt is stored
 * with the message's next state in one transaction; a delivered message never changes again.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryResult } from '../../src/alerts/channels/channel.js';
import { createDeliveryBackoff } from '../../src/alerts/delivery-policy.js';
import { createOutboxRepository, type OutboxRepository } from '../../src/store/outbox-repository.js';
import { insertAlert, insertMessage, TENANT } from '../support/alert-rows.js';
import { openTestDatabase, usingPostgres, type TestDatabase } from '../support/test-database.js';

const T0 = new Date('2026-03-02T02:00:00.000Z');
const LOCK_MS = 60_000;

let db: TestDatabase;
let now: Date;
let outbox: OutboxRepository;

beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.dispose();
});
beforeEach(async () => {
  await db.prisma.tenant.deleteMany({});
  now = T0;
  outbox = createOutboxRepository(db.prisma, { clock: () => now });
});

const at = (ms: number) => new Date(T0.getTime() + ms);
const accepted: DeliveryResult = { ok: true, status: 200 };
const serverError: DeliveryResult = { ok: false, retryable: true, status: 500, error: 'Generic webhook https://hooks.example answered 500.' };
const refused: DeliveryResult = { ok: false, retryable: false, status: 400, error: 'Generic webhook https://hooks.example answered 400: "bad payload".' };

async function message(id: number) {
  return db.prisma.alertMessage.findUniqueOrThrow({ where: { id } });
}

describe('claim', () => {
  it('claims due messages by setting a lease, and skips those leased, not yet due or done', async () => {
    const alertId = await insertAlert(db.prisma);
    const due = await insertMessage(db.prisma, alertId, { channel: 'a' });
    const later = await insertMessage(db.prisma, alertId, { channel: 'b', nextAttemptAt: at(10_000) });
    const delivered = await insertMessage(db.prisma, alertId, { channel: 'c' });
    await db.prisma.alertMessage.update({ where: { id: delivered.id }, data: { status: 'delivered' } });

    const claimed = await outbox.claim(10, LOCK_MS);
    expect(claimed).toEqual([
      {
        id: due.id,
        alertId,
        tenantId: TENANT.id,
        channel: 'a',
        kind: 'raised',
        idempotencyKey: due.idempotencyKey,
        payload: expect.objectContaining({ idempotencyKey: due.idempotencyKey, tenant: TENANT }),
        attempts: 0,
        lockedUntil: at(LOCK_MS),
      },
    ]);
    expect((await message(due.id)).lockedUntil).toEqual(at(LOCK_MS));
    // Leased: nobody else gets it, even once the other message is due.
    now = at(10_000);
    expect((await outbox.claim(10, LOCK_MS)).map((m) => m.id)).toEqual([later.id]);
    expect(await outbox.claim(10, LOCK_MS)).toEqual([]);
  });

  it('gives a message whose lease ran out (its dispatcher died) to the next claimer', async () => {
    const alertId = await insertAlert(db.prisma);
    const { id } = await insertMessage(db.prisma, alertId);
    expect((await outbox.claim(1, LOCK_MS)).map((m) => m.id)).toEqual([id]);
    now = at(LOCK_MS - 1);
    expect(await outbox.claim(1, LOCK_MS)).toEqual([]);
    now = at(LOCK_MS);
    const again = await outbox.claim(1, LOCK_MS);
    expect(again.map((m) => m.id)).toEqual([id]);
    expect(again[0]!.lockedUntil).toEqual(at(2 * LOCK_MS));
  });

  it('claims at most `limit`, oldest due first', async () => {
    const alertId = await insertAlert(db.prisma);
    const ids: number[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await insertMessage(db.prisma, alertId, { channel: `c${i}`, nextAttemptAt: at(-1000 * i) })).id);
    expect((await outbox.claim(2, LOCK_MS)).map((m) => m.id).sort((a, b) => a - b)).toEqual([ids[3], ids[4]].sort((a, b) => a! - b!));
  });

  it('keeps the messages of one alert to one channel in order: a later one waits while an earlier one is pending', async () => {
    const alertId = await insertAlert(db.prisma);
    const raised = await insertMessage(db.prisma, alertId, { channel: 'ops', kind: 'raised', nextAttemptAt: at(5_000) });
    const resolved = await insertMessage(db.prisma, alertId, { channel: 'ops', kind: 'resolved' });
    const elsewhere = await insertMessage(db.prisma, alertId, { channel: 'other', kind: 'resolved' });
    expect((await outbox.claim(10, LOCK_MS)).map((m) => m.id)).toEqual([elsewhere.id]);
    now = at(5_000);
    expect((await outbox.claim(10, LOCK_MS)).map((m) => m.id)).toEqual([raised.id]);
    await outbox.recordAttempt(raised.id, accepted, now, 12);
    expect((await outbox.claim(10, LOCK_MS)).map((m) => m.id)).toEqual([resolved.id]);
  });

  it('refuses a limit or lease that is not a positive integer', async () => {
    await expect(outbox.claim(0, LOCK_MS)).rejects.toThrow('limit must be a positive integer');
    await expect(outbox.claim(1, 0)).rejects.toThrow('lockMs must be a positive integer');
  });

  it(`never gives one message to two concurrent claimers (${usingPostgres ? 'PostgreSQL' : 'PGlite'})`, async () => {
    const total = 60;
    for (let a = 0; a < 6; a += 1) {
      const alertId = await insertAlert(db.prisma);
      for (let c = 0; c < total / 6; c += 1) await insertMessage(db.prisma, alertId, { channel: `channel-${c}` });
    }
    const claimers = Array.from({ length: 4 }, () => createOutboxRepository(db.prisma, { clock: () => now }));
    const seen: number[] = [];
    for (let round = 0; round < 10 && seen.length < total; round += 1) {
      const batches = await Promise.all(claimers.map((claimer) => claimer.claim(4, LOCK_MS)));
      seen.push(...batches.flat().map((m) => m.id));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(total);
  });
  // A second connection holding a row lock needs a server: the embedded database serves one connection.
  it.runIf(usingPostgres)('skips, without waiting, a message another transaction has locked', async () => {
    const alertId = await insertAlert(db.prisma);
    const locked = await insertMessage(db.prisma, alertId, { channel: 'a' });
    const free = await insertMessage(db.prisma, alertId, { channel: 'b' });
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT id FROM alert_message WHERE id = $1 FOR UPDATE', [locked.id]);
      expect((await outbox.claim(10, LOCK_MS)).map((m) => m.id)).toEqual([free.id]);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    expect((await outbox.claim(10, LOCK_MS)).map((m) => m.id)).toEqual([locked.id]);
  });
});

describe('recordAttempt', () => {
  // random() = 0.5: the delay is half the ceiling, 15 s, 30 s, 60 s, ...
  const backoff = createDeliveryBackoff({ random: () => 0.5, maxAttempts: 3 });

  it('marks an accepted message delivered, ends the lease and stores the attempt', async () => {
    const { id } = await insertMessage(db.prisma, await insertAlert(db.prisma));
    await outbox.claim(1, LOCK_MS);
    now = at(1_500);
    const recorded = await outbox.recordAttempt(id, { ok: true, status: 202 }, at(1_000), 480, backoff);
    expect(recorded).toEqual({ attempt: 1, decision: { status: 'delivered' }, applied: true });
    expect(await message(id)).toMatchObject({ status: 'delivered', attempts: 1, deliveredAt: at(1_500), lockedUntil: null, lastError: null });
    expect(await outbox.attempts(id)).toEqual([
      { id: expect.any(Number), messageId: id, attemptedAt: at(1_000), ok: true, httpStatus: 202, retryable: false, error: null, durationMs: 480 },
    ]);
  });

  it('schedules a retryable failure after the backoff, or after Retry-After when the receiver gave one', async () => {
    const { id } = await insertMessage(db.prisma, await insertAlert(db.prisma));
    await outbox.claim(1, LOCK_MS);
    const first = await outbox.recordAttempt(id, serverError, T0, 30, backoff);
    expect(first.decision).toEqual({ status: 'retry', nextAttemptAt: at(15_000), delayMs: 15_000, lastError: serverError.error });
    expect(await message(id)).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: at(15_000), lockedUntil: null, lastError: serverError.error });

    const throttled: DeliveryResult = { ok: false, retryable: true, status: 429, retryAfterMs: 120_000, error: 'Teams webhook https://x.example answered 429.' };
    const second = await outbox.recordAttempt(id, throttled, at(15_000), 20, backoff);
    expect(second).toMatchObject({ attempt: 2, decision: { status: 'retry', nextAttemptAt: at(135_000) } });
    expect(await message(id)).toMatchObject({ attempts: 2, nextAttemptAt: at(135_000), lastError: throttled.error });
  });

  it('fails a refused message at once', async () => {
    const { id } = await insertMessage(db.prisma, await insertAlert(db.prisma));
    const recorded = await outbox.recordAttempt(id, refused, T0, 12, backoff);
    expect(recorded.decision).toEqual({ status: 'failed', lastError: refused.error });
    expect(await message(id)).toMatchObject({ status: 'failed', attempts: 1, lockedUntil: null, lastError: refused.error });
    expect(await outbox.attempts(id)).toMatchObject([{ ok: false, httpStatus: 400, retryable: false, error: refused.error }]);
  });

  it('fails a message after the last allowed attempt, with every attempt stored', async () => {
    const { id } = await insertMessage(db.prisma, await insertAlert(db.prisma));
    const decisions: string[] = [];
    for (let i = 0; i < 3; i += 1) decisions.push((await outbox.recordAttempt(id, serverError, at(i * 60_000), 10, backoff)).decision.status);
    expect(decisions).toEqual(['retry', 'retry', 'failed']);
    expect(await message(id)).toMatchObject({ status: 'failed', attempts: 3, lastError: `${serverError.error} (gave up after 3 attempts)` });
    expect((await outbox.attempts(id)).map((a) => [a.attemptedAt, a.httpStatus, a.retryable])).toEqual([
      [at(0), 500, true],
      [at(60_000), 500, true],
      [at(120_000), 500, true],
    ]);
  });

  it('stores a late attempt on a message already delivered but never changes its state back', async () => {
    const { id } = await insertMessage(db.prisma, await insertAlert(db.prisma));
    await outbox.recordAttempt(id, accepted, T0, 10, backoff);
    const late = await outbox.recordAttempt(id, serverError, at(1_000), 10, backoff);
    expect(late.applied).toBe(false);
    expect(await message(id)).toMatchObject({ status: 'delivered', attempts: 1, lastError: null });
    expect(await outbox.attempts(id)).toHaveLength(2);
  });

  it('says clearly when the message is gone', async () => {
    await expect(outbox.recordAttempt(987654, accepted, T0, 1)).rejects.toThrow('alert message #987654 no longer exists');
  });
});

describe('fail, requeue and lists', () => {
  it('fails a pending message without an attempt, and requeues only a failed one', async () => {
    const alertId = await insertAlert(db.prisma);
    const { id } = await insertMessage(db.prisma, alertId, { channel: 'gone' });
    await outbox.claim(1, LOCK_MS);
    expect(await outbox.fail(id, "channel 'gone' is not configured any more")).toBe(true);
    expect(await message(id)).toMatchObject({ status: 'failed', lockedUntil: null, lastError: "channel 'gone' is not configured any more" });
    expect(await outbox.attempts(id)).toEqual([]);
    expect(await outbox.fail(id, 'again')).toBe(false);

    now = at(3_600_000);
    expect(await outbox.requeue(id)).toEqual({ requeued: true });
    expect(await message(id)).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: now, lockedUntil: null });
    expect(await outbox.requeue(id)).toEqual({ requeued: false, reason: `message #${id} is pending; only a failed message can be requeued.` });
    expect(await outbox.requeue(987654)).toEqual({ requeued: false, reason: 'there is no alert message #987654.' });
  });

  it('lists pending messages per tenant and filters by status and alert', async () => {
    const other = { id: 'fabrikam.onmicrosoft.com', displayName: 'Fabrikam' };
    const mine = await insertAlert(db.prisma);
    const theirs = await insertAlert(db.prisma, { tenant: other });
    const a = await insertMessage(db.prisma, mine, { channel: 'a' });
    const b = await insertMessage(db.prisma, mine, { channel: 'b' });
    const c = await insertMessage(db.prisma, theirs, { channel: 'a' });
    await outbox.recordAttempt(b.id, accepted, T0, 1);
    expect((await outbox.pending()).map((m) => m.id)).toEqual([a.id, c.id]);
    expect((await outbox.pending(TENANT.id)).map((m) => m.id)).toEqual([a.id]);
    expect((await outbox.pending(other.id))[0]).toMatchObject({ id: c.id, tenantId: other.id, alertId: theirs, status: 'pending' });
    expect((await outbox.list({ status: 'delivered' })).map((m) => m.id)).toEqual([b.id]);
    expect((await outbox.list({ alertId: mine })).map((m) => m.id)).toEqual([a.id, b.id]);
    expect((await outbox.list()).map((m) => m.id)).toEqual([a.id, b.id, c.id]);
  });
});
