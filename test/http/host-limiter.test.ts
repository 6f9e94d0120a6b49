import { describe, expect, it } from 'vitest';
import { CollectionError } from '../../src/collectors/types.js';
import { createHostLimiter, type HostLimiterOptions, type HostPermit } from '../../src/http/host-limiter.js';
import { FakeClock, settle } from '../support/fake-clock.js';

const A = 'api.bap.microsoft.com';
const B = 'graph.microsoft.com';

function limiter(options: HostLimiterOptions = {}) {
  const clock = new FakeClock();
  return { clock, limiter: createHostLimiter({ sleep: clock.sleep, now: clock.now, ...options }) };
}

/** Starts an acquire and exposes whether it has resolved yet. */
function track(promise: Promise<HostPermit>) {
  const state: { permit?: HostPermit; error?: unknown } = {};
  promise.then(
    (permit) => (state.permit = permit),
    (error: unknown) => (state.error = error),
  );
  return state;
}

describe('host limiter: concurrency', () => {
  it('never lets more than the limit in flight, and serves the queue in order', async () => {
    const { limiter: hosts } = limiter({ maxConcurrency: 3 });
    let inFlight = 0;
    let peak = 0;
    const order: number[] = [];
    const releases: (() => void)[] = [];
    const tasks = Array.from({ length: 10 }, async (_, i) => {
      const permit = await hosts.acquire(A);
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      order.push(i);
      await new Promise<void>((resolve) => releases.push(resolve));
      inFlight -= 1;
      permit.succeeded();
    });
    await settle();
    expect(inFlight).toBe(3);
    expect(hosts.state(A)).toMatchObject({ inFlight: 3, queued: 7 });
    // Finish them in a scrambled order.
    while (releases.length > 0) {
      releases.splice(releases.length > 1 ? 1 : 0, 1)[0]!();
      await settle();
    }
    await Promise.all(tasks);
    expect(peak).toBe(3);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(hosts.state(A)).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('counts each host on its own', async () => {
    const { limiter: hosts } = limiter({ maxConcurrency: 1 });
    await hosts.acquire(A);
    const other = track(hosts.acquire(B));
    const same = track(hosts.acquire(A));
    await settle();
    expect(other.permit).toBeDefined();
    expect(same.permit).toBeUndefined();
  });

  it('frees a slot once only, whatever the permit is told', async () => {
    const { limiter: hosts } = limiter({ maxConcurrency: 2 });
    const permit = await hosts.acquire(A);
    await hosts.acquire(A);
    permit.failed();
    permit.failed();
    permit.succeeded();
    expect(hosts.state(A).inFlight).toBe(1);
  });
});

describe('host limiter: throttling pauses the host', () => {
  it('holds the other in-flight and queued requests of the host until the Retry-After moment, not another host', async () => {
    const { limiter: hosts, clock } = limiter({ maxConcurrency: 2 });
    const first = await hosts.acquire(A);
    const second = await hosts.acquire(A);
    const queued = track(hosts.acquire(A));

    const until = first.throttled(5_000);
    expect(until).toBe(clock.now() + 5_000);
    second.succeeded(); // frees a slot for the queued request, which must now wait out the pause
    const otherHost = track(hosts.acquire(B));
    await settle();
    expect(otherHost.permit?.pausedMs).toBe(0);
    expect(queued.permit).toBeUndefined();

    await clock.advance(4_999);
    expect(queued.permit).toBeUndefined();
    await clock.advance(1);
    expect(queued.permit?.pausedMs).toBe(5_000);
    expect(clock.now()).toBe(until);
  });

  it('makes a request that arrives mid-pause wait only the rest', async () => {
    const { limiter: hosts, clock } = limiter();
    (await hosts.acquire(A)).throttled(5_000);
    await clock.advance(2_000);
    const late = track(hosts.acquire(A));
    await clock.advance(2_999);
    expect(late.permit).toBeUndefined();
    await clock.advance(1);
    expect(late.permit?.pausedMs).toBe(3_000);
  });

  it('does not make the throttled request wait its own pause twice', async () => {
    const { limiter: hosts, clock } = limiter();
    const permit = await hosts.acquire(A);
    const until = permit.throttled(4_000);
    // The request slept its own Retry-After (with a sleep that did not move this clock) and says so.
    const again = await hosts.acquire(A, { waitedUntil: until });
    expect(again.pausedMs).toBe(0);
    expect(clock.sleeps).toEqual([]);
  });

  it('ends the pause once the request that set it has waited it out, even when the clock did not move', async () => {
    const { limiter: hosts } = limiter();
    const until = (await hosts.acquire(A)).throttled(4_000);
    (await hosts.acquire(A, { waitedUntil: until })).succeeded();
    expect(hosts.state(A).pausedUntil).toBe(0);
    expect((await hosts.acquire(A)).pausedMs).toBe(0);
  });

  it('extends a pause when a later throttle names a later moment, and waits only the difference', async () => {
    const { limiter: hosts, clock } = limiter();
    const a = await hosts.acquire(A);
    const b = await hosts.acquire(A);
    const untilA = a.throttled(1_000);
    b.throttled(3_000);
    const retryA = track(hosts.acquire(A, { waitedUntil: untilA }));
    await clock.advance(3_000);
    expect(retryA.permit?.pausedMs).toBe(2_000);
  });
});

describe('host limiter: adaptive concurrency (AIMD)', () => {
  it('halves the limit on a throttle, once per episode, and grows it back one by one after runs of successes', async () => {
    const { limiter: hosts, clock } = limiter({ maxConcurrency: 8, increaseAfter: 2 });
    const sameEpisode = await Promise.all([hosts.acquire(A), hosts.acquire(A), hosts.acquire(A)]);
    for (const permit of sameEpisode) permit.throttled(100);
    expect(hosts.state(A).limit).toBe(4); // three 429s of requests sent together cut once

    await clock.advance(100);
    (await hosts.acquire(A)).throttled(100); // sent after the cut: a new episode
    expect(hosts.state(A).limit).toBe(2);
    await clock.advance(100);
    (await hosts.acquire(A)).throttled(0);
    expect(hosts.state(A).limit).toBe(1);
    (await hosts.acquire(A)).throttled(0);
    expect(hosts.state(A).limit).toBe(1); // never below 1

    const limits: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      (await hosts.acquire(A)).succeeded();
      limits.push(hosts.state(A).limit);
    }
    expect(limits.slice(0, 6)).toEqual([1, 2, 2, 3, 3, 4]);
    expect(Math.max(...limits)).toBe(8);
    expect(limits.at(-1)).toBe(8);
  });

  it('a throttle resets the run of successes', async () => {
    const { limiter: hosts, clock } = limiter({ maxConcurrency: 4, increaseAfter: 2 });
    (await hosts.acquire(A)).throttled(0);
    expect(hosts.state(A).limit).toBe(2);
    (await hosts.acquire(A)).succeeded();
    (await hosts.acquire(A)).throttled(0);
    await clock.advance(0);
    (await hosts.acquire(A)).succeeded();
    expect(hosts.state(A).limit).toBe(1);
  });

  it('lets queued requests in when the limit grows', async () => {
    const { limiter: hosts } = limiter({ maxConcurrency: 2, increaseAfter: 1 });
    (await hosts.acquire(A)).throttled(0);
    expect(hosts.state(A).limit).toBe(1);
    const holder = await hosts.acquire(A);
    const waiting = [track(hosts.acquire(A)), track(hosts.acquire(A))];
    holder.succeeded(); // limit 1 -> 2: both queued requests may go
    await settle();
    expect(waiting.every((w) => w.permit !== undefined)).toBe(true);
  });
});

describe('host limiter: cancellation', () => {
  it('rejects a queued request with PPMAT_E_ABORTED and gives its place to the next', async () => {
    const { limiter: hosts } = limiter({ maxConcurrency: 1 });
    const holder = await hosts.acquire(A);
    const controller = new AbortController();
    const cancelled = track(hosts.acquire(A, { signal: controller.signal }));
    const next = track(hosts.acquire(A));
    controller.abort();
    await settle();
    expect(cancelled.error).toBeInstanceOf(CollectionError);
    expect((cancelled.error as CollectionError).code).toBe('PPMAT_E_ABORTED');
    expect(hosts.state(A).queued).toBe(1);
    holder.succeeded();
    await settle();
    expect(next.permit).toBeDefined();
    expect(hosts.state(A).inFlight).toBe(1);
  });

  it('rejects a request waiting out a pause, and frees its slot', async () => {
    const { limiter: hosts } = limiter({ maxConcurrency: 1 });
    (await hosts.acquire(A)).throttled(10_000);
    const controller = new AbortController();
    const waiting = track(hosts.acquire(A, { signal: controller.signal }));
    await settle();
    expect(hosts.state(A).inFlight).toBe(1);
    controller.abort();
    await settle();
    expect((waiting.error as CollectionError).code).toBe('PPMAT_E_ABORTED');
    expect(hosts.state(A).inFlight).toBe(0);
  });

  it('rejects at once when the signal has already fired', async () => {
    const { limiter: hosts } = limiter();
    const controller = new AbortController();
    controller.abort();
    await expect(hosts.acquire(A, { signal: controller.signal })).rejects.toMatchObject({ code: 'PPMAT_E_ABORTED' });
    expect(hosts.state(A).inFlight).toBe(0);
  });
});
