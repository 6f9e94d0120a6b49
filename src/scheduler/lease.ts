/**
 * Runs work while holding a tenant's scan lease: acquire, renew in the background, release.
 * A tenant held by another live process is an expected answer, not an error: the caller
 * gets a `busy` result naming the holder. A lease that cannot be kept (another process took
 * it, or the database stopped answering until it ran out) aborts the work through its
 * signal, because another process may now be scanning the same tenant.
 */
import type { Logger } from 'pino';
import { isLive, type Lease, type LeaseRecord, type LeaseRepository } from '../store/lease-repository.js';
import { ScanAbort } from './scan-abort.js';

/** How long a lease lasts without renewal: a crashed process frees its tenants after this. */
export const LEASE_TTL_MS = 120_000;

export interface LeaseTimers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: LeaseTimers = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface LeaseDeps {
  leases: LeaseRepository;
  /** This process's holder id (see leaseHolderId). */
  holder: string;
  clock: () => Date;
  log: Logger;
  /** Default {@link LEASE_TTL_MS}. */
  ttlMs?: number;
  /** Default a third of the TTL: two renewals may fail before the lease runs out. */
  renewEveryMs?: number;
  /** Aborts the work from outside (shutdown, Ctrl-C); the lease is released all the same. */
  signal?: AbortSignal;
  /** Whether the holder of a busy lease is a process known to be dead; its lease is then freed and taken. */
  isDead?: (holder: string) => boolean;
  timers?: LeaseTimers;
}

/** What the work gets: its signal (aborted when the lease is lost), and the lease to attach its scan to. */
export interface LeaseContext {
  signal: AbortSignal;
  lease: Lease;
  /** Records the scan on the lease, so a sweep of orphaned scans keeps exactly this one. */
  attach(scanId: number): Promise<void>;
}

/** Another process holds the tenant: who, since when, and until when unless it renews. */
export interface LeaseBusy {
  status: 'busy';
  holder: string;
  since: Date;
  expiresAt: Date;
}

export type LeaseOutcome<T> = { status: 'done'; value: T } | LeaseBusy;

export async function withLease<T>(deps: LeaseDeps, tenantId: string, run: (context: LeaseContext) => Promise<T>): Promise<LeaseOutcome<T>> {
  const ttlMs = deps.ttlMs ?? LEASE_TTL_MS;
  const acquired = await acquire(deps, tenantId, ttlMs);
  if (acquired.status === 'busy') return acquired;
  const keeper = keepLease(deps, acquired.lease);
  const signal = deps.signal ? AbortSignal.any([deps.signal, keeper.lost]) : keeper.lost;
  try {
    const value = await run({
      signal,
      get lease() {
        return keeper.current();
      },
      attach: async (scanId) => {
        if (!(await deps.leases.attach(keeper.current(), scanId))) keeper.lose(`another process took the lease on ${tenantId}`);
      },
    });
    return { status: 'done', value };
  } finally {
    await keeper.stop();
    await deps.leases.release(keeper.current()).then(
      (released) => {
        if (!released) deps.log.warn({ tenantId, holder: deps.holder }, 'the scan lease was no longer ours when the work ended');
      },
      (error: unknown) => deps.log.warn({ tenantId, err: error }, 'could not release the scan lease; it expires by itself'),
    );
  }
}

/** Takes the lease, or says who holds it. A holder known to be dead is evicted once. */
async function acquire(deps: LeaseDeps, tenantId: string, ttlMs: number): Promise<{ status: 'held'; lease: Lease } | LeaseBusy> {
  for (let attempt = 1; ; attempt += 1) {
    const lease = await deps.leases.acquire(tenantId, deps.holder, ttlMs);
    if (lease) return { status: 'held', lease };
    const other = await deps.leases.current(tenantId);
    const retry = attempt < 3;
    if (other && retry && deps.isDead?.(other.holder)) {
      deps.log.warn({ tenantId, holder: other.holder, since: other.acquiredAt }, 'taking over the scan lease of a process that no longer runs');
      await deps.leases.release(other);
      continue;
    }
    // Expired or freed between the two statements: try again.
    if (other && isLive(other, deps.clock())) return busy(other);
    if (!retry) throw new Error(`could not take the scan lease on ${tenantId}, nor tell who holds it`);
  }
}

function busy(lease: LeaseRecord): LeaseBusy {
  return { status: 'busy', holder: lease.holder, since: lease.acquiredAt, expiresAt: lease.expiresAt };
}

interface LeaseKeeper {
  /** Aborted when the lease is lost. */
  lost: AbortSignal;
  current(): Lease;
  lose(why: string): void;
  /** Stops renewing; resolves once a renewal in flight has ended. */
  stop(): Promise<void>;
}

/**
 * Renews the lease every `renewEveryMs`. A renewal that finds the lease taken loses it at
 * once; one that fails (database error) is retried at the next turn, unless the lease would
 * run out before then.
 */
function keepLease(deps: LeaseDeps, initial: Lease): LeaseKeeper {
  const timers = deps.timers ?? realTimers;
  const every = deps.renewEveryMs ?? Math.floor(initial.ttlMs / 3);
  const controller = new AbortController();
  let lease = initial;
  let stopped = false;
  let handle: unknown;
  let inFlight: Promise<void> = Promise.resolve();
  const log = deps.log.child({ tenantId: initial.tenantId });

  const lose = (why: string): void => {
    if (controller.signal.aborted) return;
    log.error({ holder: deps.holder }, `${why}; the scan is aborted`);
    controller.abort(new ScanAbort(`${why}: stopped so that two processes never scan one tenant at once`));
  };

  const renew = async (): Promise<void> => {
    try {
      const renewed = await deps.leases.renew(lease);
      if (renewed) lease = renewed;
      else lose(`the lease on ${lease.tenantId} was taken by another process`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (deps.clock().getTime() + every >= lease.expiresAt.getTime()) lose(`the lease on ${lease.tenantId} could not be renewed before it ran out (${message})`);
      else log.warn({ err: error }, 'could not renew the scan lease; trying again at the next turn');
    }
  };

  const schedule = (): void => {
    handle = timers.setTimeout(() => {
      inFlight = renew().then(() => {
        if (!stopped && !controller.signal.aborted) schedule();
      });
    }, every);
  };
  schedule();

  return {
    lost: controller.signal,
    current: () => lease,
    lose,
    async stop() {
      stopped = true;
      timers.clearTimeout(handle);
      await inFlight;
    },
  };
}
