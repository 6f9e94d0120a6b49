/**
 * A host limiter whose pauses are shared with every process scanning the same tenant. The
 * admin APIs throttle per identity, not per process: when one worker is told "429, retry in
 * 30 s", the others scanning with that identity must wait too, or adding workers only adds
 * 429s. So a pause is written to the database, and before sending, a process reads the
 * host's shared pause (at most once per `refreshMs`, so the database is not asked per
 * request) and waits it out. Everything else is the local limiter's (AIMD concurrency).
 */
import type { Logger } from 'pino';
import type { ThrottleStore } from '../store/throttle-repository.js';
import type { AcquireOptions, HostLimiter, HostPermit } from './host-limiter.js';
import { abortableSleep, type Sleep } from './sleep.js';

/** How often a process reads a host's shared pause at most. */
export const SHARED_PAUSE_REFRESH_MS = 1_000;

export interface SharedHostLimiterOptions {
  inner: HostLimiter;
  store: ThrottleStore;
  /** The shared key of a host, e.g. `tenantId|host`. */
  keyOf: (host: string) => string;
  log: Logger;
  now?: () => number;
  sleep?: Sleep;
  refreshMs?: number;
}

export function createSharedHostLimiter(options: SharedHostLimiterOptions): HostLimiter {
  const { inner, store, keyOf, log } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const refreshMs = options.refreshMs ?? SHARED_PAUSE_REFRESH_MS;
  const known = new Map<string, { until: number; readAt: number; reading?: Promise<number> }>();

  const sharedPause = async (host: string): Promise<number> => {
    const entry = known.get(host) ?? { until: 0, readAt: -Infinity };
    known.set(host, entry);
    if (now() - entry.readAt < refreshMs) return entry.until;
    entry.reading ??= store
      .pausedUntil(keyOf(host))
      .then((until) => {
        entry.until = Math.max(entry.until, until);
        entry.readAt = now();
        return entry.until;
      })
      .catch((error: unknown) => {
        // The database is the coordination, not the scan's life line: go on with what is known.
        log.warn({ err: error, host }, 'could not read the shared throttling pause; going on without it');
        entry.readAt = now();
        return entry.until;
      })
      .finally(() => (entry.reading = undefined));
    return entry.reading;
  };

  return {
    async acquire(host, acquireOptions: AcquireOptions = {}) {
      const until = await sharedPause(host);
      const wait = until - now();
      if (wait > 0 && (acquireOptions.waitedUntil ?? 0) < until) {
        log.debug({ host, waitMs: wait }, 'another process was throttled on this host: waiting out its pause');
        await sleep(wait, acquireOptions.signal);
      }
      const permit = await inner.acquire(host, acquireOptions);
      return {
        get pausedMs() {
          return permit.pausedMs + Math.max(0, wait);
        },
        succeeded: () => permit.succeeded(),
        failed: () => permit.failed(),
        throttled(delayMs: number): number {
          const end = permit.throttled(delayMs);
          const entry = known.get(host);
          if (entry) entry.until = Math.max(entry.until, end);
          store.pause(keyOf(host), end).catch((error: unknown) => log.warn({ err: error, host }, 'could not share the throttling pause; other processes will find it themselves'));
          return end;
        },
      } satisfies HostPermit;
    },
    state: (host) => inner.state(host),
  };
}
