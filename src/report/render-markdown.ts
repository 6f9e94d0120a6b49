/**
 * `ppmat report --format md`: the report for a wiki (Azure DevOps, GitHub, Confluence): headings,
 * a levels table with ranges and targets, alerts, the roadmap, each area's statements by status,
 * and the trends as small tables. Every text from evidence or names is escaped, so a name with
 * `|`, `*` or `<script>` neither breaks a table nor becomes markup.
 */
import type { RoadmapStep } from '../scoring/roadmap.js';
import { visibleText } from './visible-text.js';
import { levelRange, STATUS_LABELS, STATUS_ORDER, trendsWindowText, utcMinute, type ReportCapability, type ReportModel } from './report-model.js';

const KIND: Record<string, string> = { fix: 'Fix', collect: 'Collect', attest: 'Attest' };
const STATUS_HEADINGS: Record<string, string> = { met: 'Met', indicated: 'Indicated, to confirm', not_met: 'Not met', unknown: 'Unknown' };

export function renderMarkdown(model: ReportModel): string {
  const lines: string[] = [`# Power Platform adoption maturity: ${md(model.tenant.name)}`, ''];
  lines.push(...about(model), '');
  for (const note of model.notes) lines.push(`> ${md(note)}`, '');
  lines.push(...levels(model), '', ...alerts(model), '', ...roadmapSection(model), '', ...statements(model), '', ...trends(model));
  return `${lines.join('\n').trimEnd()}\n`;
}

function about(model: ReportModel): string[] {
  const scan = model.scan;
  const rows: [string, string][] = [
    ['Tenant', `${md(model.tenant.name)} (${code(model.tenant.id)})`],
    ['Scan', `#${scan.id}, ${md(scan.status)}, finished ${scan.finishedAt ? utcMinute(scan.finishedAt) : 'not yet'}`],
    ['Period', model.period ? `${trendsWindowText(model)}: ${model.scans.length} ${model.scans.length === 1 ? 'scan' : 'scans'} with results` : 'one scan'],
    ['Trends', trendsWindowText(model)],
    ['Rule set', `${code(scan.ruleSetVersion)}${scan.ruleSetVersion.split('+')[0] === model.ruleSetVersion ? '' : ` (now ${code(model.ruleSetVersion)})`}`],
    ['Generated', utcMinute(model.generatedAt)],
  ];
  return ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)];
}

function levels(model: ReportModel): string[] {
  const rows = model.areas.map((a) => {
    const met = `${a.met} of ${a.total}${a.unknown > 0 ? `, ${a.unknown} unknown` : ''}`;
    return `| ${md(a.name)} | ${a.level} | ${levelRange(a)} | ${met} | ${a.target ? md(a.target.summary) : '—'} |`;
  });
  return ['## Levels', '', '| Area | Level | Range | Statements met | Target |', '|---|---:|---|---|---|', ...rows];
}

function alerts(model: ReportModel): string[] {
  const out = ['## Regressions and alerts', ''];
  if (model.alerts.length === 0) return [...out, `None opened over ${trendsWindowText(model)}.`];
  for (const a of model.alerts) {
    const state = a.status === 'resolved' ? `resolved ${a.resolvedAt ? utcMinute(a.resolvedAt) : ''}`.trim() : `open${a.acknowledgedBy ? `, acknowledged by ${md(a.acknowledgedBy)}` : ''}`;
    out.push(`- **[${md(a.severity)}] ${md(a.title)}**: ${md(a.summary)} (opened ${utcMinute(a.openedAt)} by scan #${a.openedScanId}; ${state})`);
  }
  return out;
}

function roadmapSection(model: ReportModel): string[] {
  const out = ['## Roadmap', ''];
  const names = new Map(model.areas.map((a) => [a.area, a]));
  for (const step of model.roadmap) {
    const area = names.get(step.area);
    const name = md(area?.name ?? step.area);
    if (step.nextLevel === null) {
      out.push(`### ${name}: ${step.currentLevel}, the top level`, '');
      continue;
    }
    out.push(`### ${name}: ${step.currentLevel} → ${step.nextLevel}`, '', `${toGo(step)}${area?.target ? `; ${md(area.target.summary)}` : ''}.`, '');
    for (const item of step.missing) {
      out.push(`- **[${item.level}] ${md(item.statement)}** (${code(item.capabilityId)}; ${STATUS_LABELS[item.status]}): ${md(item.reason)}`);
      for (const action of item.actions) {
        out.push(`  - ${KIND[action.kind] ?? action.kind}: ${md(action.text)}${action.checkId ? ` (${code(action.checkId)})` : ''}`);
        for (const link of action.references ?? []) out.push(`    - ${reference(link)}`);
      }
    }
    out.push('');
  }
  return out;
}

