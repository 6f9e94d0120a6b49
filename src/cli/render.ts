/**
 * What `ppmat scan` prints: a readable table for people, or JSON for machines.
 */
import { stripVTControlCharacters } from 'node:util';
import type { ScanOutcome } from '../scheduler/run-scan.js';
import type { Outcome } from '../rules/types.js';

const OUTCOME_LABEL: Record<Outcome, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  unknown: 'UNKNOWN',
  not_applicable: 'N/A',
  attested: 'ATTESTED',
};

export interface RenderOptions {
  tenantName: string;
  color: boolean;
  /** Area display names by id (from the rule set's areas.yaml). */
  areaNames: ReadonlyMap<string, string>;
}

export function renderTable(outcome: ScanOutcome, options: RenderOptions): string {
  const paint = painter(options.color);
  const lines: string[] = [];
  lines.push(`${paint.bold(options.tenantName)}  (tenant ${outcome.tenantId})`);
  lines.push(`Scan #${outcome.scanId}: ${statusLabel(outcome.status, paint)} in ${(outcome.durationMs / 1000).toFixed(1)} s, ${outcome.collectorRuns.reduce((s, r) => s + r.requests, 0)} requests, ${outcome.saved.evidenceNew} new of ${outcome.saved.evidenceCount} evidence documents`);
  const missing = Object.values(outcome.snapshot.evidence).filter((e) => e && e.status !== 'ok');
  for (const e of missing) lines.push(paint.yellow(`  ! ${e!.key}: ${e!.status} - ${e!.reason ?? ''}`));
  lines.push('');
  const areaRows = outcome.areaScores.map((a) => [
    options.areaNames.get(a.area) ?? a.area,
    String(a.level),
    a.maxLevel > a.level ? `${a.level}-${a.maxLevel}` : String(a.level),
    `${a.met}/${a.total}/${a.unknown}`,
    a.summary,
  ]);
  lines.push(...table(['Area', 'Level', 'Range', 'Met/Total/Unknown', 'Summary'], areaRows));
  lines.push('');
  const checkRows = [...outcome.checkResults]
    .sort((a, b) => a.checkId.localeCompare(b.checkId))
    .map((r) => [paint.outcome(r.outcome, OUTCOME_LABEL[r.outcome]), r.checkId, r.message]);
  lines.push(...table(['Outcome', 'Check', 'Message'], checkRows));
  return lines.join('\n');
}

/** The JSON document of `ppmat scan --format json`: stable keys, plain values. */
export function renderJson(outcome: ScanOutcome, tenantName: string): string {
  return JSON.stringify(
    {
      scanId: outcome.scanId,
      tenantId: outcome.tenantId,
      tenantName,
      status: outcome.status,
      durationMs: outcome.durationMs,
      evidence: { count: outcome.saved.evidenceCount, new: outcome.saved.evidenceNew },
      collectors: outcome.collectorRuns,
      areas: outcome.areaScores,
      capabilities: outcome.capabilityResults,
      checks: outcome.checkResults,
    },
    null,
    2,
  );
}

function table(header: string[], rows: string[][]): string[] {
  const visible = (s: string) => stripVTControlCharacters(s).length;
  const widths = header.map((h, i) => Math.max(visible(h), ...rows.map((r) => visible(r[i] ?? ''))));
  // The last column wraps freely; the others are padded.
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - visible(c)))).join('  ');
  return [fmt(header), widths.map((w, i) => '-'.repeat(i === widths.length - 1 ? Math.min(w, 40) : w)).join('  '), ...rows.map(fmt)];
}

function statusLabel(status: string, paint: Painter): string {
  if (status === 'succeeded') return paint.green(status);
  if (status === 'partial') return paint.yellow(status);
  return paint.red(status);
}

interface Painter {
  bold(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  red(s: string): string;
  outcome(outcome: Outcome, s: string): string;
}

function painter(color: boolean): Painter {
  const wrap = (code: number) => (s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const green = wrap(32);
  const yellow = wrap(33);
  const red = wrap(31);
  return {
    bold: wrap(1),
    green,
    yellow,
    red,
    outcome: (o, s) => (o === 'pass' || o === 'attested' ? green(s) : o === 'fail' ? red(s) : o === 'unknown' ? yellow(s) : s),
  };
}
