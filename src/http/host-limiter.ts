/**
 * Per-host concurrency limits with an adaptive rate (AIMD), shared by every client of one tenant.
 *
 * Why: the admin APIs throttle per identity (reference section 10: 100 calls/60 s on the
 * connector, "Rate limit is exceeded. Try again in N seconds", TooManyConcurrentRequests).
 * When each request retries on its own, N concurrent requests to a throttled host keep
 * hammering it. Here a 429 (or a 503 with `Retry-After`) pauses the whole host until the
 * moment the API named and halves the host's concurrency; a run of successes grows it back
 * by one (additive increase, multiplicative decrease, as TCP congestion control does).
 *
 * One limiter per tenant, created in the composition code and injected into the tenant's
 * HTTP client (and so all its `scoped()` collector clients) and its Graph client.
 */
import { abortedError, abortableSleep, type Sleep } from './sleep.js';

/** Requests in flight per host when nothing was throttled yet. */
export const DEFAULT_MAX_CONCURRENCY_PER_HOST = 8;
/** Successes in a row after which a host's concurrency grows by one. */
export const DEFAULT_INCREASE_AFTER = 10;

export interface HostLimiterOptions {
  /** The ceiling (and starting value) of each host's concurrency; at least 1. */
  maxConcurrency?: number;
  /** Successes in a row after which a cut concurrency grows by one. */
  increaseAfter?: number;
  /** Waits out a host pause; injected so tests do not wait. */
  sleep?: Sleep;
  /** Clock of pause deadlines; injected so tests are deterministic. */
  now?: () => number;
}

export interface AcquireOptions {
  signal?: AbortSignal;
  /**
   * The caller has already waited until this moment (a throttled request that slept its own
   * `Retry-After`), so the pause it set itself is not waited twice.
   */
  waitedUntil?: number;
}

/** One request's slot on a host. Exactly one of its methods should be called; later calls do nothing. */
export interface HostPermit {
  /** Milliseconds this request waited because the host was paused (not waiting for a free slot). */
  readonly pausedMs: number;
  /** The host answered without throttling (any status but 429 / 503 with `Retry-After`): frees the slot, counts toward growth. */
  succeeded(): void;
  /** No answer worth learning from (timeout, network error, 5xx, abort): frees the slot. */
  failed(): void;
  /**
   * The host throttled this request: pauses the host for `delayMs` from now, halves its
   * concurrency (once per throttling episode), frees the slot. Returns the moment the pause ends.
   */
  throttled(delayMs: number): number;
}

/** A read-only view of one host, for logs and tests. */
export interface HostState {
  limit: number;
  inFlight: number;
  queued: number;
  pausedUntil: number;
}

export interface HostLimiter {
  /** Waits for a slot on `host` and for any pause of that host to end; rejects with PPMAT_E_ABORTED when the signal fires. */
  acquire(host: string, options?: AcquireOptions): Promise<HostPermit>;
  state(host: string): HostState;
}

interface Waiter {
  grant(): void;
}

interface Host {
  limit: number;
  inFlight: number;
  queue: Waiter[];
  pausedUntil: number;
  successes: number;
  /** Bumped at each decrease: throttles of requests sent before it belong to the same episode. */
  epoch: number;
}

/** Creates a limiter; keep one per tenant. */
export function createHostLimiter(options: HostLimiterOptions = {}): HostLimiter {
  const max = Math.max(1, Math.floor(options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY_PER_HOST));
  const increaseAfter = Math.max(1, options.increaseAfter ?? DEFAULT_INCREASE_AFTER);
  const sleep = options.sleep ?? abortableSleep;
  const now = options.now ?? Date.now;
  const hosts = new Map<string, Host>();

  const hostOf = (name: string): Host => {
    let host = hosts.get(name);
    if (!host) {
      host = { limit: max, inFlight: 0, queue: [], pausedUntil: 0, successes: 0, epoch: 0 };
      hosts.set(name, host);
    }
    return host;
  };

  const drain = (host: Host): void => {
    while (host.queue.length > 0 && host.inFlight < host.limit) {
      host.inFlight += 1;
      host.queue.shift()!.grant();
    }
  };

  const slot = (host: Host, signal: AbortSignal | undefined, what: string): Promise<void> => {
    if (host.queue.length === 0 && host.inFlight < host.limit) {
      host.inFlight += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const index = host.queue.indexOf(waiter);
        if (index >= 0) host.queue.splice(index, 1);
        reject(abortedError(what));
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      host.queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  };

  const permit = (host: Host, epoch: number, pausedMs: number): HostPermit => {
    let released = false;
    const release = (): boolean => {
      if (released) return false;
      released = true;
      host.inFlight -= 1;
      return true;
    };
    return {
      pausedMs,
      succeeded() {
        if (!release()) return;
        host.successes += 1;
        if (host.successes >= increaseAfter && host.limit < max) {
          host.limit += 1;
          host.successes = 0;
        }
        drain(host);
      },
      failed() {
        if (release()) drain(host);
      },
      throttled(delayMs) {
        const until = now() + Math.max(0, delayMs);
        if (!release()) return until;
        host.pausedUntil = Math.max(host.pausedUntil, until);
        host.successes = 0;
        if (epoch === host.epoch) {
          host.limit = Math.max(1, Math.floor(host.limit / 2));
          host.epoch += 1;
        }
        drain(host);
        return until;
      },
    };
  };

  return {
    async acquire(name, { signal, waitedUntil = 0 } = {}) {
      const what = `Waiting for a request slot on ${name}`;
      if (signal?.aborted) throw abortedError(what);
      const host = hostOf(name);
      // The request that set the pause has slept through it: the pause is over, whatever the
      // clock says (a sleep injected in tests returns at once without moving the clock).
      if (waitedUntil > 0 && waitedUntil >= host.pausedUntil) host.pausedUntil = 0;
      await slot(host, signal, what);
      // Holding the slot while the host is paused costs nothing: nobody may send then anyway.
      let pausedMs = 0;
      let served = waitedUntil;
      try {
        for (;;) {
          const from = Math.max(now(), served);
          const until = host.pausedUntil;
          if (until <= from) break;
          await sleep(until - from, signal);
          pausedMs += until - from;
          served = until;
        }
        if (signal?.aborted) throw abortedError(what);
      } catch (error) {
        host.inFlight -= 1;
        drain(host);
        throw error;
      }
      return permit(host, host.epoch, pausedMs);
    },
    state(name) {
      const host = hostOf(name);
      return { limit: host.limit, inFlight: host.inFlight, queued: host.queue.length, pausedUntil: host.pausedUntil };
    },
  };
}