/** "3 statements to go", or with a threshold below 1 "2 more of the 5 open statements to meet". */
function toGo(step: RoadmapStep): string {
  const needed = step.shortfall.reduce((sum, s) => sum + (s.required - s.met), 0);
  const open = step.missing.length;
  if (needed === open) return `${open} ${open === 1 ? 'statement' : 'statements'} to go`;
  return `${needed} more of the ${open} open statements to meet`;
}

function statements(model: ReportModel): string[] {
  const out = ['## Statements', ''];
  for (const area of model.areas) {
    const own = model.capabilities.filter((c) => c.area === area.area);
    out.push(`### ${md(area.name)}: ${levelRange(area)}`, '', md(area.summary), '');
    for (const status of STATUS_ORDER) {
      const listed = own.filter((c) => c.status === status);
      if (listed.length === 0) continue;
      out.push(`**${STATUS_HEADINGS[status]} (${listed.length})**`, '', ...listed.map(statementLine), '');
    }
  }
  return out;
}

function statementLine(c: ReportCapability): string {
  const attested = c.attestation
    ? ` *Attested ${c.attestation.outcome === 'met' ? '' : 'not met '}by ${md(c.attestation.by)} on ${md(c.attestation.at.slice(0, 10))}${c.attestation.until ? `, until ${md(c.attestation.until.slice(0, 10))}` : ''}.*`
    : '';
  return `- [${c.level}] ${md(c.statement)} (${code(c.id)}): ${md(c.reason)}${attested}`;
}

function trends(model: ReportModel): string[] {
  const out = ['## Trends', '', `Over ${trendsWindowText(model)}: the first and last scans, and every scan where a value moved.`, '', '### Levels', ''];
  const levelSeries = model.trends.levels;
  out.push(
    ...trendTable(
      levelSeries.map((s) => md(s.name)),
      levelSeries.map((s) => new Map(s.points.map((p) => [p.scanId, { at: p.at, value: levelRange(p) }]))),
    ),
    '',
    '### Adoption',
    '',
  );
  const adoption = model.trends.adoption;
  out.push(
    ...(adoption.length === 0
      ? ['No scan in the window counted adoption.']
      : trendTable(
          adoption.map((s) => md(s.name)),
          adoption.map((s) => new Map(s.points.map((p) => [p.scanId, { at: p.at, value: String(p.value) }]))),
        )),
  );
  return out;
}

/** One row per scan that has a value, keeping the first, the last and every row that differs from the one before. */
function trendTable(headers: string[], columns: Map<number, { at: string; value: string }>[]): string[] {
  const scans = new Map<number, string>();
  for (const column of columns) for (const [scanId, p] of column) scans.set(scanId, p.at);
  const ordered = [...scans].sort(([a, atA], [b, atB]) => atA.localeCompare(atB) || a - b);
  if (ordered.length === 0) return ['No scan with results in the window.'];
  const rows = ordered.map(([scanId, at]) => ({ scanId, at, values: columns.map((c) => c.get(scanId)?.value ?? '—') }));
  const kept = rows.filter((row, i) => i === 0 || i === rows.length - 1 || row.values.join('|') !== rows[i - 1]!.values.join('|'));
  const omitted = rows.length - kept.length;
  return [
    `| Scan | Finished | ${headers.join(' | ')} |`,
    `|---|---|${headers.map(() => '---:').join('|')}|`,
    ...kept.map((row) => `| #${row.scanId} | ${utcMinute(row.at)} | ${row.values.join(' | ')} |`),
    ...(omitted > 0 ? ['', `${omitted} ${omitted === 1 ? 'scan' : 'scans'} with no change left out.`] : []),
  ];
}

/** Text safe in a Markdown paragraph or table cell: no markup, no HTML, no line break; bidi controls shown as `<U+202E>`, U+0000 as U+FFFD. */
export function md(text: string): string {
  return visibleText(text)
    .replace(/[\r\n]+/g, ' ')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replace(/[\\`*_[\]|#~]/g, (c) => `\\${c}`);
}

/** A rule file's reference: an autolink when it is a plain web address, else text. */
function reference(link: string): string {
  return /^https?:\/\/[^\s<>]+$/.test(link) ? `<${link}>` : md(link);
}

/** An id as inline code; a backtick in it (never in ppmat's ids) falls back to escaped text. */
function code(text: string): string {
  return /[`\r\n|]/.test(text) ? md(text) : `\`${text}\``;
}
