/**
 * The pure middle of the pipeline: evidence snapshot -> derived facts -> check results ->
 * capability statuses -> area levels. No I/O, so any stored snapshot can be replayed
 * through a newer rule set and a snapshot file is a golden test.
 */
import type { EvidenceSnapshot } from '../evidence/snapshot.js';
import { deriveFacts, type StreamedFacts } from '../facts/index.js';
import { evaluateChecks } from '../rules/evaluate.js';
import type { ResolvedParameters } from '../rules/parameters.js';
import type { RuleSet } from '../rules/rule-set.js';
import type { CheckResult } from '../rules/types.js';
import { scoreAreas, type ScoringOptions } from '../scoring/score-areas.js';
import { scoreCapabilities } from '../scoring/score-capabilities.js';
import type { AreaScore, Attestation, CapabilityResult } from '../scoring/types.js';

export interface Judgement {
  checkResults: CheckResult[];
  capabilityResults: CapabilityResult[];
  areaScores: AreaScore[];
}

export interface EvaluateOptions {
  /** Facts folded while collecting (the inventory). */
  streamed?: StreamedFacts;
  /** The tenant's parameter values; the checks' defaults when absent. */
  parameters?: ResolvedParameters;
  scoring?: ScoringOptions;
}

export function evaluateSnapshot(ruleSet: RuleSet, snapshot: EvidenceSnapshot, attestations: Attestation[], now: Date, options: EvaluateOptions = {}): Judgement {
  const facts = deriveFacts(snapshot, options.streamed ?? {});
  const checkResults = evaluateChecks(ruleSet, snapshot, facts, options.parameters);
  const capabilityResults = scoreCapabilities(ruleSet.catalogue, checkResults, attestations, now);
  const areaScores = scoreAreas(ruleSet.catalogue, capabilityResults, options.scoring);
  return { checkResults, capabilityResults, areaScores };
}
