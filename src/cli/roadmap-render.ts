/**
 * `ppmat roadmap` output: per area, the current level, the next one, and for each statement
 * that stands between them what would flip it, in plain lines a CoE can hand out.
 */
import type { RoadmapStep } from '../scoring/roadmap.js';
import type { TargetProgress } from '../scoring/targets.js';

const STATUS: Record<string, string> = { not_met: 'not met', unknown: 'unknown', indicated: 'indicated, to confirm', met: 'met' };
const KIND: Record<string, string> = { fix: 'Fix', collect: 'Collect', attest: 'Attest' };

/** "3 statements to go", or with a threshold below 1 "2 more of the 5 open statements to meet". */
function toGo(step: RoadmapStep): string {
  const needed = step.shortfall.reduce((sum, s) => sum + (s.required - s.met), 0);
  const open = step.missing.length;
  if (needed === open) return `${open} ${open === 1 ? 'statement' : 'statements'} to go`;
  const perLevel = step.shortfall.map((s) => `${s.level}: ${s.met} of ${s.total} met, ${s.required} needed`).join('; ');
  return `${needed} more of the ${open} open statements to meet; ${perLevel}`;
}

export function renderRoadmap(
  steps: readonly RoadmapStep[],
  options: { tenantName: string; areaNames: ReadonlyMap<string, string>; targets?: readonly TargetProgress[]; asOf?: string },
): string {
  const lines = [`Roadmap of ${options.tenantName}${options.asOf ? `, as of ${options.asOf}` : ''}`, ''];
  for (const step of steps) {
    const target = options.targets?.find((t) => t.area === step.area);
    const name = `${options.areaNames.get(step.area) ?? step.area}${target ? ` [${target.summary}]` : ''}`;
    if (step.nextLevel === null) {
      lines.push(`${name}: ${step.currentLevel}, the top level.`, '');
      continue;
    }
    lines.push(`${name}: ${step.currentLevel} → ${step.nextLevel} (${toGo(step)})`);
    for (const item of step.missing) {
      lines.push(`  [${item.level}] ${item.statement} (${item.capabilityId}; ${STATUS[item.status] ?? item.status})`);
      for (const check of item.checks) lines.push(`        ${check.checkId}: ${check.message}`);
      for (const action of item.actions) {
        lines.push(`      ${KIND[action.kind] ?? action.kind}: ${action.text}`);
        for (const link of action.references ?? []) lines.push(`        ${link}`);
      }
    }
    lines.push('');
  }
  return lines.join('\n').trimEnd();
}
