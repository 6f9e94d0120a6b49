/**
 * The dispatcher over the real outbox (PGlite, or PostgreSQL under PPMAT_TEST_DATABASE_URL)
 * with fake channels and a fake clock: accepted is delivered once; refusals fail at once;
 * failures are retried after Retry-After or a growing backoff, then given up; a crash between
 * claim and record re-sends once with the same idempotency key; a restart re-sends nothing.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/channels/alert.js';
import type { AlertSender, DeliveryResult } from '../../src/alerts/channels/channel.js';
import { createDeliveryBackoff } from '../../src/alerts/delivery-policy.js';
import { createDispatcher, type DispatcherDeps } from '../../src/alerts/dispatcher.js';
import { createOutboxRepository, type OutboxRepository } from '../../src/store/outbox-repository.js';
import { alertPayload, insertAlert, insertMessage } from '../support/alert-rows.js';
import { FakeClock, settle, until } from '../support/fake-clock.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

const T0 = new Date('2026-03-02T02:00:00.000Z').getTime();
const LOCK_MS = 60_000;
const CHANNEL = 'ops-webhook';

let db: TestDatabase;
let clock: FakeClock;
let outbox: OutboxRepository;
let logLines: Record<string, unknown>[];

beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.dispose();
});
beforeEach(async () => {
  await db.prisma.tenant.deleteMany({});
  clock = new FakeClock(T0);
  outbox = createOutboxRepository(db.prisma, { clock: now });
  logLines = [];
});

const now = () => new Date(clock.now());

/** A receiver that answers from a script (then 200) and keeps what it was sent. */
function fakeChannel(answers: DeliveryResult[] = []): AlertSender & { received: Alert[] } {
  const received: Alert[] = [];
  return {
    received,
    send: async (alert) => {
      received.push(alert);
      return answers.shift() ?? { ok: true, status: 200 };
    },
  };
}

function dispatcher(channels: Record<string, AlertSender>, overrides: Partial<DispatcherDeps> = {}) {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return createDispatcher({
    outbox,
    channels: new Map(Object.entries(channels)),
    clock: now,
    log: pino({ level: 'debug' }, sink),
    sleep: clock.sleep,
    lockMs: LOCK_MS,
    backoff: createDeliveryBackoff({ random: () => 0.999 }),
    ...overrides,
  });
}

async function oneMessage(options: Parameters<typeof insertMessage>[2] = {}) {
  return insertMessage(db.prisma, await insertAlert(db.prisma), { channel: CHANNEL, nextAttemptAt: new Date(T0), ...options });
}

const message = (id: number) => db.prisma.alertMessage.findUniqueOrThrow({ where: { id } });
const attempts = (id: number) => outbox.attempts(id);
const serverError: DeliveryResult = { ok: false, retryable: true, status: 500, error: 'Generic webhook https://hooks.example answered 500.' };

