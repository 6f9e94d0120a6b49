/**
 * Scheduled scans: one cron task per tenant, in the tenant's time zone. Every run, whether
 * scheduled, at start-up or asked for, goes through the tenant's lease, so a tenant is never
 * scanned twice at once, in this process or across processes sharing the database; a run
 * that finds the tenant busy is logged and skipped.
 *
 * Stopping lets a running scan finish for a grace period, then aborts it (the scan is then
 * stored as `aborted`); leases are released either way.
 *
 * A run that failed because the database was unavailable (longer than a scan rides out, see
 * database-retry.ts, or before the scan could start) runs again after a pause, a few times,
 * instead of waiting for the next night: the night's results are not lost to an outage.
 */
import { createTask as createCronTask } from 'node-cron';
import type { Logger } from 'pino';
import type { ScanTrigger } from '../store/scan-repository.js';
import { describeDatabaseFault, isDatabaseUnavailable } from './database-retry.js';
import { withLease, type LeaseContext, type LeaseDeps, type LeaseBusy, type LeaseTimers } from './lease.js';
import { ScanAbort } from './scan-abort.js';
import type { Schedule } from './missed-run.js';

/** How long stopping waits for a running scan before aborting it. */
export const SHUTDOWN_GRACE_MS = 30_000;

/** Pauses before a run that failed on an unavailable database runs again (then it waits for its schedule). */
export const DATABASE_RETRY_DELAYS_MS: readonly number[] = [30_000, 2 * 60_000, 10 * 60_000];

export interface ScheduleEntry extends Schedule {
  tenantId: string;
}

/** A started cron task, as the scheduler uses it. */
export interface CronTask {
  nextRun(): Date | null;
  stop(): void | Promise<void>;
}

/** How a run ended. A failed scan is logged here; the result says so for callers that wait (and when it runs again, if it does). */
export type RunResult = { status: 'done' } | LeaseBusy | { status: 'failed'; error: unknown; retryInMs?: number } | { status: 'skipped'; reason: 'running' | 'stopped' };

export interface SchedulerDeps {
  entries: ScheduleEntry[];
  /** One scan of a tenant, under its lease: abort on `context.signal`, report the scan id to `context.attach`. */
  scan: (tenantId: string, trigger: ScanTrigger, context: LeaseContext) => Promise<unknown>;
  /** How leases are taken (the scheduler adds its own shutdown signal). */
  lease: Omit<LeaseDeps, 'signal'>;
  log: Logger;
  /** Default {@link SHUTDOWN_GRACE_MS}. */
  graceMs?: number;
  /** Starts a task that calls `fire` on the entry's schedule; node-cron by default. */
  startTask?: (entry: ScheduleEntry, fire: () => Promise<unknown>) => CronTask;
  timers?: LeaseTimers;
  /** Default {@link DATABASE_RETRY_DELAYS_MS}; empty: never run again before the schedule. */
  databaseRetryDelaysMs?: readonly number[];
}

export interface Scheduler {
  /** When each tenant's next scan runs. */
  nextRuns(): { tenantId: string; next: Date | null }[];
  /** Runs a tenant's scan now under its lease, unless this process is already scanning it; resolves when it ends. */
  runNow(tenantId: string, trigger?: ScanTrigger): Promise<RunResult>;
  /** Stops the timers, lets a running scan finish for the grace period, then aborts it; resolves when all runs ended. */
  stop(): Promise<void>;
}

