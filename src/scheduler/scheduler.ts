/**
 * Nightly scans: one node-cron task per tenant, in the tenant's time zone. A tenant is
 * never scanned twice at once in this process (node-cron's noOverlap plus our own guard;
 * the database lease across processes comes with the scheduling issue).
 */
import { createTask, type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';

export interface ScheduleEntry {
  tenantId: string;
  cron: string;
  timezone: string;
}

export interface Scheduler {
  /** When each tenant's next scan runs. */
  nextRuns(): { tenantId: string; next: Date | null }[];
  /** Runs a tenant's scan now unless one is running; resolves when it finishes. */
  runNow(tenantId: string): Promise<void>;
  /** Stops the timers and waits for a running scan to finish (or to be aborted by its signal). */
  stop(): Promise<void>;
}

export function startScheduler(entries: ScheduleEntry[], scan: (tenantId: string) => Promise<unknown>, log: Logger): Scheduler {
  const running = new Map<string, Promise<void>>();
  const runNow = (tenantId: string): Promise<void> => {
    const current = running.get(tenantId);
    if (current) {
      log.warn({ tenantId }, 'a scan of this tenant is still running; this run is skipped');
      return current;
    }
    const job = Promise.resolve()
      .then(() => scan(tenantId))
      .then(
        () => undefined,
        (error: unknown) => log.error({ tenantId, err: error }, 'scheduled scan failed'),
      )
      .finally(() => running.delete(tenantId));
    running.set(tenantId, job);
    return job;
  };
  const tasks: ScheduledTask[] = entries.map((entry) => {
    const task = createTask(entry.cron, () => runNow(entry.tenantId), {
      name: `scan:${entry.tenantId}`,
      timezone: entry.timezone,
      noOverlap: true,
    });
    void task.start();
    return task;
  });
  const ids = entries.map((e) => e.tenantId);
  return {
    nextRuns: () => tasks.map((task, i) => ({ tenantId: ids[i]!, next: task.getNextRun() })),
    runNow,
    async stop() {
      await Promise.all(tasks.map((task) => task.destroy()));
      await Promise.all(running.values());
    },
  };
}
