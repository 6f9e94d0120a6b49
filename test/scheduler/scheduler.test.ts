/**
 * The scheduler with fake cron tasks, in-memory leases and timers the test fires: every run
 * goes through the tenant's lease, a busy tenant is logged and skipped, and stopping gives a
 * running scan its grace period before aborting it.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { LeaseContext } from '../../src/scheduler/lease.js';
import { ScanAbort } from '../../src/scheduler/scan-abort.js';
import { startScheduler, type CronTask, type ScheduleEntry, type SchedulerDeps } from '../../src/scheduler/scheduler.js';
import type { ScanTrigger } from '../../src/store/scan-repository.js';
import { settle } from '../support/fake-clock.js';
import { ManualTimers, memoryLeases } from '../support/memory-leases.js';

const T0 = new Date('2026-11-27T02:00:00.000Z');
const entries: ScheduleEntry[] = [
  { tenantId: 'contoso', cron: '0 2 * * *', timezone: 'Europe/Berlin' },
  { tenantId: 'fabrikam', cron: '30 3 * * *', timezone: 'UTC' },
];

function logged() {
  const lines: { level: number; msg: string; [key: string]: unknown }[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[number]) });
  return { log, lines };
}

function rig(overrides: Partial<SchedulerDeps> = {}) {
  const clock = () => T0;
  const leases = memoryLeases(clock);
  const leaseTimers = new ManualTimers();
  const graceTimers = new ManualTimers();
  const { log, lines } = logged();
  const fires = new Map<string, () => Promise<unknown>>();
  const stoppedTasks: string[] = [];
  const scans: { tenantId: string; trigger: ScanTrigger; context: LeaseContext; finish: () => void }[] = [];
  const scheduler = startScheduler({
    entries,
    log,
    lease: { leases, holder: 'me:1:aa', clock, log, timers: leaseTimers },
    timers: graceTimers,
    graceMs: 30_000,
    startTask: (entry, fire): CronTask => {
      fires.set(entry.tenantId, fire);
      return { nextRun: () => new Date(`2026-11-28T0${entry.tenantId === 'contoso' ? 1 : 3}:00:00Z`), stop: () => void stoppedTasks.push(entry.tenantId) };
    },
    scan: (tenantId, trigger, context) =>
      new Promise<void>((resolve, reject) => {
        scans.push({ tenantId, trigger, context, finish: resolve });
        context.signal.addEventListener('abort', () => reject(context.signal.reason as Error), { once: true });
      }),
    ...overrides,
  });
  return { scheduler, leases, lines, fires, stoppedTasks, scans, graceTimers };
}

describe('scheduler', () => {
  it('starts one task per tenant and tells the next runs', () => {
    const { scheduler, fires } = rig();
    expect([...fires.keys()]).toEqual(['contoso', 'fabrikam']);
    expect(scheduler.nextRuns()).toEqual([
      { tenantId: 'contoso', next: new Date('2026-11-28T01:00:00Z') },
      { tenantId: 'fabrikam', next: new Date('2026-11-28T03:00:00Z') },
    ]);
  });

  it('scans a tenant on its schedule under its lease, and frees the lease after', async () => {
    const { fires, scans, leases } = rig();
    const run = fires.get('contoso')!();
    await settle();
    expect(scans.map((s) => [s.tenantId, s.trigger])).toEqual([['contoso', 'schedule']]);
    expect(leases.rows.get('contoso')).toMatchObject({ holder: 'me:1:aa' });
    scans[0]!.finish();
    expect(await run).toEqual({ status: 'done' });
    expect(leases.rows.has('contoso')).toBe(false);
  });

  it.each<ScanTrigger>(['schedule', 'startup', 'manual'])('logs and skips a %s run while another process holds the tenant', async (trigger) => {
    const { scheduler, fires, scans, leases, lines } = rig();
    await leases.acquire('contoso', 'host-2:4242:bb', 120_000);
    const result = trigger === 'schedule' ? await fires.get('contoso')!() : await scheduler.runNow('contoso', trigger);
    expect(result).toEqual({ status: 'busy', holder: 'host-2:4242:bb', since: T0, expiresAt: new Date(T0.getTime() + 120_000) });
    expect(scans).toEqual([]);
    expect(lines.find((l) => l.msg === 'another process is scanning the tenant; this run is skipped')).toMatchObject({ level: 30, tenantId: 'contoso', trigger, holder: 'host-2:4242:bb' });
  });

  it('skips a run of a tenant this process is still scanning', async () => {
    const { scheduler, fires, scans } = rig();
    const first = fires.get('contoso')!();
    await settle();
    expect(await scheduler.runNow('contoso')).toEqual({ status: 'skipped', reason: 'running' });
    expect(scans).toHaveLength(1);
    scans[0]!.finish();
    await first;
  });

  it('logs a failed scan and goes on', async () => {
    const { scheduler, lines, leases } = rig({ scan: async () => Promise.reject(new Error('token refused')) });
    const result = await scheduler.runNow('contoso', 'schedule');
    expect(result).toMatchObject({ status: 'failed' });
    expect(lines.find((l) => l.level === 50)).toMatchObject({ msg: 'schedule scan failed', tenantId: 'contoso' });
    expect(leases.rows.has('contoso')).toBe(false);
    expect(await scheduler.runNow('contoso', 'schedule')).toMatchObject({ status: 'failed' });
  });

  it('runs a scan that failed on an unavailable database again after 30 s, 2 min and 10 min, then leaves it to the schedule', async () => {
    const unreachable = Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { code: 'P1001' });
    let calls = 0;
    const { scheduler, lines, graceTimers } = rig({ scan: async () => (calls += 1, Promise.reject(unreachable)) });
    expect(await scheduler.runNow('contoso', 'schedule')).toEqual({ status: 'failed', error: unreachable, retryInMs: 30_000 });
    expect(graceTimers.delays).toEqual([30_000]);
    for (const next of [120_000, 600_000]) {
      await graceTimers.fire();
      expect(graceTimers.delays).toEqual([next]);
    }
    await graceTimers.fire();
    expect(calls).toBe(4);
    expect(graceTimers.delays).toEqual([]);
    expect(lines.filter((l) => l.level === 50).map((l) => [l.msg, l.fault])).toEqual([
      ['schedule scan failed: the database was unavailable; it runs again in 30 s', "P1001: Can't reach database server at 127.0.0.1:5432"],
      ['schedule scan failed: the database was unavailable; it runs again in 120 s', "P1001: Can't reach database server at 127.0.0.1:5432"],
      ['schedule scan failed: the database was unavailable; it runs again in 600 s', "P1001: Can't reach database server at 127.0.0.1:5432"],
      ['schedule scan failed: the database was unavailable, and stayed so through every retry; the next run is the scheduled one', "P1001: Can't reach database server at 127.0.0.1:5432"],
    ]);
  });

  it('forgets the retries once a run succeeds, and cancels a waiting one on stop', async () => {
    const down = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    let fail = true;
    const { scheduler, graceTimers, scans } = rig({ scan: async () => (fail ? Promise.reject(down) : undefined) });
    await scheduler.runNow('contoso', 'startup');
    fail = false;
    await graceTimers.fire();
    expect(graceTimers.delays).toEqual([]);
    fail = true;
    expect(await scheduler.runNow('contoso', 'startup')).toMatchObject({ retryInMs: 30_000 });
    await scheduler.stop();
    expect(graceTimers.delays).toEqual([]);
    expect(scans).toEqual([]);
  });

  it('on stop, lets a running scan finish within the grace period', async () => {
    const { scheduler, fires, scans, stoppedTasks, graceTimers, leases } = rig();
    const run = fires.get('contoso')!();
    await settle();
    const stopped = scheduler.stop();
    await settle();
    expect(stoppedTasks).toEqual(['contoso', 'fabrikam']);
    expect(graceTimers.delays).toEqual([30_000]);
    expect(await scheduler.runNow('fabrikam')).toEqual({ status: 'skipped', reason: 'stopped' });
    scans[0]!.finish();
    await stopped;
    expect(await run).toEqual({ status: 'done' });
    expect(scans[0]!.context.signal.aborted).toBe(false);
    expect(graceTimers.delays).toEqual([]);
    expect(leases.rows.size).toBe(0);
  });

  it('on stop, aborts a scan still running when the grace period is over, and releases its lease', async () => {
    const { scheduler, scans, graceTimers, leases, lines } = rig();
    const run = scheduler.runNow('contoso', 'startup');
    await settle();
    const stopped = scheduler.stop();
    await settle();
    await graceTimers.fire();
    await stopped;
    const signal = scans[0]!.context.signal;
    expect(signal.reason).toBeInstanceOf(ScanAbort);
    expect((signal.reason as Error).message).toBe('the service stopped, and the scan did not finish within the 30 s grace period');
    expect(await run).toMatchObject({ status: 'failed' });
    expect(lines.some((l) => l.msg === 'the scan was aborted: the service stopped')).toBe(true);
    expect(leases.rows.size).toBe(0);
  });

  it('stops at once when nothing runs, and only once', async () => {
    const { scheduler, graceTimers, stoppedTasks } = rig();
    const first = scheduler.stop();
    expect(scheduler.stop()).toBe(first);
    await first;
    expect(graceTimers.delays).toEqual([]);
    expect(stoppedTasks).toEqual(['contoso', 'fabrikam']);
  });
});
