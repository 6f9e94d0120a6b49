/**
 * The command-line options of every bench, declared once: `npm run bench -- <options>` hands
 * the same options to each bench (bench/run.ts), so each accepts them all and uses its own,
 * and a mistyped option is refused everywhere rather than ignored somewhere.
 */
import { parseArgs } from 'node:util';

export const BENCH_OPTIONS = {
  /** collect: `envs,apps,flows[,policies]` of the simulated tenant; given alone, the api bench also runs small (CI). */
  size: { type: 'string' },
  /** collect: requests per second per API host the simulator allows, and its burst. */
  throttle: { type: 'string' },
  burst: { type: 'string' },
  /** collect: requests in flight per host. */
  concurrency: { type: 'string' },
  /** collect: how many times the judge step is timed (the median is reported). */
  repeat: { type: 'string' },
  /** api: tenants, nights of history per tenant, timed requests per route, warm-up requests per route. */
  tenants: { type: 'string' },
  days: { type: 'string' },
  requests: { type: 'string' },
  warmup: { type: 'string' },
  /** Where the bench writes its JSON (the runner: the summary). */
  out: { type: 'string' },
} as const;

export type BenchOptions = ReturnType<typeof parseBenchArgs>;

/** The options of `argv` (default: this process's), refusing unknown ones. */
export function parseBenchArgs(argv: string[] = process.argv.slice(2)) {
  return parseArgs({ args: argv, options: BENCH_OPTIONS, strict: true, allowPositionals: false }).values;
}

/** A whole number option, or `fallback` when absent; refuses anything else with the option's name. */
export function intOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, not "${value}"`);
  return n;
}
