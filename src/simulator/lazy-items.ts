/**
 * The building blocks of the demo tenant's lazily generated inventory: per-environment counts
 * that add up to exact tenant totals (a prefix-sum array, O(environments) memory), item
 * timestamps relative to the model's `asOf` instant, and lists whose items are generated
 * from their coordinates when asked for, never stored.
 */
import { indexOfGuid, type Rng } from './prng.js';

export const DAY_MS = 86_400_000;

/**
 * Items of one kind per environment, generated on demand: `at(env, i)` for
 * 0 <= i < `count(env)`; `find` resolves an item's GUID name in O(1) (the name encodes `i`).
 */
export interface LazyList<T extends { name: string }> {
  count(env: number): number;
  at(env: number, index: number): T;
  /** The item of this environment with this name (case-insensitive), or null. */
  find(env: number, name: string): T | null;
}

/**
 * A lazy list over a count function and a generator whose names are `indexedGuid`s made with
 * `mask(env)` (the same mask must be given here, to decode a name).
 */
export function lazyList<T extends { name: string }>(count: (env: number) => number, at: (env: number, index: number) => T, mask: (env: number) => number = () => 0): LazyList<T> {
  return {
    count,
    at,
    find(env, name) {
      const index = indexOfGuid(name, mask(env));
      if (index < 0 || index >= count(env)) return null;
      const item = at(env, index);
      return item.name.toLowerCase() === name.toLowerCase() ? item : null;
    },
  };
}

/**
 * Splits `total` over environments in proportion to `weights`: `prefix[e]` is the number of
 * items in environments before `e`, so environment `e` holds `prefix[e + 1] - prefix[e]`
 * and the last entry is exactly `total`. Each share is within one item of the ideal.
 */
export function apportion(total: number, weights: ArrayLike<number>): Float64Array {
  const prefix = new Float64Array(weights.length + 1);
  let sum = 0;
  for (let e = 0; e < weights.length; e += 1) sum += weights[e] ?? 0;
  let cumulative = 0;
  for (let e = 0; e < weights.length; e += 1) {
    cumulative += weights[e] ?? 0;
    prefix[e + 1] = e === weights.length - 1 ? total : sum > 0 ? Math.min(total, Math.floor((total * cumulative) / sum)) : 0;
  }
  return prefix;
}

/** Counts per environment from a prefix-sum array. */
export function countsFrom(prefix: Float64Array): (env: number) => number {
  return (env) => (env < 0 || env + 1 >= prefix.length ? 0 : (prefix[env + 1] ?? 0) - (prefix[env] ?? 0));
}

/**
 * Creation and last-modification times of one item, as ISO strings, relative to `asOfMs`.
 * A stale item was last modified 200 to 900 days before `asOf`; a fresh one within 150 days,
 * so it stays fresh (under 180 days) for a month after `asOf`. Never before `notBeforeMs`.
 */
export function itemTimes(rng: Rng, asOfMs: number, notBeforeMs: number, stale: boolean): { created: string; modified: string; createdMs: number; modifiedMs: number } {
  const maxAgeDays = Math.max(1, Math.floor((asOfMs - notBeforeMs) / DAY_MS));
  const modifiedAge = stale ? Math.min(maxAgeDays, 200 + rng.int(0, 700)) : Math.min(maxAgeDays, rng.int(0, 150));
  const createdAge = Math.min(maxAgeDays, modifiedAge + rng.int(0, 400));
  const seconds = (): number => rng.int(0, 86_399) * 1000 + rng.int(0, 999);
  const modifiedMs = asOfMs - modifiedAge * DAY_MS - seconds();
  const createdMs = Math.min(modifiedMs, asOfMs - createdAge * DAY_MS - seconds());
  return { created: new Date(createdMs).toISOString(), modified: new Date(modifiedMs).toISOString(), createdMs, modifiedMs };
}

/** The first instant of the UTC month of `date`: the default `asOf` of the demo tenant. */
export function startOfUtcMonth(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
}

/** A lowercase slug for names and URLs. */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