export function startScheduler(deps: SchedulerDeps): Scheduler {
  const { log } = deps;
  const timers = deps.timers ?? { setTimeout: (run: () => void, ms: number) => setTimeout(run, ms), clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout) };
  const shutdown = new AbortController();
  const running = new Map<string, Promise<RunResult>>();
  let stopping: Promise<void> | undefined;
  const retryDelays = deps.databaseRetryDelaysMs ?? DATABASE_RETRY_DELAYS_MS;
  /** Per tenant: database-fault retries made in a row, and the one waiting. */
  const retries = new Map<string, { made: number; handle?: unknown }>();

  /** Runs a failed run again after its pause, which it returns; undefined when the run has had its retries. */
  const retryLater = (tenantId: string, trigger: ScanTrigger): number | undefined => {
    const state = retries.get(tenantId) ?? { made: 0 };
    const delay = retryDelays[state.made];
    if (delay === undefined) {
      retries.delete(tenantId);
      return undefined;
    }
    if (state.handle !== undefined) timers.clearTimeout(state.handle);
    state.made += 1;
    state.handle = timers.setTimeout(() => {
      state.handle = undefined;
      void runNow(tenantId, trigger);
    }, delay);
    retries.set(tenantId, state);
    return delay;
  };

  const runNow = (tenantId: string, trigger: ScanTrigger = 'manual'): Promise<RunResult> => {
    if (stopping) return Promise.resolve({ status: 'skipped', reason: 'stopped' });
    if (running.has(tenantId)) {
      log.warn({ tenantId, trigger }, 'this process is still scanning the tenant; this run is skipped');
      return Promise.resolve({ status: 'skipped', reason: 'running' });
    }
    const job = run(tenantId, trigger).finally(() => running.delete(tenantId));
    running.set(tenantId, job);
    return job;
  };

  const run = async (tenantId: string, trigger: ScanTrigger): Promise<RunResult> => {
    try {
      const outcome = await withLease({ ...deps.lease, signal: shutdown.signal }, tenantId, (context) => deps.scan(tenantId, trigger, context));
      if (outcome.status === 'done') {
        const waiting = retries.get(tenantId)?.handle;
        if (waiting !== undefined) timers.clearTimeout(waiting);
        retries.delete(tenantId);
        return { status: 'done' };
      }
      log.info({ tenantId, trigger, holder: outcome.holder, since: outcome.since }, 'another process is scanning the tenant; this run is skipped');
      return outcome;
    } catch (error) {
      if (shutdown.signal.aborted) {
        log.info({ tenantId, trigger }, 'the scan was aborted: the service stopped');
        return { status: 'failed', error };
      }
      if (isDatabaseUnavailable(error)) {
        const retryInMs = retryLater(tenantId, trigger);
        const fault = describeDatabaseFault(error);
        if (retryInMs === undefined) log.error({ tenantId, trigger, fault }, `${trigger} scan failed: the database was unavailable, and stayed so through every retry; the next run is the scheduled one`);
        else log.error({ tenantId, trigger, fault, retryInMs }, `${trigger} scan failed: the database was unavailable; it runs again in ${Math.round(retryInMs / 1000)} s`);
        return { status: 'failed', error, ...(retryInMs === undefined ? {} : { retryInMs }) };
      }
      log.error({ tenantId, trigger, err: error }, `${trigger} scan failed`);
      return { status: 'failed', error };
    }
  };

  const startTask = deps.startTask ?? startCronTask;
  const tasks = deps.entries.map((entry) => ({ tenantId: entry.tenantId, task: startTask(entry, () => runNow(entry.tenantId, 'schedule')) }));

  const stop = async (graceMs: number): Promise<void> => {
    for (const { handle } of retries.values()) if (handle !== undefined) timers.clearTimeout(handle);
    retries.clear();
    await Promise.all(tasks.map(({ task }) => task.stop()));
    if (running.size === 0) return;
    const all = Promise.all(running.values());
    log.info({ tenants: [...running.keys()], graceMs }, 'waiting for running scans to finish');
    let handle: unknown;
    const graceOver = new Promise<'grace-over'>((resolve) => (handle = timers.setTimeout(() => resolve('grace-over'), graceMs)));
    if ((await Promise.race([all, graceOver])) === 'grace-over') {
      log.warn({ tenants: [...running.keys()] }, 'the grace period is over: aborting the running scans');
      shutdown.abort(new ScanAbort(`the service stopped, and the scan did not finish within the ${Math.round(graceMs / 1000)} s grace period`));
    }
    timers.clearTimeout(handle);
    await all;
  };

  return {
    nextRuns: () => tasks.map(({ tenantId, task }) => ({ tenantId, next: task.nextRun() })),
    runNow,
    stop() {
      stopping ??= stop(deps.graceMs ?? SHUTDOWN_GRACE_MS);
      return stopping;
    },
  };
}

/** A node-cron task that skips a run while the previous one is still going (node-cron's noOverlap). */
export function startCronTask(entry: ScheduleEntry, fire: () => Promise<unknown>): CronTask {
  const task = createCronTask(entry.cron, fire, { name: `scan:${entry.tenantId}`, timezone: entry.timezone, noOverlap: true });
  void task.start();
  return { nextRun: () => task.getNextRun(), stop: () => task.destroy() };
}
