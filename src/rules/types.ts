/**
 * Check results: what one automated check concluded about one scan's evidence.
 */

/** A closed set. Only `pass` and `attested` count as met. */
export type Outcome = 'pass' | 'fail' | 'unknown' | 'not_applicable' | 'attested';

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export interface CheckResult {
  checkId: string;
  checkVersion: number;
  title: string;
  /** The model capability ids this check evidences. */
  capabilities: string[];
  severity: Severity;
  outcome: Outcome;
  /** One full sentence naming the resource, with the actual values. */
  message: string;
  /** The values the check judged, by name (plain JSON). */
  actual: Record<string, unknown>;
  /** The evidence families the check read. */
  evidenceKeys: string[];
  remediation?: string;
}
