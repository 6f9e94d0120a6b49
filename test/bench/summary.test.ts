/** The bench runner's summary: every figure of issue 7 with its goal and verdict, and where results go. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchName, describeGoal, FIGURES, meets, resultFiles, summaryDocument, summaryRows, type BenchRun } from '../../bench/summary.js';

const ISSUE_KEYS = ['throttleRatio', 'peakRssMb', 'rescanRequestRatio', 'evalSeconds', 'storageRatio', 'apiP50Ms', 'apiP95Ms', 'workerSpeedup'];

const run = (name: string, result: Record<string, unknown> | null, exitCode: number | null = 0): BenchRun => ({ name, exitCode, seconds: 1, result });

describe('meets', () => {
  it.each([
    [1.1, { max: 1.15 }, true],
    [1.15, { max: 1.15 }, true],
    [1.2, { max: 1.15 }, false],
    [3, { min: 2 }, true],
    [1.5, { min: 2 }, false],
    [5, { min: 2, max: 4 }, false],
    [null, { max: 1 }, null],
    [1, null, null],
  ] as const)('%s against %j is %s', (value, goal, expected) => {
    expect(meets(value, goal)).toBe(expected);
  });
});

describe('summaryRows', () => {
  it('lists every figure of the issue, in its order, before any other', () => {
    expect(FIGURES.map((f) => f.key)).toEqual(ISSUE_KEYS);
    expect(summaryRows([]).map((r) => r.key)).toEqual(ISSUE_KEYS);
  });

  it('takes each figure from the bench that measured it, with the verdict', () => {
    const rows = summaryRows([run('api', { apiP50Ms: 12, apiP95Ms: 140 }), run('collect', { throttleRatio: 1.1, peakRssMb: 1186, evalSeconds: 0.9 })]);
    const byKey = new Map(rows.map((r) => [r.key, r]));
    expect(byKey.get('throttleRatio')).toMatchObject({ bench: 'collect', value: 1.1, pass: true, note: null });
    expect(byKey.get('peakRssMb')).toMatchObject({ bench: 'collect', value: 1186, pass: false });
    expect(byKey.get('apiP95Ms')).toMatchObject({ bench: 'api', value: 140, pass: false });
    expect(byKey.get('apiP50Ms')).toMatchObject({ value: 12, goal: null, pass: null });
  });

  it('says why a figure is missing: not yet measured by a bench, or its bench failed', () => {
    const rows = summaryRows([run('collect', null, 1)]);
    const byKey = new Map(rows.map((r) => [r.key, r]));
    expect(byKey.get('workerSpeedup')).toMatchObject({ value: null, pass: null, note: 'measured by bench/workers.bench.ts (distributed mode)' });
    expect(byKey.get('evalSeconds')).toMatchObject({ value: null, pass: null, note: 'not measured (failed: collect)' });
  });

  it('reads a later bench: its figure fills the row, and a goal it declares is used (the hook for bench/workers.bench.ts)', () => {
    const rows = summaryRows([run('workers', { workerSpeedup: 1.8, queueLagMs: 40, goals: { workerSpeedup: { min: 1.6 }, queueLagMs: { max: 100 } } })]);
    expect(rows.find((r) => r.key === 'workerSpeedup')).toMatchObject({ bench: 'workers', value: 1.8, goal: { min: 1.6 }, pass: true, note: null });
    expect(rows.at(-1)).toMatchObject({ key: 'queueLagMs', value: 40, pass: true });
  });

  it('never lets a declared goal replace the issue goal of a figure', () => {
    const rows = summaryRows([run('api', { apiP95Ms: 150, goals: { apiP95Ms: { max: 500 } } })]);
    expect(rows.find((r) => r.key === 'apiP95Ms')).toMatchObject({ goal: { max: 100 }, pass: false });
  });
});

describe('summaryDocument', () => {
  it('carries every key of the issue at the top level, null when not measured', () => {
    const doc = summaryDocument([run('collect', { throttleRatio: 1.1, storageRatio: 0.004 })], new Date('2026-01-01T00:00:00Z'));
    for (const key of ISSUE_KEYS) expect(doc).toHaveProperty(key);
    expect(doc).toMatchObject({ throttleRatio: 1.1, storageRatio: 0.004, workerSpeedup: null, at: '2026-01-01T00:00:00.000Z' });
    expect(doc.pass).toMatchObject({ throttleRatio: true, storageRatio: true, workerSpeedup: null });
    expect(doc.notes).toMatchObject({ workerSpeedup: 'measured by bench/workers.bench.ts (distributed mode)' });
    expect(doc.benches).toEqual({ collect: { exitCode: 0, seconds: 1 } });
  });
});

describe('describeGoal', () => {
  it.each([
    [{ max: 1.15 }, '<= 1.15'],
    [{ min: 2 }, '>= 2'],
    [null, '-'],
  ] as const)('%j reads %s', (goal, text) => {
    expect(describeGoal(goal)).toBe(text);
  });
});

describe('where results go', () => {
  it('names a bench after its file', () => {
    expect(benchName('bench/collect.bench.ts')).toBe('collect');
    expect(benchName('workers.bench.ts')).toBe('workers');
  });

  it('writes to bench/results by default', () => {
    const files = resultFiles(undefined, path.join('bench', 'results'), ['api', 'collect']);
    expect(files.summary).toBe(path.join('bench', 'results', 'summary.json'));
    expect([...files.byBench]).toEqual([
      ['api', path.join('bench', 'results', 'api.json')],
      ['collect', path.join('bench', 'results', 'collect.json')],
    ]);
  });

  it('with --out, writes the summary there and each bench beside it', () => {
    const files = resultFiles('/tmp/ppmat-ci-bench.json', 'bench/results', ['api', 'collect']);
    expect(files.summary).toBe('/tmp/ppmat-ci-bench.json');
    expect(files.byBench.get('collect')).toBe('/tmp/ppmat-ci-bench.collect.json');
    expect(files.byBench.get('api')).toBe('/tmp/ppmat-ci-bench.api.json');
  });
});
