/**
 * A fake clock and sleep for throttling tests: time moves only when a test calls `advance`,
 * so pauses of seconds take no real time and their order is deterministic.
 */
import type { Sleep } from '../../src/http/sleep.js';
import { abortedError } from '../../src/http/sleep.js';

interface Timer {
  at: number;
  resolve: () => void;
}

export class FakeClock {
  #t: number;
  readonly #timers: Timer[] = [];
  /** Every sleep asked for, in milliseconds, in order. */
  readonly sleeps: number[] = [];

  constructor(start = 1_000_000) {
    this.#t = start;
  }

  readonly now = (): number => this.#t;

  readonly sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      this.sleeps.push(ms);
      if (signal?.aborted) {
        reject(abortedError('Waiting'));
        return;
      }
      const timer: Timer = {
        at: this.#t + ms,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.#timers.splice(this.#timers.indexOf(timer), 1);
        reject(abortedError('Waiting'));
      };
      this.#timers.push(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
    });

  /** Sleeps not yet over. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Moves time `ms` forward, waking each due sleeper in deadline order and letting it run. */
  async advance(ms: number): Promise<void> {
    const target = this.#t + ms;
    for (;;) {
      await settle();
      const due = this.#timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.#timers.splice(this.#timers.indexOf(due), 1);
      this.#t = due.at;
      due.resolve();
    }
    this.#t = target;
    await settle();
  }
}

/** Lets pending promise continuations (and immediates) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Polls `condition` (real time, for requests that go through a socket or nock) until it holds. */
export async function until(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise<void>((resolve) => setTimeout(resolve, 2));
  }
}
