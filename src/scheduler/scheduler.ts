/**
 * Scheduled scans: one cron task per tenant, in the tenant's time zone. Every run, whether
 * scheduled, at start-up or asked for, goes through the tenant's lease, so a tenant is never
 * scanned twice at once, in this process or across processes sharing the database; a run
 * that finds the tenant busy is logged and skipped.
 *
 * Stopping lets a running scan finish for a grace period, then aborts it (the scan is then
 * stored as `aborted`); leases are released either way.
 */
import { createTask as createCronTask } from 'node-cron';
import type { Logger } from 'pino';
import type { ScanTrigger } from '../store/scan-repository.js';
import { withLease, type LeaseContext, type LeaseDeps, type LeaseBusy, type LeaseTimers } from './lease.js';
import { ScanAbort } from './scan-abort.js';
import type { Schedule } from './missed-run.js';

/** How long stopping waits for a running scan before aborting it. */
export const SHUTDOWN_GRACE_MS = 30_000;

export interface ScheduleEntry extends Schedule {
  tenantId: string;
}

/** A started cron task, as the scheduler uses it. */
export interface CronTask {
  nextRun(): Date | null;
  stop(): void | Promise<void>;
}

/** How a run ended. A failed scan is logged here; the result says so for callers that wait. */
export type RunResult = { status: 'done' } | LeaseBusy | { status: 'failed'; error: unknown } | { status: 'skipped'; reason: 'running' | 'stopped' };

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
      if (outcome.status === 'done') return { status: 'done' };
      log.info({ tenantId, trigger, holder: outcome.holder, since: outcome.since }, 'another process is scanning the tenant; this run is skipped');
      return outcome;
    } catch (error) {
      if (shutdown.signal.aborted) log.info({ tenantId, trigger }, 'the scan was aborted: the service stopped');
      else log.error({ tenantId, trigger, err: error }, `${trigger} scan failed`);
      return { status: 'failed', error };
    }
  };

  const startTask = deps.startTask ?? startCronTask;
  const tasks = deps.entries.map((entry) => ({ tenantId: entry.tenantId, task: startTask(entry, () => runNow(entry.tenantId, 'schedule')) }));

  const stop = async (graceMs: number): Promise<void> => {
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
