/** The decision after one delivery attempt, and the backoff between attempts: a table of cases. */
import { describe, expect, it } from 'vitest';
import type { DeliveryResult } from '../../src/alerts/channels/channel.js';
import { createDeliveryBackoff, decideAfterAttempt, MAX_RETRY_AFTER_MS } from '../../src/alerts/delivery-policy.js';

const AT = new Date('2026-03-02T02:00:00.000Z');
const after = (ms: number) => new Date(AT.getTime() + ms);
const failure = (overrides: Partial<Extract<DeliveryResult, { ok: false }>> = {}): DeliveryResult => ({ ok: false, retryable: true, status: 503, error: 'answered 503.', ...overrides });

describe('decideAfterAttempt', () => {
  // random() = 0.5: half of each ceiling (30 s, 60 s, ...), capped at 1 h.
  const backoff = createDeliveryBackoff({ random: () => 0.5 });
  const cases: [string, DeliveryResult, number, ReturnType<typeof decideAfterAttempt>][] = [
    ['accepted', { ok: true, status: 202 }, 1, { status: 'delivered' }],
    ['accepted on the last attempt', { ok: true, status: 200 }, 10, { status: 'delivered' }],
    ['refused (400)', failure({ retryable: false, status: 400, error: 'answered 400.' }), 1, { status: 'failed', lastError: 'answered 400.' }],
    ['first 503', failure(), 1, { status: 'retry', nextAttemptAt: after(15_000), delayMs: 15_000, lastError: 'answered 503.' }],
    ['third 503', failure(), 3, { status: 'retry', nextAttemptAt: after(60_000), delayMs: 60_000, lastError: 'answered 503.' }],
    ['ninth 503, at the cap', failure(), 9, { status: 'retry', nextAttemptAt: after(1_800_000), delayMs: 1_800_000, lastError: 'answered 503.' }],
    ['tenth 503', failure(), 10, { status: 'failed', lastError: 'answered 503. (gave up after 10 attempts)' }],
    ['429 with Retry-After', failure({ status: 429, retryAfterMs: 7_000 }), 4, { status: 'retry', nextAttemptAt: after(7_000), delayMs: 7_000, lastError: 'answered 503.' }],
    ['Retry-After of a week', failure({ status: 429, retryAfterMs: 7 * 86_400_000 }), 1, { status: 'retry', nextAttemptAt: after(MAX_RETRY_AFTER_MS), delayMs: MAX_RETRY_AFTER_MS, lastError: 'answered 503.' }],
    ['timeout (no status)', failure({ status: undefined, error: 'did not answer within 10000 ms.' }), 1, { status: 'retry', nextAttemptAt: after(15_000), delayMs: 15_000, lastError: 'did not answer within 10000 ms.' }],
  ];
  it.each(cases)('%s', (_name, result, attempt, expected) => {
    expect(decideAfterAttempt(result, attempt, AT, backoff)).toEqual(expected);
  });

  it('gives up after one attempt when only one is allowed', () => {
    expect(decideAfterAttempt(failure(), 1, AT, createDeliveryBackoff({ maxAttempts: 1 }))).toEqual({ status: 'failed', lastError: 'answered 503. (gave up after 1 attempt)' });
  });
});

describe('createDeliveryBackoff', () => {
  it('draws each delay below a ceiling that doubles from 30 s up to 1 h', () => {
    const backoff = createDeliveryBackoff({ random: () => 0.999_999 });
    const ceilings = Array.from({ length: 10 }, (_, i) => Math.ceil(backoff.delayMs(i + 1) / 1000));
    expect(ceilings).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
    expect(backoff.maxAttempts).toBe(10);
    expect(createDeliveryBackoff({ random: () => 0 }).delayMs(5)).toBe(0);
  });

  it('refuses settings that cannot work', () => {
    expect(() => createDeliveryBackoff({ maxAttempts: 0 })).toThrow('maxAttempts must be a positive integer, not 0');
    expect(() => createDeliveryBackoff({ baseMs: 60_000, capMs: 1_000 })).toThrow('the backoff needs 0 < baseMs <= capMs (got 60000 and 1000)');
  });
});
