/**
 * The Power Platform admin center's security score (Security page), recomputed from the
 * features ppmat reads at tenant level.
 *
 * The admin center scores each security feature by its scope and the environments it
 * reaches, then shows achieved / possible as a percentage labelled Low (0-50), Medium
 * (51-80) or High (81-100); its recommendations are the features still off (Learn: "Security
 * overview" and "Security Hub": tenant isolation and a tenant DLP policy count once per
 * environment, an environment security group one point per environment). IP firewall and
 * cookie binding (per-environment Dataverse settings) and Customer Lockbox (no API) are left
 * out, so this is the part of the score a scan can see, not the admin center's number.
 */
import type { DlpPoliciesEvidence, EnvironmentsEvidence, TenantIsolationEvidence } from '../evidence/schemas.js';

export type SecurityFeature = 'tenantIsolation' | 'dataPolicy' | 'environmentSecurityGroups';

export interface SecurityFeatureScore {
  feature: SecurityFeature;
  /** How a message names the feature. */
  label: string;
  achieved: number;
  possible: number;
}

export type SecurityScoreLabel = 'Low' | 'Medium' | 'High';

export interface SecurityScoreFact {
  features: SecurityFeatureScore[];
  achieved: number;
  possible: number;
  /** achieved / possible as a whole percentage (rounded down); null when nothing can be scored. */
  percent: number | null;
  /** The admin center's label for the percentage; null with it. */
  label: SecurityScoreLabel | null;
  /** Labels of the features with points still to gain: the recommendations not yet acted on. */
  open: string[];
}

/** Upper bounds of the admin center's labels (inclusive). */
export const SECURITY_SCORE_LABELS: readonly [SecurityScoreLabel, number][] = [
  ['Low', 50],
  ['Medium', 80],
  ['High', 100],
];

/** The label of a whole percentage. */
export function securityScoreLabel(percent: number): SecurityScoreLabel {
  return SECURITY_SCORE_LABELS.find(([, upTo]) => percent <= upTo)?.[0] ?? 'High';
}

/**
 * Scores tenant isolation, the tenant DLP policy and environment security groups. A security
 * group can restrict only a non-default environment with a Dataverse database, so those are
 * the environments its points are counted over.
 */
export function deriveSecurityScore(environments: EnvironmentsEvidence, tenantIsolation: TenantIsolationEvidence, dlpPolicies: DlpPoliciesEvidence): SecurityScoreFact {
  const all = environments.environments.length;
  const restrictable = environments.environments.filter((e) => !e.isDefault && e.hasDataverse);
  const features: SecurityFeatureScore[] = [
    { feature: 'tenantIsolation', label: 'tenant isolation', achieved: tenantIsolation.enabled ? all : 0, possible: all },
    { feature: 'dataPolicy', label: 'a tenant data policy', achieved: dlpPolicies.policies.length > 0 ? all : 0, possible: all },
    {
      feature: 'environmentSecurityGroups',
      label: 'environment security groups',
      achieved: restrictable.filter((e) => e.securityGroupId).length,
      possible: restrictable.length,
    },
  ];
  const achieved = features.reduce((sum, f) => sum + f.achieved, 0);
  const possible = features.reduce((sum, f) => sum + f.possible, 0);
  const percent = possible > 0 ? Math.floor((achieved * 100) / possible) : null;
  return {
    features,
    achieved,
    possible,
    percent,
    label: percent === null ? null : securityScoreLabel(percent),
    open: features.filter((f) => f.achieved < f.possible).map((f) => f.label),
  };
}
