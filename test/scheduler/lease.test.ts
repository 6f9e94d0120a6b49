/**
 * withLease: acquire, renew, release; a busy tenant is an answer, not an error; a lease that
 * cannot be kept aborts the work through its signal.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { withLease, type LeaseContext, type LeaseDeps } from '../../src/scheduler/lease.js';
import { ScanAbort } from '../../src/scheduler/scan-abort.js';
import { settle } from '../support/fake-clock.js';
import { ManualTimers, memoryLeases } from '../support/memory-leases.js';

const TTL = 120_000;
const T0 = new Date('2026-11-27T02:00:00.000Z');

function rig(overrides: Partial<LeaseDeps> = {}) {
  let now = T0;
  const clock = () => now;
  const leases = memoryLeases(clock);
  const timers = new ManualTimers();
  const deps: LeaseDeps = { leases, holder: 'me:1:aa', clock, log: pino({ level: 'silent' }), ttlMs: TTL, timers, ...overrides };
  return {
    deps,
    leases,
    timers,
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
  };
}

/** Work that runs until the test ends it (or its signal aborts), exposing its lease context. */
function controllable() {
  let finish!: (value: string) => void;
  let context!: LeaseContext;
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const run = (ctx: LeaseContext): Promise<string> => {
    context = ctx;
    markStarted();
    return new Promise<string>((resolve, reject) => {
      finish = resolve;
      ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error), { once: true });
    });
  };
  return { run, started, finish: (value: string) => finish(value), context: () => context };
}

describe('withLease', () => {
  it('runs the work under the lease and releases it after', async () => {
    const { deps, leases } = rig();
    const outcome = await withLease(deps, 'contoso', async (context) => {
      expect(leases.rows.get('contoso')).toMatchObject({ holder: 'me:1:aa' });
      await context.attach(12);
      expect(leases.rows.get('contoso')).toMatchObject({ scanId: 12 });
      return 'scanned';
    });
    expect(outcome).toEqual({ status: 'done', value: 'scanned' });
    expect(leases.rows.has('contoso')).toBe(false);
  });

  it('answers busy, naming the holder and since when, when another live process holds the tenant', async () => {
    const { deps, leases } = rig();
    await leases.acquire('contoso', 'host-1:4242:bb', TTL);
    let ran = false;
    const outcome = await withLease(deps, 'contoso', async () => {
      ran = true;
    });
    expect(outcome).toEqual({ status: 'busy', holder: 'host-1:4242:bb', since: T0, expiresAt: new Date(T0.getTime() + TTL) });
    expect(ran).toBe(false);
    expect(leases.rows.get('contoso')?.holder).toBe('host-1:4242:bb');
  });

  it('takes over a lease whose holder is known to be dead, and only that', async () => {
    const { deps, leases } = rig({ isDead: (holder) => holder === 'me:999:cc' });
    await leases.acquire('contoso', 'me:999:cc', TTL);
    await leases.acquire('fabrikam', 'me:998:dd', TTL);
    expect(await withLease(deps, 'contoso', async () => 'ok')).toEqual({ status: 'done', value: 'ok' });
    expect(await withLease(deps, 'fabrikam', async () => 'ok')).toMatchObject({ status: 'busy', holder: 'me:998:dd' });
  });

  it('renews every third of the TTL while the work runs', async () => {
    const { deps, leases, timers, advance } = rig();
    const work = controllable();
    const outcome = withLease(deps, 'contoso', work.run);
    await work.started;
    expect(timers.delays).toEqual([TTL / 3]);
    for (let turn = 1; turn <= 3; turn += 1) {
      advance(TTL / 3);
      await timers.fire();
      expect(leases.rows.get('contoso')?.expiresAt).toEqual(new Date(T0.getTime() + (turn * TTL) / 3 + TTL));
    }
    expect(work.context().signal.aborted).toBe(false);
    work.finish('done');
    expect(await outcome).toEqual({ status: 'done', value: 'done' });
    expect(timers.delays).toEqual([]);
  });

  it('aborts the work when a renewal finds the lease taken, and does not release the new holder', async () => {
    const { deps, leases, timers, advance } = rig();
    const work = controllable();
    const outcome = withLease(deps, 'contoso', work.run);
    const ended = outcome.catch((error: unknown) => error);
    await work.started;
    advance(TTL + 1); // e.g. the process was paused longer than the TTL
    await leases.acquire('contoso', 'other:2:ee', TTL);
    await timers.fire();
    const signal = work.context().signal;
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(ScanAbort);
    expect((signal.reason as Error).message).toMatch(/^the lease on contoso was taken by another process: stopped so that two processes never scan one tenant at once$/);
    expect(await ended).toBeInstanceOf(ScanAbort);
    expect(leases.rows.get('contoso')?.holder).toBe('other:2:ee');
  });

  it('retries a renewal that failed, and aborts when the lease would run out before the next turn', async () => {
    const { deps, leases, timers, advance } = rig();
    leases.renew = async () => {
      throw new Error('connection reset');
    };
    const work = controllable();
    const ended = withLease(deps, 'contoso', work.run).catch((error: unknown) => error);
    await work.started;
    advance(TTL / 3);
    await timers.fire(); // expires at TTL; the next turn is at 2/3 TTL: retry then
    expect(work.context().signal.aborted).toBe(false);
    advance(TTL / 3);
    await timers.fire(); // the next turn would be at TTL: too late
    expect(work.context().signal.aborted).toBe(true);
    expect((work.context().signal.reason as Error).message).toContain('could not be renewed before it ran out (connection reset)');
    expect(await ended).toBeInstanceOf(ScanAbort);
    expect(leases.rows.has('contoso')).toBe(false);
  });

  it('aborts the work when its scan cannot be attached to the lease any more', async () => {
    const { deps, leases } = rig();
    const outcome = withLease(deps, 'contoso', async (context) => {
      leases.rows.set('contoso', { ...leases.rows.get('contoso')!, holder: 'other:2:ee' });
      await context.attach(5);
      return context.signal.aborted;
    });
    expect(await outcome).toEqual({ status: 'done', value: true });
  });

  it('passes an outside abort to the work and releases the lease', async () => {
    const { deps, leases } = rig();
    const shutdown = new AbortController();
    const work = controllable();
    const outcome = withLease({ ...deps, signal: shutdown.signal }, 'contoso', work.run);
    await work.started;
    shutdown.abort(new Error('SIGTERM'));
    await expect(outcome).rejects.toThrow('SIGTERM');
    expect(leases.rows.has('contoso')).toBe(false);
  });

  it('releases the lease when the work fails, and waits for a renewal in flight first', async () => {
    const { deps, leases, timers, advance } = rig();
    let renewing = false;
    const renew = leases.renew.bind(leases);
    leases.renew = async (lease) => {
      renewing = true;
      await settle();
      renewing = false;
      return renew(lease);
    };
    const outcome = withLease(deps, 'contoso', async () => {
      advance(TTL / 3);
      void timers.fire();
      await Promise.resolve();
      expect(renewing).toBe(true);
      throw new Error('collector crashed');
    });
    await expect(outcome).rejects.toThrow('collector crashed');
    expect(renewing).toBe(false);
    expect(leases.rows.has('contoso')).toBe(false);
  });
});