describe('dispatcher', () => {
  it('delivers an accepted message once, records the attempt, and never sends it again', async () => {
    const { id, idempotencyKey } = await oneMessage();
    const channel = fakeChannel();
    const d = dispatcher({ [CHANNEL]: channel });
    const report = await d.runOnce();
    expect(report).toMatchObject({ claimed: 1, delivered: 1, retried: 0, failed: 0, unrecorded: 0 });
    expect(report.deliveries).toEqual([{ messageId: id, alertId: expect.any(Number), tenantId: expect.any(String), channel: CHANNEL, kind: 'raised', attempt: 1, outcome: 'delivered', status: 200 }]);
    expect(channel.received.map((a) => a.idempotencyKey)).toEqual([idempotencyKey]);
    expect(await message(id)).toMatchObject({ status: 'delivered', attempts: 1, deliveredAt: now(), lockedUntil: null });
    expect(await attempts(id)).toHaveLength(1);

    await clock.advance(24 * 3_600_000);
    expect((await d.runOnce()).claimed).toBe(0);
    expect(channel.received).toHaveLength(1);
  });

  it("waits for the receiver's Retry-After on a 429, then delivers", async () => {
    const { id } = await oneMessage();
    const channel = fakeChannel([{ ok: false, retryable: true, status: 429, retryAfterMs: 90_000, error: 'Slack webhook https://hooks.slack.com answered 429.' }]);
    const d = dispatcher({ [CHANNEL]: channel });
    const first = await d.runOnce();
    expect(first.deliveries[0]).toMatchObject({ outcome: 'retry', status: 429, attempt: 1, nextAttemptAt: new Date(T0 + 90_000) });
    expect(await message(id)).toMatchObject({ status: 'pending', nextAttemptAt: new Date(T0 + 90_000), lastError: 'Slack webhook https://hooks.slack.com answered 429.' });
    await clock.advance(89_999);
    expect((await d.runOnce()).claimed).toBe(0);
    await clock.advance(1);
    expect((await d.runOnce()).delivered).toBe(1);
    expect(channel.received).toHaveLength(2);
    expect((await attempts(id)).map((a) => a.httpStatus)).toEqual([429, 200]);
  });

  it('retries a 500 after a growing backoff, then gives up after the last attempt', async () => {
    const { id } = await oneMessage();
    const channel = fakeChannel(Array.from({ length: 5 }, () => ({ ...serverError })));
    const d = dispatcher({ [CHANNEL]: channel }, { backoff: createDeliveryBackoff({ random: () => 0.999, maxAttempts: 5 }) });
    const delays: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const attemptedAt = clock.now();
      const report = await d.runOnce();
      expect(report.deliveries[0]).toMatchObject({ outcome: 'retry', attempt: i + 1 });
      const next = report.deliveries[0]!.nextAttemptAt!.getTime();
      delays.push(next - attemptedAt);
      await clock.advance(next - attemptedAt);
    }
    // Full jitter under ceilings of 30 s, 60 s, 120 s, 240 s (random() = 0.999).
    expect(delays).toEqual([29_970, 59_940, 119_880, 239_760]);
    const last = await d.runOnce();
    expect(last.deliveries[0]).toMatchObject({ outcome: 'failed', attempt: 5, error: `${serverError.error} (gave up after 5 attempts)` });
    expect(await message(id)).toMatchObject({ status: 'failed', attempts: 5 });
    expect(await attempts(id)).toHaveLength(5);
    await clock.advance(24 * 3_600_000);
    expect((await d.runOnce()).claimed).toBe(0);
  });

  it('fails a 400 at once, without a retry', async () => {
    const { id } = await oneMessage();
    const refused: DeliveryResult = { ok: false, retryable: false, status: 400, error: 'Teams webhook https://contoso.webhook.office.com answered 400: "bad card".' };
    const channel = fakeChannel([refused]);
    const d = dispatcher({ [CHANNEL]: channel });
    expect(await d.runOnce()).toMatchObject({ failed: 1, deliveries: [{ outcome: 'failed', status: 400, attempt: 1, error: refused.error }] });
    expect(await message(id)).toMatchObject({ status: 'failed', attempts: 1, lastError: refused.error });
    await clock.advance(24 * 3_600_000);
    expect((await d.runOnce()).claimed).toBe(0);
    expect(channel.received).toHaveLength(1);
  });

  it('marks a message for a channel no longer configured failed, with the reason, without sending or retrying', async () => {
    const { id } = await oneMessage({ channel: 'old-teams' });
    const d = dispatcher({ [CHANNEL]: fakeChannel() });
    expect(await d.runOnce()).toMatchObject({ failed: 1, deliveries: [{ channel: 'old-teams', outcome: 'failed', attempt: 0, error: "channel 'old-teams' is not configured any more" }] });
    expect(await message(id)).toMatchObject({ status: 'failed', attempts: 0, lastError: "channel 'old-teams' is not configured any more", lockedUntil: null });
    expect(await attempts(id)).toEqual([]);
    await clock.advance(24 * 3_600_000);
    expect((await d.runOnce()).claimed).toBe(0);
  });

  it('refuses to send a payload that is not an alert, or whose idempotency key is not the message\'s', async () => {
    const broken = await oneMessage({ payload: { id: 'a', kind: 'raised' } });
    const mismatched = await oneMessage({ idempotencyKey: 'key-1', payload: alertPayload(1, 'key-2') });
    const channel = fakeChannel();
    const report = await dispatcher({ [CHANNEL]: channel }).runOnce();
    expect(report.failed).toBe(2);
    expect((await message(broken.id)).lastError).toMatch(/^The stored payload is not an alert \(idempotencyKey: .*\); it was not sent\.$/);
    expect((await message(mismatched.id)).lastError).toBe('The stored payload\'s idempotencyKey "key-2" differs from the message\'s "key-1"; it was not sent.');
    expect(channel.received).toEqual([]);
  });

  it('after a crash between claim and record, delivers exactly once more, with the same idempotency key', async () => {
    const { id, idempotencyKey } = await oneMessage();
    // The first process sends, and dies before the receiver's answer is recorded.
    const dying: AlertSender & { received: Alert[] } = { received: [], send: (alert) => (dying.received.push(alert), new Promise<DeliveryResult>(() => undefined)) };
    void dispatcher({ [CHANNEL]: dying }).runOnce();
    await until(() => dying.received.length === 1, 10_000);

    const channel = fakeChannel();
    const restarted = dispatcher({ [CHANNEL]: channel });
    expect((await restarted.runOnce()).claimed).toBe(0);
    await clock.advance(LOCK_MS);
    expect(await restarted.runOnce()).toMatchObject({ delivered: 1, deliveries: [{ messageId: id, attempt: 1 }] });
    expect([...dying.received, ...channel.received].map((a) => a.idempotencyKey)).toEqual([idempotencyKey, idempotencyKey]);
    expect(await message(id)).toMatchObject({ status: 'delivered', attempts: 1 });
    await clock.advance(24 * 3_600_000);
    expect((await restarted.runOnce()).claimed).toBe(0);
    expect(channel.received).toHaveLength(1);
  });

  it('records an accepted attempt once the database answers again, within the claim: no re-send', async () => {
    const { id, idempotencyKey } = await oneMessage();
    let outage = 2;
    const flaky: OutboxRepository = {
      ...outbox,
      recordAttempt: (...args) => (outage-- > 0 ? Promise.reject(new Error('Connection terminated unexpectedly')) : outbox.recordAttempt(...args)),
    };
    const channel = fakeChannel();
    const d = dispatcher({ [CHANNEL]: channel }, { outbox: flaky });
    const running = d.runOnce();
    await until(() => clock.pending === 1);
    await clock.advance(500);
    await until(() => clock.pending === 1);
    await clock.advance(1_000);
    expect(await running).toMatchObject({ delivered: 1, unrecorded: 0 });
    expect(clock.sleeps).toEqual([500, 1_000]);
    expect(channel.received.map((a) => a.idempotencyKey)).toEqual([idempotencyKey]);
    expect(await message(id)).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(logLines.map((l) => l.msg)).toContain('the database is unavailable (Connection terminated unexpectedly): recording an alert delivery is retried until it answers');
    expect(logLines.find((l) => l.msg === 'the database answered again: recording an alert delivery resumed')).toMatchObject({ messageId: id, attempts: 3 });
  });

  it('re-sends, with the same key, a message whose accepted attempt could not be recorded before its claim ran out', async () => {
    const { id, idempotencyKey } = await oneMessage();
    let failRecording = true;
    const flaky: OutboxRepository = {
      ...outbox,
      recordAttempt: (...args) => (failRecording ? Promise.reject(new Error('Connection terminated unexpectedly')) : outbox.recordAttempt(...args)),
    };
    const channel = fakeChannel();
    const d = dispatcher({ [CHANNEL]: channel }, { outbox: flaky });
    const running = d.runOnce();
    // The retries stop a fifth of the claim before it runs out.
    for (let waited = 0; waited < LOCK_MS * 0.8; waited += 5_000) {
      await until(() => clock.pending === 1);
      await clock.advance(5_000);
    }
    expect(await running).toMatchObject({ unrecorded: 1, deliveries: [{ outcome: 'unrecorded', error: 'Connection terminated unexpectedly' }] });
    expect(logLines.find((l) => l.outcome === 'unrecorded')?.msg).toMatch(/will be sent again, with the same idempotency key/);
    failRecording = false;
    await clock.advance(LOCK_MS);
    expect((await d.runOnce()).delivered).toBe(1);
    expect(channel.received.map((a) => a.idempotencyKey)).toEqual([idempotencyKey, idempotencyKey]);
    expect(await message(id)).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('does not wait when recording fails for another reason than an unavailable database', async () => {
    await oneMessage();
    const broken: OutboxRepository = { ...outbox, recordAttempt: () => Promise.reject(new Error('alert message #1 no longer exists')) };
    expect(await dispatcher({ [CHANNEL]: fakeChannel() }, { outbox: broken }).runOnce()).toMatchObject({ unrecorded: 1 });
    expect(clock.sleeps).toEqual([]);
  });

  it('sends nothing again after a restart once everything was delivered', async () => {
    for (let i = 0; i < 3; i += 1) await oneMessage({ channel: CHANNEL });
    const channel = fakeChannel();
    expect((await dispatcher({ [CHANNEL]: channel }).runOnce()).delivered).toBe(3);
    await clock.advance(2 * LOCK_MS);
    outbox = createOutboxRepository(db.prisma, { clock: now });
    const restarted = fakeChannel();
    expect((await dispatcher({ [CHANNEL]: restarted }).runOnce()).claimed).toBe(0);
    expect(restarted.received).toEqual([]);
  });

  it('retries a channel that throws (a bug) without storing or logging what the error said', async () => {
    const { id } = await oneMessage();
    const secretUrl = 'https://hooks.example/services/T000/B000/s3cr3t-token';
    const throwing: AlertSender = { send: () => Promise.reject(new TypeError(`cannot post to ${secretUrl}`)) };
    const report = await dispatcher({ [CHANNEL]: throwing }).runOnce();
    expect(report.deliveries[0]).toMatchObject({ outcome: 'retry', error: 'The channel threw TypeError instead of answering (a bug in ppmat); the message is retried.' });
    expect((await message(id)).lastError).not.toContain('s3cr3t');
    expect(JSON.stringify(logLines)).not.toContain('s3cr3t');
  });

  it('logs one line per delivery with the message, alert, channel, outcome and attempt', async () => {
    const { id } = await oneMessage();
    await dispatcher({ [CHANNEL]: fakeChannel([serverError]) }).runOnce();
    await clock.advance(3_600_000);
    await dispatcher({ [CHANNEL]: fakeChannel() }).runOnce();
    const lines = logLines.filter((l) => l.messageId === id);
    expect(lines.map((l) => [l.level, l.msg, l.channel, l.outcome, l.attempt])).toEqual([
      [40, 'alert message not delivered; it will be retried', CHANNEL, 'retry', 1],
      [30, 'alert message delivered', CHANNEL, 'delivered', 2],
    ]);
    expect(Object.keys(lines[1]!).sort()).toEqual(['alertId', 'attempt', 'channel', 'kind', 'level', 'messageId', 'msg', 'outcome', 'status', 'tenantId', 'time', 'pid', 'hostname'].sort());
  });
});

describe('dispatcher loop', () => {
  it('polls at the interval, drains full batches at once, and stops after the batch in flight is recorded', async () => {
    for (let i = 0; i < 5; i += 1) await oneMessage({ channel: CHANNEL });
    const channel = fakeChannel();
    const d = dispatcher({ [CHANNEL]: channel }, { batchSize: 2 });
    d.start(30_000);
    await until(() => clock.pending === 1, 10_000);
    // Batches of 2, 2 and 1 without waiting; then one wait for the interval.
    expect(channel.received).toHaveLength(5);
    expect(clock.sleeps).toEqual([30_000]);

    // A message sent while stop() is called is still recorded before stop() resolves.
    const { id } = await oneMessage({ channel: CHANNEL });
    let answer!: (result: DeliveryResult) => void;
    const slow: AlertSender = { send: () => new Promise<DeliveryResult>((resolve) => (answer = resolve)) };
    const d2 = dispatcher({ [CHANNEL]: slow });
    d2.start(30_000);
    await until(() => answer !== undefined, 10_000);
    let stopped = false;
    const stopping = d2.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    answer({ ok: true, status: 204 });
    await stopping;
    expect(await message(id)).toMatchObject({ status: 'delivered' });
    await d.stop();
    expect(clock.pending).toBe(0);
  });

  it('keeps polling after the database failed a claim', async () => {
    let calls = 0;
    const failing: OutboxRepository = { ...outbox, claim: () => (calls += 1, Promise.reject(new Error('database unavailable'))) };
    const d = dispatcher({}, { outbox: failing });
    d.start(10_000);
    await until(() => clock.pending === 1, 10_000);
    await clock.advance(10_000);
    await until(() => calls === 2, 10_000);
    await d.stop();
    expect(logLines.filter((l) => l.msg === 'could not claim alert messages; trying again at the next poll')).toHaveLength(2);
  });

  it('polls again after 1, 2, 4 ... s while the database is unavailable, and says once that it stopped and once that it resumed', async () => {
    let down = 4;
    const { id } = await oneMessage();
    const refusing: OutboxRepository = { ...outbox, claim: (...args) => (down-- > 0 ? Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })) : outbox.claim(...args)) };
    const channel = fakeChannel();
    const d = dispatcher({ [CHANNEL]: channel }, { outbox: refusing });
    d.start(30_000);
    for (const pause of [1_000, 2_000, 4_000, 8_000]) {
      await until(() => clock.pending === 1, 10_000);
      await clock.advance(pause);
    }
    await until(() => channel.received.length === 1, 10_000);
    await until(() => clock.pending === 1, 10_000);
    await d.stop();
    expect(clock.sleeps).toEqual([1_000, 2_000, 4_000, 8_000, 30_000]);
    expect(await message(id)).toMatchObject({ status: 'delivered' });
    expect(logLines.filter((l) => /database/.test(String(l.msg))).map((l) => l.msg)).toEqual([
      'the database is unavailable (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:5432): alert delivery waits for it',
      'the database answered again: alert delivery resumed',
    ]);
  });
});
