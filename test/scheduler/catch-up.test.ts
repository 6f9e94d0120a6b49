/**
 * Start-up runs: a tenant that missed its last scheduled run is scanned once, with trigger
 * `startup`; one that another process is scanning is looked at again once that lease would
 * have run out.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { catchUpMissedRuns, type CatchUpEntry } from '../../src/scheduler/catch-up.js';
import type { RunResult } from '../../src/scheduler/scheduler.js';
import type { ScanTrigger } from '../../src/store/scan-repository.js';
import { ManualTimers } from '../support/memory-leases.js';

const now = new Date('2026-03-30T12:00:00Z'); // 02:00 Berlin was 2026-03-30T00:00Z
const nightly = (tenantId: string, always = false): CatchUpEntry => ({ tenantId, cron: '0 2 * * *', timezone: 'Europe/Berlin', ...(always ? { always } : {}) });

function rig(lastStarts: Record<string, string | null>, answers: Record<string, RunResult[]> = {}) {
  const runs: [string, ScanTrigger | undefined][] = [];
  const timers = new ManualTimers();
  const controller = new AbortController();
  let clock = now;
  const deps = {
    scheduler: {
      runNow: async (tenantId: string, trigger?: ScanTrigger): Promise<RunResult> => {
        runs.push([tenantId, trigger]);
        return answers[tenantId]?.shift() ?? { status: 'done' };
      },
    },
    lastScanStart: async (tenantId: string) => (lastStarts[tenantId] ? new Date(lastStarts[tenantId]) : null),
    clock: () => clock,
    log: pino({ level: 'silent' }),
    signal: controller.signal,
    timers,
  };
  return { deps, runs, timers, controller, setClock: (at: Date) => (clock = at) };
}

describe('catchUpMissedRuns', () => {
  it('scans, with trigger startup, the tenants that missed their last run or were never scanned', async () => {
    const { deps, runs } = rig({ missed: '2026-03-29T00:00:00Z', never: null, current: '2026-03-30T00:00:05Z' });
    const catchUp = await catchUpMissedRuns(deps, [nightly('missed'), nightly('never'), nightly('current')]);
    expect(runs).toEqual([
      ['missed', 'startup'],
      ['never', 'startup'],
    ]);
    expect([...catchUp.results.keys()]).toEqual(['missed', 'never']);
  });

  it('scans a tenant marked always whatever the schedule (the demo)', async () => {
    const { deps, runs } = rig({ demo: '2026-03-30T11:59:00Z' });
    await catchUpMissedRuns(deps, [nightly('demo', true)]);
    expect(runs).toEqual([['demo', 'startup']]);
  });

  it('stops between tenants once the service is stopping', async () => {
    const { deps, runs, controller } = rig({ a: null, b: null });
    deps.scheduler.runNow = async (tenantId, trigger) => {
      runs.push([tenantId, trigger]);
      controller.abort();
      return { status: 'done' };
    };
    await catchUpMissedRuns(deps, [nightly('a'), nightly('b')]);
    expect(runs).toEqual([['a', 'startup']]);
  });

  it('looks again after a busy lease would have run out, and scans if the run is still missed', async () => {
    const busy: RunResult = { status: 'busy', holder: 'host-2:1:bb', since: new Date('2026-03-30T11:59:00Z'), expiresAt: new Date('2026-03-30T12:01:00Z') };
    const { deps, runs, timers } = rig({ contoso: '2026-03-29T00:00:00Z' }, { contoso: [busy] });
    await catchUpMissedRuns(deps, [nightly('contoso')]);
    expect(timers.delays).toEqual([65_000]);
    await timers.fire();
    expect(runs).toEqual([
      ['contoso', 'startup'],
      ['contoso', 'startup'],
    ]);
  });

  it('does not scan again when the busy process made the scan meanwhile', async () => {
    const busy: RunResult = { status: 'busy', holder: 'host-2:1:bb', since: new Date('2026-03-30T11:59:00Z'), expiresAt: new Date('2026-03-30T12:01:00Z') };
    const lastStarts: Record<string, string | null> = { contoso: '2026-03-29T00:00:00Z' };
    const { deps, runs, timers } = rig(lastStarts, { contoso: [busy] });
    await catchUpMissedRuns(deps, [nightly('contoso')]);
    lastStarts.contoso = '2026-03-30T11:59:00Z';
    await timers.fire();
    expect(runs).toEqual([['contoso', 'startup']]);
  });

  it('cancels a retry still waiting', async () => {
    const busy: RunResult = { status: 'busy', holder: 'host-2:1:bb', since: now, expiresAt: now };
    const { deps, timers } = rig({ contoso: null }, { contoso: [busy] });
    const catchUp = await catchUpMissedRuns(deps, [nightly('contoso')]);
    expect(timers.delays).toEqual([5_000]);
    catchUp.cancel();
    expect(timers.delays).toEqual([]);
  });

  it('goes on with the next tenant when the store cannot tell the last scan', async () => {
    const { deps, runs } = rig({ b: null });
    const lastScanStart = deps.lastScanStart;
    deps.lastScanStart = async (tenantId) => (tenantId === 'a' ? Promise.reject(new Error('connection reset')) : lastScanStart(tenantId));
    await catchUpMissedRuns(deps, [nightly('a'), nightly('b')]);
    expect(runs).toEqual([['b', 'startup']]);
  });
});
