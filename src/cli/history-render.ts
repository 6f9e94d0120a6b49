/**
 * What `ppmat history`, `ppmat diff` and `ppmat prune` print for people: compact tables of
 * levels and adoption per scan, and the changes between two scans in sentences. Pure.
 */
import type { Adoption } from '../history/adoption.js';
import type { RetentionPolicy } from '../history/retention-policy.js';
import type { ScanDiff } from '../history/scan-diff.js';
import type { AdoptionPoint, AreaTrend, CapabilityTrendPoint, HistoryScan } from '../store/history-repository.js';
import type { PruneResult } from '../store/retention.js';
import { minute } from './history-args.js';

export interface TenantHistory {
  tenantId: string;
  tenantName: string;
  /** Every scan started in the range, any status. */
  scans: HistoryScan[];
  areas: AreaTrend[];
  /** With --capability: the statement and its status per scan. */
  capability?: { id: string; statement: string; points: CapabilityTrendPoint[] };
  adoption: AdoptionPoint[];
}

export interface HistoryView {
  /** Area display names by id, in the model's order. */
  areaNames: ReadonlyMap<string, string>;
  /** What the range was, for the heading: "since 2026-01-01", "all". */
  rangeText: string;
}

export function renderHistory(history: TenantHistory, view: HistoryView): string {
  const lines = [`${history.tenantName}  (tenant ${history.tenantId})`];
  const results = history.areas[0]?.points.length ?? history.capability?.points.length ?? history.adoption.length;
  const others = history.scans.filter((s) => s.status !== 'succeeded' && s.status !== 'partial');
  lines.push(
    `${count(history.scans.length, 'scan')} ${view.rangeText}: ${results} with results` +
      (others.length > 0 ? `, ${others.length} without (${others.map((s) => `#${s.id} ${s.status}`).join(', ')})` : '') +
      '.',
  );
  if (results === 0) return [...lines, 'Nothing to show yet: run `ppmat scan` (or wait for the nightly scan).'].join('\n');
  lines.push('');
  if (history.capability) {
    lines.push(`${history.capability.id}: ${history.capability.statement}`);
    lines.push(...textTable(['Scan', 'Finished (UTC)', 'Status', 'Reason'], history.capability.points.map((p) => [`#${p.scanId}`, minute(p.finishedAt), p.status, p.reason])));
  } else {
    lines.push('Levels per area (a range where unknown statements leave it open)');
    lines.push(...levelTable(history.areas, view.areaNames));
  }
  const adoption = history.adoption.filter((p): p is AdoptionPoint & { adoption: Adoption } => p.adoption !== null);
  if (adoption.length > 0) {
    lines.push('', 'Adoption');
    lines.push(...adoptionTable(adoption));
  }
  return lines.join('\n');
}

/** One row per scan, one column per area: `300`, or `200-300` when unknowns leave it open. */
function levelTable(areas: readonly AreaTrend[], names: ReadonlyMap<string, string>): string[] {
  const ordered = [...areas].sort((a, b) => order(names, a.area) - order(names, b.area));
  const rows = new Map<number, { finishedAt: Date; cells: Map<string, string> }>();
  for (const trend of ordered) {
    for (const point of trend.points) {
      const row = rows.get(point.scanId) ?? { finishedAt: point.finishedAt, cells: new Map<string, string>() };
      row.cells.set(trend.area, point.maxLevel > point.level ? `${point.level}-${point.maxLevel}` : String(point.level));
      rows.set(point.scanId, row);
    }
  }
  const header = ordered.length === 1 ? [names.get(ordered[0]!.area) ?? ordered[0]!.area] : ordered.map((t) => t.area);
  const body = [...rows.entries()]
    .sort(([, a], [, b]) => a.finishedAt.getTime() - b.finishedAt.getTime())
    .map(([id, row]) => [`#${id}`, minute(row.finishedAt), ...ordered.map((t) => row.cells.get(t.area) ?? '-')]);
  return textTable(['Scan', 'Finished (UTC)', ...header], body);
}

const ADOPTION_COLUMNS: readonly [string, (a: Adoption) => number | null][] = [
  ['Environments', (a) => a.environments?.total ?? null],
  ['Makers', (a) => a.makers],
  ['Canvas apps', (a) => a.canvasApps],
  ['Flows', (a) => a.cloudFlows],
  ['Model-driven', (a) => a.modelDrivenApps],
  ['Agents', (a) => a.agents],
  ['Connectors', (a) => a.customConnectors],
  ['Sites', (a) => a.powerPagesSites],
  ['Shared with Everyone', (a) => a.sharedWithEveryone],
];

function adoptionTable(points: readonly (AdoptionPoint & { adoption: Adoption })[]): string[] {
  const cell = (value: number | null) => (value === null ? '-' : String(value));
  return textTable(
    ['Scan', 'Finished (UTC)', ...ADOPTION_COLUMNS.map(([name]) => name)],
    points.map((p) => [`#${p.scanId}`, minute(p.finishedAt), ...ADOPTION_COLUMNS.map(([, value]) => cell(value(p.adoption)))]),
  );
}

const ARROW = { up: '↑', down: '↓' } as const;

export function renderDiff(diff: ScanDiff): string {
  const lines = [
    `${diff.tenantName}  (tenant ${diff.tenantId})`,
    `Scan #${diff.before.id} (${minute(diff.before.at)} UTC, ${diff.before.status}) → scan #${diff.after.id} (${minute(diff.after.at)} UTC, ${diff.after.status})`,
  ];
  if (diff.ruleSetChanged) {
    lines.push(
      `Note: the scans were judged by different rule sets (${diff.before.ruleSetVersion} → ${diff.after.ruleSetVersion}): levels, capabilities and checks may have moved with the rules, not the tenant.`,
    );
  }
  const nothing = diff.levels.length + diff.capabilities.length + diff.checks.length + diff.evidence.length === 0;
  if (nothing) return [...lines, '', 'No change: both scans judged the tenant alike and saw the same evidence.'].join('\n');
  const section = (title: string, items: readonly string[]) => {
    if (items.length > 0) lines.push('', `${title} (${items.length})`, ...items.map((item) => `  ${item}`));
  };
  section('Levels moved', diff.levels.map((l) => `${ARROW[l.direction]} ${l.label}`));
  section('Capabilities flipped', diff.capabilities.map((c) => `${ARROW[c.direction]} ${c.label}`));
  section('Checks changed', diff.checks.map((c) => `${ARROW[c.direction]} ${c.label}`));
  section('Evidence changes', diff.evidence.map((e) => `[${e.severity}] ${e.direction === 'neutral' ? '' : `${e.direction}: `}${e.label}`));
  return lines.join('\n');
}

/** Deletions listed by `ppmat prune`, at most. */
const LISTED = 20;

export function renderPrune(result: PruneResult, policy: RetentionPolicy): string {
  const { plan } = result;
  const lines = [`Retention: every scan for ${policy.weeklyAfterDays} days, then one a week per tenant, none after ${policy.keepDays} days.`];
  const verb = result.dryRun ? 'Would delete' : 'Deleted';
  const evidence = result.sweepSkipped
    ? `no evidence document (${result.sweepSkipped})`
    : `${count(result.deletedEvidence, 'evidence document')} no kept scan references`;
  lines.push(`${verb} ${count(result.deletedScans, 'scan')} and ${evidence}; ${plan.kept} kept.`);
  for (const d of plan.delete.slice(0, LISTED)) lines.push(`  #${d.scanId} (tenant ${d.tenantId}): ${d.reason}`);
  if (plan.delete.length > LISTED) lines.push(`  … and ${plan.delete.length - LISTED} more.`);
  if (plan.protected.length > 0) {
    lines.push(`Kept although the policy would delete them (${plan.protected.length}):`);
    for (const p of plan.protected.slice(0, LISTED)) lines.push(`  ${p.reason}`);
    if (plan.protected.length > LISTED) lines.push(`  … and ${plan.protected.length - LISTED} more.`);
  }
  if (result.dryRun) lines.push('Dry run: nothing was deleted.');
  return lines.join('\n');
}

function order(names: ReadonlyMap<string, string>, area: string): number {
  const index = [...names.keys()].indexOf(area);
  return index === -1 ? Number.MAX_SAFE_INTEGER : index;
}

function count(n: number, singular: string): string {
  return `${n} ${n === 1 ? singular : `${singular}s`}`;
}

/** Columns padded to their widest cell, the last one left free. */
function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)];
}
