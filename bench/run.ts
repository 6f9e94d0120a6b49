/**
 * `npm run bench`: runs every bench/*.bench.ts, one after the other, each in its own process
 * (so the peak memory a bench reports is its own), then prints one table of every figure with
 * its goal and verdict, and writes each bench's JSON plus a summary with every figure of issue
 * 7 (bench/summary.ts). A bench added to bench/ is run and read without touching this file.
 *
 * Options: those of bench/bench-options.ts, handed to every bench, plus `--only a,b` (run only
 * these benches). `--out f.json` writes the summary there and each bench's JSON beside it
 * (f.<name>.json); default bench/results/summary.json and bench/results/<name>.json.
 * The benches' own output goes to standard error; the table to standard output.
 * Exits 1 when a bench failed; a missed goal is a verdict in the table, not a failure.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { textTable } from '../src/cli/text-table.js';
import { BENCH_OPTIONS } from './bench-options.js';
import { benchName, describeGoal, resultFiles, summaryDocument, summaryRows, type BenchRun } from './summary.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

const { values, tokens } = parseArgs({ options: { ...BENCH_OPTIONS, only: { type: 'string' } }, strict: true, tokens: true });
// Every option but the runner's own goes to each bench as it was given.
const passThrough = tokens.flatMap((token) => (token.kind === 'option' && token.name !== 'out' && token.name !== 'only' ? [`--${token.name}`, ...(token.value !== undefined ? [token.value] : [])] : []));

const files = (await readdir(HERE)).filter((file) => file.endsWith('.bench.ts')).sort();
const only = values.only?.split(',').map((name) => name.trim());
const selected = files.filter((file) => !only || only.includes(benchName(file)));
if (only) {
  const unknown = only.filter((name) => !files.some((file) => benchName(file) === name));
  if (unknown.length > 0) throw new Error(`--only: no bench named ${unknown.join(', ')} (there are: ${files.map(benchName).join(', ')})`);
}
const out = resultFiles(values.out, path.join(HERE, 'results'), selected.map(benchName));

function runBench(file: string, outFile: string): Promise<number | null> {
  // --expose-gc: the collect bench measures live heap after full collections.
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(HERE, file), ...passThrough, '--out', outFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.pipe(process.stderr);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}

const runs: BenchRun[] = [];
for (const file of selected) {
  const name = benchName(file);
  const outFile = out.byBench.get(name)!;
  await mkdir(path.dirname(outFile), { recursive: true });
  // A file left from an earlier run must not pass for this run's result.
  await rm(outFile, { force: true });
  process.stderr.write(`\n== bench ${name}\n`);
  const started = performance.now();
  const exitCode = await runBench(file, outFile);
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const result = exitCode === 0 ? (JSON.parse(await readFile(outFile, 'utf8')) as Record<string, unknown>) : null;
  if (exitCode !== 0) process.stderr.write(`bench ${name} failed (exit ${exitCode})\n`);
  runs.push({ name, exitCode, seconds, result });
}

const rows = summaryRows(runs);
const verdict = (pass: boolean | null): string => (pass === null ? '-' : pass ? 'pass' : 'FAIL');
const table = textTable(
  ['figure', 'value', 'goal', 'verdict', 'bench', 'what'],
  rows.map((row) => [row.key, row.value === null ? 'n/a' : String(row.value), describeGoal(row.goal), verdict(row.pass), row.bench ?? '-', row.note ? `${row.label} (${row.note})` : row.label]),
);
console.log(`\n${table.join('\n')}`);
await mkdir(path.dirname(out.summary), { recursive: true });
await writeFile(out.summary, `${JSON.stringify(summaryDocument(runs, new Date()), null, 2)}\n`);
const shown = (file: string): string => (file.startsWith(process.cwd() + path.sep) ? path.relative(process.cwd(), file) : file);
console.log(`\nwrote ${[...out.byBench.values(), out.summary].map(shown).join(', ')}`);
if (runs.some((run) => run.exitCode !== 0)) process.exitCode = 1;
