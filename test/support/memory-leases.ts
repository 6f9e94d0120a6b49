/**
 * Stand-ins for lease tests: an in-memory LeaseRepository with the database's rules
 * (free, expired or ours), and timers that run only when a test fires them.
 */
import type { LeaseTimers } from '../../src/scheduler/lease.js';
import type { Lease, LeaseRecord, LeaseRepository } from '../../src/store/lease-repository.js';
import { settle } from './fake-clock.js';

export interface MemoryLeases extends LeaseRepository {
  rows: Map<string, LeaseRecord>;
}

export function memoryLeases(clock: () => Date): MemoryLeases {
  const rows = new Map<string, LeaseRecord>();
  const ours = (lease: Pick<LeaseRecord, 'tenantId' | 'holder'>) => rows.get(lease.tenantId)?.holder === lease.holder;
  return {
    rows,
    async acquire(tenantId, holder, ttlMs) {
      const now = clock();
      const row = rows.get(tenantId);
      if (row && row.expiresAt < now && row.holder !== holder) rows.delete(tenantId);
      else if (row && row.holder !== holder) return null;
      const lease: Lease = { tenantId, holder, scanId: null, acquiredAt: row?.holder === holder ? row.acquiredAt : now, expiresAt: new Date(now.getTime() + ttlMs), ttlMs };
      rows.set(tenantId, { tenantId, holder, scanId: null, acquiredAt: lease.acquiredAt, expiresAt: lease.expiresAt });
      return lease;
    },
    async renew(lease) {
      if (!ours(lease)) return null;
      const row = { ...rows.get(lease.tenantId)!, expiresAt: new Date(clock().getTime() + lease.ttlMs) };
      rows.set(lease.tenantId, row);
      return { ...row, ttlMs: lease.ttlMs };
    },
    async attach(lease, scanId) {
      if (!ours(lease)) return false;
      rows.set(lease.tenantId, { ...rows.get(lease.tenantId)!, scanId });
      return true;
    },
    async release(lease) {
      if (!ours(lease)) return false;
      rows.delete(lease.tenantId);
      return true;
    },
    async current(tenantId) {
      return rows.get(tenantId) ?? null;
    },
  };
}

/** Timers that wait for the test: `fire` runs every timer set so far, then lets promises settle. */
export class ManualTimers implements LeaseTimers {
  readonly #pending = new Map<number, { run: () => void; ms: number }>();
  #next = 0;

  setTimeout = (run: () => void, ms: number): unknown => {
    const id = (this.#next += 1);
    this.#pending.set(id, { run, ms });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.#pending.delete(handle as number);
  };

  /** The delays of the timers waiting now. */
  get delays(): number[] {
    return [...this.#pending.values()].map((t) => t.ms);
  }

  async fire(): Promise<void> {
    const due = [...this.#pending.entries()];
    for (const [id, timer] of due) {
      this.#pending.delete(id);
      timer.run();
    }
    await settle();
  }
}
