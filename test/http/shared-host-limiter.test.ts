/**
 * Throttling pauses shared between processes: a 429 one worker receives makes the others
 * wait it out (through the database), instead of each finding the 429 for itself.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostLimiter } from '../../src/http/host-limiter.js';
import { createSharedHostLimiter } from '../../src/http/shared-host-limiter.js';
import { createThrottleStore, type ThrottleStore } from '../../src/store/throttle-repository.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => db?.dispose());

/** A "process": its own local limiter and clock, the shared store. */
function processWith(store: ThrottleStore, clock: { now: number }) {
  const slept: number[] = [];
  const sleep = async (ms: number) => {
    slept.push(ms);
    clock.now += ms;
  };
  const limiter = createSharedHostLimiter({
    inner: createHostLimiter({ now: () => clock.now, sleep }),
    store,
    keyOf: (host) => `contoso|${host}`,
    log: pino({ level: 'silent' }),
    now: () => clock.now,
    sleep,
    refreshMs: 0,
  });
  return { limiter, slept };
}

describe('a shared throttling pause', () => {
  it('makes another process wait until the moment the API named, and no longer', async () => {
    const store = createThrottleStore(db.prisma);
    const clock = { now: Date.parse('2026-11-27T12:00:00Z') };
    const a = processWith(store, clock);
    const b = processWith(store, clock);

    const permit = await a.limiter.acquire('api.bap.microsoft.com');
    const end = permit.throttled(30_000);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the pause is written in the background
    expect(await store.pausedUntil('contoso|api.bap.microsoft.com')).toBe(end);

    const other = await b.limiter.acquire('api.bap.microsoft.com');
    expect(b.slept).toEqual([30_000]);
    expect(other.pausedMs).toBeGreaterThanOrEqual(30_000);
    other.succeeded();

    // Another host, and another tenant's key, are not paused.
    await b.limiter.acquire('api.powerplatform.com').then((p) => p.succeeded());
    expect(b.slept).toEqual([30_000]);
  });

  it('keeps the later of two pauses', async () => {
    const store = createThrottleStore(db.prisma);
    await store.pause('fabrikam|graph.microsoft.com', 2_000_000);
    await store.pause('fabrikam|graph.microsoft.com', 1_000_000);
    expect(await store.pausedUntil('fabrikam|graph.microsoft.com')).toBe(2_000_000);
    expect(await store.pausedUntil('nobody|graph.microsoft.com')).toBe(0);
  });

  it('goes on without the database when it cannot be read', async () => {
    const broken: ThrottleStore = { pausedUntil: () => Promise.reject(new Error('connection refused')), pause: () => Promise.reject(new Error('connection refused')) };
    const clock = { now: 0 };
    const { limiter, slept } = processWith(broken, clock);
    const permit = await limiter.acquire('api.bap.microsoft.com');
    permit.throttled(1_000);
    await limiter.acquire('api.flow.microsoft.com').then((p) => p.succeeded());
    expect(slept).toEqual([]);
  });
});
