/**
 * The roadmap to the next level: for each scored area, the statements not yet met at the
 * levels up to the next one, each with what would flip it: the fix of its failing checks
 * (remediation and links), the evidence that could not be collected, or the attestation a
 * person must record (`ppmat attest`).
 */
import type { CompiledCheck } from '../rules/rule-set.js';
import type { CheckResult, Outcome } from '../rules/types.js';
import { requiredMet } from './score-areas.js';
import { LEVELS, type AreaScore, type Assessment, type Capability, type CapabilityResult, type CapabilityStatus, type Level } from './types.js';

/** One thing to do for a missing statement. */
export interface RoadmapAction {
  /** fix: make a failing check pass; collect: give ppmat the evidence it lacks; attest: a person records the statement. */
  kind: 'fix' | 'collect' | 'attest';
  text: string;
  checkId?: string;
  references?: string[];
}

export interface RoadmapItem {
  capabilityId: string;
  level: Level;
  statement: string;
  assessment: Assessment;
  status: CapabilityStatus;
  reason: string;
  /** What the checks that evidence it found, in one sentence each. */
  checks: { checkId: string; outcome: Outcome; message: string }[];
  actions: RoadmapAction[];
}

export interface RoadmapStep {
  area: AreaScore['area'];
  currentLevel: Level;
  /** null when the area is already at 500. */
  nextLevel: Level | null;
  missing: RoadmapItem[];
  /** Per level up to the next one that is not reached yet: statements met, how many are needed, and of how many. */
  shortfall: { level: Level; met: number; required: number; total: number }[];
}

export interface RoadmapInputs {
  catalogue: readonly Capability[];
  checks: readonly CompiledCheck[];
  checkResults: readonly CheckResult[];
  capabilityResults: readonly CapabilityResult[];
  areaScores: readonly AreaScore[];
  /** The level threshold the scores were computed with (1: every statement). */
  threshold?: number;
}

/** The statements missing for each area's next level, with what to do about each. */
export function roadmap(inputs: RoadmapInputs): RoadmapStep[] {
  const byId = new Map(inputs.capabilityResults.map((r) => [r.capabilityId, r]));
  const results = new Map(inputs.checkResults.map((r) => [r.checkId, r]));
  return inputs.areaScores.map((score) => {
    const nextLevel = score.level < 500 ? ((score.level + 100) as Level) : null;
    const missing =
      nextLevel === null
        ? []
        : inputs.catalogue
            .filter((c) => c.area === score.area && !c.floor && c.level <= nextLevel)
            .map((c) => ({ c, r: byId.get(c.id) }))
            .filter(({ r }) => r?.status !== 'met')
            .map(({ c, r }) => item(c, r, inputs.checks.filter((check) => check.capabilities.includes(c.id)), results));
    const shortfall =
      nextLevel === null
        ? []
        : LEVELS.filter((level) => level > 100 && level <= nextLevel).flatMap((level) => {
            const atLevel = inputs.catalogue.filter((c) => c.area === score.area && !c.floor && c.level === level);
            const met = atLevel.filter((c) => byId.get(c.id)?.status === 'met').length;
            const required = requiredMet(atLevel.length, inputs.threshold ?? 1);
            return met < required ? [{ level, met, required, total: atLevel.length }] : [];
          });
    return { area: score.area, currentLevel: score.level, nextLevel, missing, shortfall };
  });
}

function item(capability: Capability, result: CapabilityResult | undefined, checks: readonly CompiledCheck[], results: ReadonlyMap<string, CheckResult>): RoadmapItem {
  const status = result?.status ?? 'unknown';
  const judged = checks.flatMap((check) => {
    const r = results.get(check.id);
    return r ? [{ check, result: r }] : [];
  });
  const actions: RoadmapAction[] = [];
  for (const { check, result: r } of judged) {
    if (r.outcome === 'fail') actions.push({ kind: 'fix', text: check.remediation, checkId: check.id, references: check.references });
    else if (r.outcome === 'unknown') actions.push({ kind: 'collect', text: r.message, checkId: check.id });
  }
  // A person's word is needed for what no check decides, and to confirm a hybrid signal.
  if (capability.assessment !== 'automated' && status !== 'not_met') {
    const verb = capability.assessment === 'hybrid' && status === 'indicated' ? 'confirm' : 'state';
    actions.push({
      kind: 'attest',
      text: `A CoE member can ${verb} it: ppmat attest --capability ${capability.id} --outcome met --statement "<how it is done, with a link>" --by <name>`,
    });
  }
  if (actions.length === 0 && checks.length === 0) actions.push({ kind: 'attest', text: `No check evidences it yet: ppmat attest --capability ${capability.id} --outcome met --statement "<...>" --by <name>` });
  return {
    capabilityId: capability.id,
    level: capability.level,
    statement: capability.statement,
    assessment: capability.assessment,
    status,
    reason: result?.reason ?? 'Not scored.',
    checks: judged.map(({ check, result: r }) => ({ checkId: check.id, outcome: r.outcome, message: r.message })),
    actions,
  };
}
