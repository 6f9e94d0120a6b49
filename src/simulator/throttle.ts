/**
 * The simulator's rate limit: a token bucket per (bearer token, virtual host), like the real
 * services that limit each identity per API host (reference section 10). A request takes one
 * token; with none left it is refused with 429 and `Retry-After`, the whole seconds until the
 * next token (at least 1). Memory is one bucket per identity and host.
 */
import { apiError, type SimResponse } from './sim-http.js';

export interface ThrottleOptions {
  /** Tokens added per second (the sustained rate). */
  requestsPerSecond: number;
  /** Bucket size: the requests allowed at once after a pause. Default: `requestsPerSecond` (at least 1). */
  burst?: number;
}

export interface Throttle {
  /** Null when the request may go on, else the 429 to send. */
  take(token: string, host: string): SimResponse | null;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** A throttle over a clock in milliseconds (injected, so tests need not wait). */
export function createThrottle(options: ThrottleOptions, clock: () => number): Throttle {
  const rate = options.requestsPerSecond;
  if (!(rate > 0)) throw new RangeError(`throttle.requestsPerSecond must be above 0, not ${rate}`);
  const capacity = Math.max(1, options.burst ?? rate);
  const buckets = new Map<string, Bucket>();
  return {
    take(token, host) {
      const key = `${host}\u0000${token}`;
      const now = clock();
      let bucket = buckets.get(key);
      if (!bucket) {
        bucket = { tokens: capacity, updatedMs: now };
        buckets.set(key, bucket);
      } else {
        bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updatedMs) / 1000) * rate);
        bucket.updatedMs = now;
      }
      // The epsilon keeps float drift from refusing a token that is due.
      if (bucket.tokens >= 1 - 1e-9) {
        bucket.tokens -= 1;
        return null;
      }
      const seconds = Math.max(1, Math.ceil((1 - bucket.tokens) / rate));
      return {
        ...apiError(429, 'TooManyRequests', `Rate limit is exceeded. Try again in ${seconds} seconds.`),
        headers: { 'Retry-After': String(seconds) },
      };
    },
  };
}
