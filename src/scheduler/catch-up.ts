/**
 * At start-up, each tenant that missed its last scheduled run (the service was down then)
 * is scanned once, with trigger `startup`. A tenant that another process is scanning is
 * looked at again once that process's lease would have run out: if the process died, the
 * run is made then; if it finished a scan, nothing was missed any more.
 */
import type { Logger } from 'pino';
import type { LeaseTimers } from './lease.js';
import { missedRun } from './missed-run.js';
import type { RunResult, ScheduleEntry, Scheduler } from './scheduler.js';

/** After a busy lease's expiry, how long to wait before looking again (clocks of two hosts differ a little). */
const AFTER_EXPIRY_MS = 5_000;

export interface CatchUpDeps {
  scheduler: Pick<Scheduler, 'runNow'>;
  /** When the tenant's last scan that is no longer running started. */
  lastScanStart: (tenantId: string) => Promise<Date | null>;
  clock: () => Date;
  log: Logger;
  /** Stops the catch-up between tenants (shutdown). */
  signal: AbortSignal;
  timers?: LeaseTimers;
}

export interface CatchUpEntry extends ScheduleEntry {
  /** Scan at start whatever the schedule says (the demo tenant, so a new user sees levels at once). */
  always?: boolean;
}

export interface CatchUp {
  /** Per tenant that was scanned or tried, how its start-up run ended (a retry later is not waited for). */
  results: Map<string, RunResult>;
  /** Cancels the retries still waiting. */
  cancel(): void;
}

/** Runs, one tenant after the other, the start-up scans of the tenants that need one. */
export async function catchUpMissedRuns(deps: CatchUpDeps, entries: readonly CatchUpEntry[]): Promise<CatchUp> {
  const timers = deps.timers ?? { setTimeout: (run: () => void, ms: number) => setTimeout(run, ms), clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout) };
  const retries = new Set<unknown>();
  const results = new Map<string, RunResult>();

  const runIfMissed = async (entry: CatchUpEntry, retry: boolean): Promise<RunResult | null> => {
    if (!entry.always) {
      const last = await deps.lastScanStart(entry.tenantId);
      const missed = missedRun(entry, last, deps.clock());
      if (!missed) {
        deps.log.debug({ tenantId: entry.tenantId, lastScanStart: last }, 'no scheduled run was missed');
        return null;
      }
      deps.log.info({ tenantId: entry.tenantId, missed, lastScanStart: last, retry }, 'the tenant missed its last scheduled run; scanning it now');
    }
    return deps.scheduler.runNow(entry.tenantId, 'startup');
  };

  for (const entry of entries) {
    if (deps.signal.aborted) break;
    const result = await runIfMissed(entry, false).catch((error: unknown) => {
      deps.log.error({ tenantId: entry.tenantId, err: error }, 'could not tell whether the tenant missed a run; the schedule goes on');
      return null;
    });
    if (!result) continue;
    results.set(entry.tenantId, result);
    if (result.status !== 'busy' || deps.signal.aborted) continue;
    const waitMs = Math.max(0, result.expiresAt.getTime() - deps.clock().getTime()) + AFTER_EXPIRY_MS;
    const handle = timers.setTimeout(() => {
      retries.delete(handle);
      if (deps.signal.aborted) return;
      runIfMissed({ ...entry, always: false }, true).catch((error: unknown) => deps.log.error({ tenantId: entry.tenantId, err: error }, 'the start-up scan could not be retried'));
    }, waitMs);
    retries.add(handle);
  }
  return {
    results,
    cancel() {
      for (const handle of retries) timers.clearTimeout(handle);
      retries.clear();
    },
  };
}
