/**
 * The few statistics the benches report: percentiles of latencies, the median of repeated
 * timings, and the growth of the database between two measurements. Pure, so they are tested
 * (test/bench/stats.test.ts) while the benches themselves never run in tests.
 */

/**
 * The `p`th percentile (0 < p <= 100) by the nearest-rank method: the smallest value that
 * at least p% of the values are at or below. Always one of the values, never an
 * interpolation, so "p95 = 80 ms" means a request really took 80 ms.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile() of no values');
  if (!(p > 0 && p <= 100)) throw new Error(`percentile must be in (0, 100], not ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median() of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Rounds to 3 decimals, as the benches' JSON shows figures. */
export function round(n: number, decimals = 3): number {
  const factor = 10 ** decimals;
  return Math.round(n * factor) / factor;
}

/** Bytes per table at one moment (pg_total_relation_size: table, indexes and TOAST). */
export type TableBytes = Record<string, number>;

/**
 * What the database gained from `before` to `after`: in total and per table, the tables that
 * grew listed largest first (a table that shrank, e.g. after a vacuum, counts as negative).
 */
export function growth(before: TableBytes, after: TableBytes): { total: number; byTable: [string, number][] } {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  const byTable: [string, number][] = [];
  let total = 0;
  for (const name of names) {
    const delta = (after[name] ?? 0) - (before[name] ?? 0);
    total += delta;
    if (delta !== 0) byTable.push([name, delta]);
  }
  byTable.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return { total, byTable };
}
