/**
 * `ppmat roadmap` output: per area, the current level, the next one, and for each statement
 * that stands between them what would flip it, in plain lines a CoE can hand out.
 */
import type { RoadmapStep } from '../scoring/roadmap.js';

const STATUS: Record<string, string> = { not_met: 'not met', unknown: 'unknown', indicated: 'indicated, to confirm', met: 'met' };
const KIND: Record<string, string> = { fix: 'Fix', collect: 'Collect', attest: 'Attest' };

export function renderRoadmap(steps: readonly RoadmapStep[], options: { tenantName: string; areaNames: ReadonlyMap<string, string> }): string {
  const lines = [`Roadmap of ${options.tenantName}`, ''];
  for (const step of steps) {
    const name = options.areaNames.get(step.area) ?? step.area;
    if (step.nextLevel === null) {
      lines.push(`${name}: ${step.currentLevel}, the top level.`, '');
      continue;
    }
    lines.push(`${name}: ${step.currentLevel} → ${step.nextLevel} (${step.missing.length} ${step.missing.length === 1 ? 'statement' : 'statements'} to go)`);
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
