/**
 * One change in the evidence between two scans of a tenant, in one sentence with the values:
 * what `ppmat diff` prints under the capabilities that flipped, and what the regression
 * detection raises alerts from (the `weaker` ones of severity `critical`).
 */
import type { EvidenceKey } from '../evidence/schemas.js';

export interface EvidenceChange {
  /**
   * Stable identity of the change, the same in every scan pair it appears in, e.g.
   * `tenantIsolation:disabled`, `dlpPolicies:{policyId}:deleted`,
   * `dlpPolicies:{policyId}:uncovers:{environmentId}`, `roleAssignments:{roleId}:{principalId}:added`.
   */
  key: string;
  family: EvidenceKey;
  severity: 'info' | 'warning' | 'critical';
  /** Weaker posture (a regression candidate), stronger, or neither (an inventory change). */
  direction: 'weaker' | 'stronger' | 'neutral';
  /** One sentence naming the resource, e.g. "DLP policy 'Contoso default' no longer covers environment 'Finance Prod'". */
  label: string;
  before?: string;
  after?: string;
}
