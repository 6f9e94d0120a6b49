/**
 * Retry delays: full-jitter exponential backoff and `Retry-After` parsing.
 *
 * Why full jitter: many collectors of many tenants retry against the same admin API at
 * once; a random delay in `[0, min(cap, base * 2^attempt))` spreads them out best
 * (AWS Architecture Blog, "Exponential Backoff And Jitter"). The reference (section 10)
 * asks to honour `Retry-After` and add jitter.
 */

/**
 * The delay before retry number `attempt` (0 for the first retry), in milliseconds.
 * `random` returns a number in [0, 1); it is injected so tests are deterministic.
 */
export function fullJitterDelayMs(attempt: number, baseDelayMs: number, maxBackoffMs: number, random: () => number): number {
  const ceiling = Math.min(maxBackoffMs, baseDelayMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}

/**
 * Parses a `Retry-After` header: delta-seconds (`"7"`) or an HTTP date
 * (`"Wed, 21 Oct 2015 07:28:00 GMT"`), per RFC 9110 section 10.2.3.
 * Returns milliseconds to wait (never negative), or null when absent or unparsable,
 * so the caller falls back to its own backoff.
 */
export function parseRetryAfterMs(header: string | undefined, now: number): number | null {
  if (header === undefined) return null;
  const value = header.trim();
  if (value === '') return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}
