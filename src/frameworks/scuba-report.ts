/**
 * How the SCuBA crosswalk reads on a terminal: a summary line, then one row per policy with
 * its result, criticality and sentence. (JSON output carries the rows as they are.)
 */
import { stripVTControlCharacters } from 'node:util';
import type { ScubaResult, ScubaRow } from './scuba.js';

const LABEL: Record<ScubaResult, string> = { pass: 'PASS', fail: 'FAIL', warning: 'WARNING', 'n/a': 'N/A', unknown: 'UNKNOWN' };
const ORDER: readonly ScubaResult[] = ['pass', 'fail', 'warning', 'unknown', 'n/a'];

/** The SCuBA table; `color` paints results as the checks table does. */
export function renderScubaTable(rows: readonly ScubaRow[], options: { color: boolean }): string {
  const paint = (result: ScubaResult, s: string) => {
    const code = result === 'pass' ? 32 : result === 'fail' ? 31 : result === 'warning' || result === 'unknown' ? 33 : 0;
    return options.color && code ? `\x1b[${code}m${s}\x1b[0m` : s;
  };
  const counts = ORDER.map((result) => [result, rows.filter((row) => row.result === result).length] as const)
    .filter(([, n]) => n > 0)
    .map(([result, n]) => `${n} ${result}`);
  const cells = rows.map((row) => [paint(row.result, LABEL[row.result]), row.id, row.criticality, row.message]);
  return [`CISA SCuBA Power Platform baseline: ${counts.join(', ') || 'no policies'}`, ...table(['Result', 'Policy', 'Crit.', 'Message'], cells)].join('\n');
}

function table(header: string[], rows: string[][]): string[] {
  const visible = (s: string) => stripVTControlCharacters(s).length;
  const widths = header.map((h, i) => Math.max(visible(h), ...rows.map((r) => visible(r[i] ?? ''))));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - visible(c)))).join('  ');
  return [fmt(header), widths.map((w, i) => '-'.repeat(i === widths.length - 1 ? Math.min(w, 40) : w)).join('  '), ...rows.map(fmt)];
}
