/**
 * A loaded, compiled rule set: the checks, the model catalogue and a content version.
 * Built once by `loadRuleSet` and passed explicitly to whoever evaluates (no module state).
 */
import type { EvidenceKey } from '../evidence/schemas.js';
import type { FactName } from '../facts/index.js';
import type { Area, Capability } from '../scoring/types.js';
import type { Severity } from './types.js';
import type { CompiledCel } from './cel.js';
import type { CheckParameter } from './parameters.js';
import type { CompiledTemplate } from './template.js';

export interface CompiledCheck {
  id: string;
  version: number;
  title: string;
  capabilities: string[];
  inverseOf: string[];
  severity: Severity;
  /** Declared parameters (`params.<name>`), with their defaults. */
  parameters: CheckParameter[];
  /** The evidence keys named in `requires`. */
  requiredEvidence: EvidenceKey[];
  /** The facts named in `requires` (without the `facts.` prefix). */
  requiredFacts: FactName[];
  /** Every evidence family the check depends on, directly or through its facts, in a stable order. */
  evidenceKeys: EvidenceKey[];
  /** Evidence families its facts read when collected but do not need (not in `evidenceKeys`); never a reason for unknown. */
  optionalEvidenceKeys: EvidenceKey[];
  applies?: CompiledCel;
  known?: CompiledCel;
  expr: CompiledCel;
  actual: { name: string; expr: CompiledCel }[];
  messages: { pass: CompiledTemplate; fail: CompiledTemplate; notApplicable?: CompiledTemplate; unknown?: CompiledTemplate };
  remediation: string;
  references: string[];
  /** The file it was loaded from. */
  file: string;
}

export interface AreaInfo {
  id: Area;
  name: string;
}

export interface RuleSet {
  /** First 12 hex digits of a sha256 over every check and model file (path and content, sorted by path). */
  version: string;
  checks: CompiledCheck[];
  catalogue: Capability[];
  areas: AreaInfo[];
  /** The rules folder, then each custom pack, as absolute paths (where cases files are found). */
  dirs: string[];
}
