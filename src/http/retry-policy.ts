/** How hard a client tries before it gives up: shared by the admin API client and the Graph client. */
import type { Sleep } from './sleep.js';

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
}
