/**
 * Capability statements and area levels.
 */
import type { Outcome } from '../rules/types.js';

export const AREAS = [
  'strategy',
  'business-value',
  'security',
  'governance',
  'operations',
  'community',
  'responsible-ai',
  'automation',
  'fusion-teams',
] as const;
export type Area = (typeof AREAS)[number];

export const LEVELS = [100, 200, 300, 400, 500] as const;
export type Level = (typeof LEVELS)[number];

/** How a statement is assessed. */
export type Assessment = 'automated' | 'attested' | 'hybrid';

/** One capability statement of the maturity model. */
export interface Capability {
  /** Stable id: `{area}.{level}.{slug}`, e.g. `governance.300.tiered-environments`. */
  id: string;
  area: Area;
  level: Level;
  /** The model's wording, in short. */
  statement: string;
  assessment: Assessment;
  /** For hybrid statements: a failing signal fails the statement (`necessary`) or leaves it unknown (`hint`). */
  signal?: 'necessary' | 'hint';
  /** Level-100 statements describe an absence: they are the floor, not goals, and are not scored. */
  floor?: boolean;
  /** Added by an organization's rule pack, not a statement of Microsoft's model. */
  custom?: boolean;
}

/**
 * A capability's status in one scan.
 * `met`: every check passed, or a person attested it.
 * `indicated`: a hybrid's signal passed, waiting for a person: counts toward the upper end of the range.
 * `not_met`: a check (or a necessary signal) failed.
 * `unknown`: evidence missing, or an attestation still due.
 */
export type CapabilityStatus = 'met' | 'indicated' | 'not_met' | 'unknown';

export interface CapabilityResult {
  capabilityId: string;
  area: Area;
  level: Level;
  status: CapabilityStatus;
  /** Why, in one sentence (from the checks or the attestation). */
  reason: string;
  /** The check ids and their outcomes behind this status. */
  checks: { checkId: string; outcome: Outcome }[];
  attestation?: Attestation;
}

/** A person's statement that a capability is in place (or, with `outcome: not_met`, that it is not): who, when, why, until when. */
export interface Attestation {
  capabilityId: string;
  by: string;
  at: string;
  reason: string;
  /** ISO date after which the attestation no longer counts. */
  expires?: string;
  /** `met` when absent (ppmat.yaml attestations only say what is in place); `not_met` makes the statement not met, with `reason`. */
  outcome?: 'met' | 'not_met';
  /** Where the evidence is (a document, a ticket), when the person gave one. */
  evidenceUrl?: string;
}

export interface AreaScore {
  area: Area;
  /** The highest level whose statements, and all lower levels' statements, are met (100 is the floor). */
  level: Level;
  /** The highest level reachable if every unknown or indicated statement turned out met. */
  maxLevel: Level;
  met: number;
  total: number;
  unknown: number;
  /** E.g. "200; up to 300 if the 2 unknown statements are met". */
  summary: string;
}
