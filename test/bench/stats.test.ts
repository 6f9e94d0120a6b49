/** The benches' statistics: nearest-rank percentiles, medians, database growth. */
import { describe, expect, it } from 'vitest';
import { growth, median, percentile, round } from '../../bench/stats.js';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose

  it.each([
    [[5], 50, 5],
    [[5], 95, 5],
    [[1, 2], 50, 1],
    [[1, 2], 51, 2],
    [[3, 1, 2, 4], 50, 2],
    [[3, 1, 2, 4], 75, 3],
    [[3, 1, 2, 4], 100, 4],
    [hundred, 50, 50],
    [hundred, 95, 95],
    [hundred, 99, 99],
    [hundred, 100, 100],
    [[10, 10, 10, 1000], 95, 1000],
  ])('%j at p%d is %d', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it('is always one of the values, never an interpolation', () => {
    const values = [1, 7, 8, 100];
    for (const p of [1, 10, 33, 50, 66, 90, 95, 99, 100]) expect(values).toContain(percentile(values, p));
  });

  it('leaves its input in order', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });

  it.each([[[], 50], [[1], 0], [[1], 101], [[1], Number.NaN]])('refuses %j at p%d', (values, p) => {
    expect(() => percentile(values, p)).toThrow();
  });
});

describe('median', () => {
  it.each([
    [[4], 4],
    [[5, 1, 3], 3],
    [[1, 2, 3, 10], 2.5],
    [[0.3, 0.1, 0.2, 0.15, 0.12], 0.15],
  ])('of %j is %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('refuses no values', () => {
    expect(() => median([])).toThrow();
  });
});

describe('round', () => {
  it.each([
    [1.23456, 3, 1.235],
    [0.000049, 5, 0.00005],
    [2, 3, 2],
  ])('%d to %d decimals is %d', (n, decimals, expected) => {
    expect(round(n, decimals)).toBe(expected);
  });
});

describe('growth', () => {
  it('sums what each table gained, the largest first, and leaves out the unchanged', () => {
    expect(growth({ scan: 100, evidence: 1000, tenant: 8 }, { scan: 200, evidence: 5000, tenant: 8, alert: 50 })).toEqual({
      total: 4150,
      byTable: [
        ['evidence', 4000],
        ['scan', 100],
        ['alert', 50],
      ],
    });
  });

  it('counts a table that shrank as negative', () => {
    expect(growth({ a: 100, b: 10 }, { a: 40, b: 20 })).toEqual({ total: -50, byTable: [['b', 10], ['a', -60]] });
  });

  it('is zero between equal measurements', () => {
    expect(growth({ a: 1 }, { a: 1 })).toEqual({ total: 0, byTable: [] });
  });
});
