/**
 * `ppmat rules stats`: how much of the maturity model a scan can speak to. Per area, the scored
 * statements (levels 200-500; level 100 is the floor) by assessment, and the share a scan
 * evidences alone (automated) or with a person (hybrid). Issue 4 sets the bar for the whole
 * catalogue at 45%.
 */
import type { RuleSet } from '../rules/rule-set.js';
import type { Area, Assessment } from '../scoring/types.js';

export interface AssessmentCounts {
  /** Statements of levels 200-500. */
  statements: number;
  automated: number;
  hybrid: number;
  attested: number;
  /** (automated + hybrid) / statements; null when there are no statements. */
  share: number | null;
}

export interface AreaStats extends AssessmentCounts {
  area: Area;
  name: string;
}

export interface RulesStats {
  /** In the model's area order (areas.yaml), areas without statements included. */
  areas: AreaStats[];
  overall: AssessmentCounts;
}

/** Counts the scored statements of `ruleSet`'s catalogue per area and overall. Pure. */
export function rulesStats(ruleSet: Pick<RuleSet, 'areas' | 'catalogue'>): RulesStats {
  const scored = ruleSet.catalogue.filter((c) => c.level > 100);
  return {
    areas: ruleSet.areas.map(({ id, name }) => ({ area: id, name, ...countOf(scored.filter((c) => c.area === id).map((c) => c.assessment)) })),
    overall: countOf(scored.map((c) => c.assessment)),
  };
}

function countOf(assessments: readonly Assessment[]): AssessmentCounts {
  const count = (kind: Assessment) => assessments.filter((a) => a === kind).length;
  const automated = count('automated');
  const hybrid = count('hybrid');
  const statements = assessments.length;
  return { statements, automated, hybrid, attested: count('attested'), share: statements === 0 ? null : (automated + hybrid) / statements };
}

/** `47.1%`, or `-` without statements. */
export function formatShare(share: number | null): string {
  return share === null ? '-' : `${(share * 100).toFixed(1)}%`;
}

/** The table `ppmat rules stats` prints: one row per area, a total row, then the overall share in a sentence. */
export function renderRulesStats(stats: RulesStats): string {
  const header = ['Area', 'Statements', 'Automated', 'Hybrid', 'Attested', 'Automated or hybrid'];
  const row = (name: string, c: AssessmentCounts) => [name, String(c.statements), String(c.automated), String(c.hybrid), String(c.attested), formatShare(c.share)];
  const rows = [...stats.areas.map((a) => row(a.name, a)), row('All areas', stats.overall)];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // The area name is left-aligned, the numbers right-aligned.
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const { overall } = stats;
  return [
    line(header),
    rule,
    ...rows.slice(0, -1).map(line),
    rule,
    line(rows.at(-1)!),
    '',
    `${overall.automated + overall.hybrid} of ${overall.statements} statements of levels 200-500 (${formatShare(overall.share)}) are automated or hybrid: ` +
      `${overall.automated} automated, ${overall.hybrid} hybrid, ${overall.attested} attested.`,
  ].join('\n');
}
