/** How hard a client tries before it gives up: shared by the admin API client and the Graph client. */
import { createHostLimiter, type HostLimiter } from './host-limiter.js';
import { abortableSleep, type Sleep } from './sleep.js';

export interface RetryPolicyOptions {
  /** Per attempt, covering connect, headers and body. */
  timeoutMs?: number;
  /** Retries after the first attempt, for 429, 408, 5xx, timeouts and network errors. */
  maxRetries?: number;
  /** Cap of both the exponential backoff and an honoured `Retry-After`. */
  maxBackoffMs?: number;
  baseDelayMs?: number;
  maxPages?: number;
  /** Injected so tests do not wait; receives every backoff and `Retry-After` delay. */
  sleep?: Sleep;
  /** Injected so backoff jitter is deterministic in tests. */
  random?: () => number;
  /** Clock for `Retry-After` HTTP dates and token expiry. */
  now?: () => number;
  /**
   * Per-host concurrency and adaptive rate, shared by every client of one tenant (admin APIs
   * and Graph). When omitted, the client makes its own from `maxConcurrencyPerHost`, `sleep` and `now`.
   */
  hostLimiter?: HostLimiter;
  /** Requests in flight per host at most, when the client makes its own limiter (default 8). */
  maxConcurrencyPerHost?: number;
}

/**
 * The answers that pause the whole host: 429, and a 503 that names a `Retry-After`
 * (the service asks every caller to come back later, not just this request).
 */
export function isHostThrottle(status: number, retryAfter: string | null | undefined): boolean {
  return status === 429 || (status === 503 && retryAfter !== undefined && retryAfter !== null && retryAfter.trim() !== '');
}

/** The defaults of {@link RetryPolicyOptions}. */
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RETRIES = 5;
export const DEFAULT_MAX_BACKOFF_MS = 30_000;
export const DEFAULT_BASE_DELAY_MS = 500;
/** Far above any real list; a guard against a service that pages forever. */
export const DEFAULT_MAX_PAGES = 100_000;

/** {@link RetryPolicyOptions} with every default applied. */
export interface RetryPolicy {
  timeoutMs: number;
  maxRetries: number;
  maxBackoffMs: number;
  baseDelayMs: number;
  maxPages: number;
  sleep: Sleep;
  random: () => number;
  now: () => number;
  limiter: HostLimiter;
}

export function resolveRetryPolicy(options: RetryPolicyOptions): RetryPolicy {
  const sleep = options.sleep ?? abortableSleep;
  const now = options.now ?? Date.now;
  return {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    maxBackoffMs: options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS,
    baseDelayMs: options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS,
    maxPages: options.maxPages ?? DEFAULT_MAX_PAGES,
    sleep,
    random: options.random ?? Math.random,
    now,
    // Share the tenant's limiter (tenant-targets.ts) so every client counts against one per-host budget.
    limiter:
      options.hostLimiter ??
      createHostLimiter({ sleep, now, ...(options.maxConcurrencyPerHost ? { maxConcurrency: options.maxConcurrencyPerHost } : {}) }),
  };
}
