/** The queue's scheduler: a run becomes a job named by its tenant and scheduled instant, so replicas that fire alike enqueue one job. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startQueueScheduler } from '../../src/queue/queue-scheduler.js';
import { slotJobId, type ScanJob } from '../../src/queue/scan-queue.js';
import type { CronTask, ScheduleEntry } from '../../src/scheduler/scheduler.js';

const ENTRY: ScheduleEntry = { tenantId: 'contoso', cron: '0 2 * * *', timezone: 'Europe/Berlin' };

function rig(now: string) {
  const sent: ScanJob[] = [];
  const ids = new Set<string>();
  const fires: (() => Promise<unknown>)[] = [];
  const queue = {
    enqueue: async (job: ScanJob) => {
      const id = job.slot ? slotJobId(job.tenantId, job.slot) : `manual-${sent.length}`;
      sent.push(job);
      if (ids.has(id)) return null;
      ids.add(id);
      return id;
    },
  };
  const startTask = (_entry: ScheduleEntry, fire: () => Promise<unknown>): CronTask => {
    fires.push(fire);
    return { nextRun: () => null, stop: () => undefined };
  };
  const replicas = [0, 1].map(() => startQueueScheduler({ entries: [ENTRY], queue, log: pino({ level: 'silent' }), clock: () => new Date(now), startTask }));
  return { sent, ids, fires, replicas };
}

describe('the queue scheduler', () => {
  it('names a scheduled run by its instant: two replicas firing for it enqueue one job', async () => {
    const { sent, ids, fires } = rig('2026-11-27T01:00:00.150Z'); // 02:00 in Berlin
    await Promise.all(fires.map((fire) => fire()));
    expect(sent.map((j) => j.slot)).toEqual(['schedule:2026-11-27T01:00:00.000Z', 'schedule:2026-11-27T01:00:00.000Z']);
    expect(ids.size).toBe(1);
  });

  it('enqueues a manual run without a slot, so each request is its own job', async () => {
    const { sent, replicas } = rig('2026-11-27T10:00:00Z');
    await replicas[0]!.runNow('contoso', 'manual');
    await replicas[0]!.runNow('contoso', 'manual');
    expect(sent.map((j) => j.slot)).toEqual([null, null]);
  });

  it('refuses runs once stopped', async () => {
    const { replicas } = rig('2026-11-27T10:00:00Z');
    await replicas[0]!.stop();
    expect(await replicas[0]!.runNow('contoso')).toEqual({ status: 'skipped', reason: 'stopped' });
  });
});

describe('slotJobId', () => {
  it('is a UUID, stable for a tenant and slot, different otherwise', () => {
    const id = slotJobId('contoso', 'schedule:2026-11-27T01:00:00.000Z');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(slotJobId('contoso', 'schedule:2026-11-27T01:00:00.000Z')).toBe(id);
    expect(slotJobId('fabrikam', 'schedule:2026-11-27T01:00:00.000Z')).not.toBe(id);
    expect(slotJobId('contoso', 'schedule:2026-11-28T01:00:00.000Z')).not.toBe(id);
  });
});
