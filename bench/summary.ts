/**
 * The figures of issue 7, their goals, and the summary the runner (bench/run.ts) prints and
 * writes from the benches' JSON results. Pure, tested in test/bench/summary.test.ts.
 *
 * A bench contributes a figure by writing its key at the top level of its JSON. A bench may
 * also write `goals: { <key>: { max | min } }` for figures of its own (or to set the goal of
 * one below that has none): that is the hook for benches added later, such as
 * bench/workers.bench.ts for `workerSpeedup`.
 */
import path from 'node:path';

export interface Goal {
  /** Met when the figure is at most this. */
  max?: number;
  /** Met when the figure is at least this. */
  min?: number;
}

export interface Figure {
  key: string;
  /** What it measures, for the table. */
  label: string;
  goal: Goal | null;
  /** Shown when no bench produced the figure. */
  missing?: string;
}

/** Every figure the summary carries, in the order of the table; null when no bench measured it. */
export const FIGURES: readonly Figure[] = [
  { key: 'throttleRatio', label: 'first scan: actual time / least time the throttle allows', goal: { max: 1.15 } },
  { key: 'peakRssMb', label: 'first scan and rescan: peak RSS, MB (embedded database included)', goal: { max: 1024 } },
  { key: 'rescanRequestRatio', label: 'unchanged rescan: requests / first scan requests', goal: { max: 0.1 } },
  { key: 'evalSeconds', label: 'judge a stored scan (facts, rules, scoring): median s', goal: { max: 2 } },
  { key: 'storageRatio', label: 'unchanged rescan: bytes stored / first scan bytes', goal: { max: 0.01 } },
  { key: 'apiP50Ms', label: 'dashboard routes: p50 ms', goal: null },
  { key: 'apiP95Ms', label: 'dashboard routes: p95 ms', goal: { max: 100 } },
  { key: 'workerSpeedup', label: 'distributed workers: speed-up', goal: null, missing: 'measured by bench/workers.bench.ts (distributed mode)' },
];

/** One bench's run as the runner saw it: its JSON, or why there is none. */
export interface BenchRun {
  name: string;
  exitCode: number | null;
  seconds: number;
  result: Record<string, unknown> | null;
}

export interface SummaryRow {
  key: string;
  label: string;
  bench: string | null;
  value: number | null;
  goal: Goal | null;
  /** null when there is no goal or no value. */
  pass: boolean | null;
  note: string | null;
}

/** Whether `value` meets `goal`; null when either is missing. */
export function meets(value: number | null, goal: Goal | null): boolean | null {
  if (value === null || goal === null) return null;
  if (goal.max !== undefined && value > goal.max) return false;
  if (goal.min !== undefined && value < goal.min) return false;
  return true;
}

export function describeGoal(goal: Goal | null): string {
  if (!goal) return '-';
  return [goal.max !== undefined ? `<= ${goal.max}` : null, goal.min !== undefined ? `>= ${goal.min}` : null].filter(Boolean).join(', ');
}

/**
 * A row per figure: every figure of {@link FIGURES}, then any other a bench declared a goal
 * for. The value is the first bench's (in run order) that wrote the key as a number.
 */
export function summaryRows(runs: readonly BenchRun[]): SummaryRow[] {
  const declared = new Map<string, Goal>();
  for (const run of runs) {
    const goals = run.result?.goals;
    if (goals && typeof goals === 'object') for (const [key, goal] of Object.entries(goals as Record<string, Goal>)) if (!declared.has(key)) declared.set(key, goal);
  }
  const figures: Figure[] = [...FIGURES];
  for (const key of declared.keys()) if (!figures.some((f) => f.key === key)) figures.push({ key, label: key, goal: null });
  const failed = runs.filter((run) => run.exitCode !== 0).map((run) => run.name);
  return figures.map((figure) => {
    const from = runs.find((run) => typeof run.result?.[figure.key] === 'number');
    const value = from ? (from.result![figure.key] as number) : null;
    const goal = figure.goal ?? declared.get(figure.key) ?? null;
    const note = value !== null ? null : (figure.missing ?? (failed.length > 0 ? `not measured (failed: ${failed.join(', ')})` : 'not measured'));
    return { key: figure.key, label: figure.label, bench: from?.name ?? null, value, goal, pass: meets(value, goal), note };
  });
}

/** The summary JSON: every figure at the top level (null when not measured), then goals, verdicts, notes and the runs. */
export function summaryDocument(runs: readonly BenchRun[], at: Date): Record<string, unknown> {
  const rows = summaryRows(runs);
  return {
    ...Object.fromEntries(rows.map((row) => [row.key, row.value])),
    goals: Object.fromEntries(rows.filter((row) => row.goal).map((row) => [row.key, row.goal])),
    pass: Object.fromEntries(rows.map((row) => [row.key, row.pass])),
    notes: Object.fromEntries(rows.filter((row) => row.note).map((row) => [row.key, row.note])),
    benches: Object.fromEntries(runs.map((run) => [run.name, { exitCode: run.exitCode, seconds: run.seconds }])),
    node: process.version,
    at: at.toISOString(),
  };
}

/** `bench/collect.bench.ts` -> `collect`. */
export function benchName(file: string): string {
  return path.basename(file).replace(/\.bench\.ts$/, '');
}

/**
 * Where the summary and each bench's JSON go: bench/results/summary.json and
 * bench/results/<name>.json by default; with `--out f.json`, the summary is f.json and each
 * bench's file sits beside it as f.<name>.json (so a small CI run never overwrites the
 * full-size results).
 */
export function resultFiles(out: string | undefined, resultsDir: string, names: readonly string[]): { summary: string; byBench: Map<string, string> } {
  if (out === undefined) return { summary: path.join(resultsDir, 'summary.json'), byBench: new Map(names.map((name) => [name, path.join(resultsDir, `${name}.json`)])) };
  const stem = out.endsWith('.json') ? out.slice(0, -'.json'.length) : out;
  return { summary: out, byBench: new Map(names.map((name) => [name, `${stem}.${name}.json`])) };
}
