/**
 * The schedule in distributed mode: the same cron entries as the local scheduler, but a run
 * is a job put in the queue, not a scan in this process. The job of a scheduled run is named
 * by its tenant and scheduled instant, so every replica of the scheduler may fire: the queue
 * keeps one job per run.
 */
import type { Logger } from 'pino';
import { previousRun } from '../scheduler/missed-run.js';
import { startCronTask, type CronTask, type RunResult, type ScheduleEntry, type Scheduler } from '../scheduler/scheduler.js';
import type { ScanTrigger } from '../store/scan-repository.js';
import type { ScanQueue } from './scan-queue.js';

export interface QueueSchedulerDeps {
  entries: ScheduleEntry[];
  queue: Pick<ScanQueue, 'enqueue'>;
  log: Logger;
  clock: () => Date;
  startTask?: (entry: ScheduleEntry, fire: () => Promise<unknown>) => CronTask;
}

export function startQueueScheduler(deps: QueueSchedulerDeps): Scheduler {
  const { log } = deps;
  const byTenant = new Map(deps.entries.map((entry) => [entry.tenantId, entry]));
  let stopped = false;

  const runNow = async (tenantId: string, trigger: ScanTrigger = 'manual'): Promise<RunResult> => {
    if (stopped) return { status: 'skipped', reason: 'stopped' };
    const entry = byTenant.get(tenantId);
    // The instant this run stands for: what every replica computes alike for one firing.
    const slot = trigger === 'manual' || !entry ? null : (previousRun(entry, new Date(deps.clock().getTime() + 1000)) ?? deps.clock()).toISOString();
    try {
      const id = await deps.queue.enqueue({ tenantId, trigger, slot: slot === null ? null : `${trigger}:${slot}` });
      if (id === null) log.info({ tenantId, trigger, slot }, 'this run is queued already (another scheduler fired for it)');
      else log.info({ tenantId, trigger, slot, jobId: id }, 'scan queued');
      return { status: 'done' };
    } catch (error) {
      log.error({ tenantId, trigger, err: error }, 'the scan could not be queued');
      return { status: 'failed', error };
    }
  };

  const startTask = deps.startTask ?? startCronTask;
  const tasks = deps.entries.map((entry) => ({ tenantId: entry.tenantId, task: startTask(entry, () => runNow(entry.tenantId, 'schedule')) }));
  return {
    nextRuns: () => tasks.map(({ tenantId, task }) => ({ tenantId, next: task.nextRun() })),
    runNow,
    async stop() {
      stopped = true;
      await Promise.all(tasks.map(({ task }) => task.stop()));
    },
  };
}
