/**
 * What happens to an outbox message after one delivery attempt: delivered, tried again later
 * (when and why), or given up. Pure, so the dispatcher's retry behaviour is tested without a
 * database, and the outbox repository applies the same decision inside its transaction.
 *
 * Why full jitter: after an outage of a receiver every ppmat process retries its messages to
 * it; a random delay in `[0, min(cap, base * 2^n))` spreads them out best (the same reasoning
 * as the collectors' retries, src/http/backoff.ts).
 */
import { fullJitterDelayMs } from '../http/backoff.js';
import type { DeliveryResult } from './channels/channel.js';

/** How long the dispatcher waits between attempts, and when it gives up. */
export interface DeliveryBackoff {
  /** Attempts after which a message that still fails is marked failed. */
  readonly maxAttempts: number;
  /** The delay before the next attempt, after `failedAttempts` failed ones (1 after the first). */
  delayMs(failedAttempts: number): number;
}

export interface DeliveryBackoffOptions {
  /** Ceiling of the first delay. Default 30 s. */
  baseMs?: number;
  /** Ceiling of every delay. Default 1 h. */
  capMs?: number;
  /** Default 10. */
  maxAttempts?: number;
  /** Returns a number in [0, 1); injected so tests are deterministic. Default Math.random. */
  random?: () => number;
}

export const DEFAULT_DELIVERY_BACKOFF = { baseMs: 30_000, capMs: 60 * 60_000, maxAttempts: 10 } as const;

/**
 * A receiver's `Retry-After` is honoured up to this: a date far in the future (a misconfigured
 * proxy, a clock gone wrong) must not park an alert for a year.
 */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60_000;

/** Exponential backoff with full jitter: base 30 s, cap 1 h, 10 attempts unless told otherwise. */
export function createDeliveryBackoff(options: DeliveryBackoffOptions = {}): DeliveryBackoff {
  const baseMs = options.baseMs ?? DEFAULT_DELIVERY_BACKOFF.baseMs;
  const capMs = options.capMs ?? DEFAULT_DELIVERY_BACKOFF.capMs;
  const maxAttempts = options.maxAttempts ?? DEFAULT_DELIVERY_BACKOFF.maxAttempts;
  const random = options.random ?? Math.random;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`maxAttempts must be a positive integer, not ${maxAttempts}`);
  if (!(baseMs > 0) || !(capMs >= baseMs)) throw new RangeError(`the backoff needs 0 < baseMs <= capMs (got ${baseMs} and ${capMs})`);
  return { maxAttempts, delayMs: (failedAttempts) => fullJitterDelayMs(failedAttempts - 1, baseMs, capMs, random) };
}

/** The state a message moves to after an attempt, with what the outbox stores about it. */
export type AttemptDecision =
  | { status: 'delivered' }
  | { status: 'retry'; nextAttemptAt: Date; delayMs: number; lastError: string }
  | { status: 'failed'; lastError: string };

/**
 * The decision after attempt number `attempt` (1 for the first) ended with `result` at
 * `attemptedAt`: accepted is delivered; a refusal that will not change (a 4xx) fails at once;
 * anything else is retried after the receiver's `Retry-After` when it gave one, else after the
 * backoff, until `maxAttempts` attempts were made.
 */
export function decideAfterAttempt(result: DeliveryResult, attempt: number, attemptedAt: Date, backoff: DeliveryBackoff): AttemptDecision {
  if (result.ok) return { status: 'delivered' };
  if (!result.retryable) return { status: 'failed', lastError: result.error };
  if (attempt >= backoff.maxAttempts) {
    return { status: 'failed', lastError: `${result.error} (gave up after ${attempt} ${attempt === 1 ? 'attempt' : 'attempts'})` };
  }
  const delayMs = result.retryAfterMs === undefined ? backoff.delayMs(attempt) : Math.min(Math.max(0, result.retryAfterMs), MAX_RETRY_AFTER_MS);
  return { status: 'retry', nextAttemptAt: new Date(attemptedAt.getTime() + delayMs), delayMs, lastError: result.error };
}
