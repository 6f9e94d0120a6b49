/**
 * Environment inventory facts: counts by type, security groups, environment groups,
 * enterprise policies. Rules read these instead of filtering the raw list in CEL, so
 * the thresholds and the names in messages come from one tested place.
 */
import type { Environment, EnvironmentsEvidence } from '../evidence/schemas.js';
import type { EnvironmentRef } from './dlp-coverage.fact.js';

export interface EnvironmentsFact {
  count: number;
  /** Environment count per `type` (Production, Sandbox, Developer, Trial, Default, ...). */
  byType: Record<string, number>;
  default: EnvironmentRef | null;
  /** Non-default environments with a Dataverse database: the ones a security group can restrict. */
  nonDefaultDataverseCount: number;
  withSecurityGroupCount: number;
  withoutSecurityGroup: EnvironmentRef[];
  /** Distinct environment group ids in use. */
  environmentGroupIds: string[];
  inGroupCount: number;
  managedCount: number;
  managedInGroupCount: number;
  managedNotInGroup: EnvironmentRef[];
  trial: (EnvironmentRef & { createdTime: string | null })[];
  /** Production environments with Dataverse and their enterprise policies. */
  production: (EnvironmentRef & { vnet: boolean; customerManagedKey: boolean })[];
}

const ref = (e: Environment): EnvironmentRef => ({ id: e.id, displayName: e.displayName, type: e.type });

/** Derives inventory counts and lists from the environment list. */
export function deriveEnvironments(evidence: EnvironmentsEvidence): EnvironmentsFact {
  const all = evidence.environments;
  const byType: Record<string, number> = {};
  for (const e of all) byType[e.type] = (byType[e.type] ?? 0) + 1;
  const defaultEnvironment = all.find((e) => e.isDefault);
  const nonDefaultDataverse = all.filter((e) => !e.isDefault && e.hasDataverse);
  const managed = all.filter((e) => e.managed);
  return {
    count: all.length,
    byType,
    default: defaultEnvironment ? ref(defaultEnvironment) : null,
    nonDefaultDataverseCount: nonDefaultDataverse.length,
    withSecurityGroupCount: nonDefaultDataverse.filter((e) => e.securityGroupId).length,
    withoutSecurityGroup: nonDefaultDataverse.filter((e) => !e.securityGroupId).map(ref),
    environmentGroupIds: [...new Set(all.flatMap((e) => (e.environmentGroupId ? [e.environmentGroupId] : [])))].sort(),
    inGroupCount: all.filter((e) => e.environmentGroupId).length,
    managedCount: managed.length,
    managedInGroupCount: managed.filter((e) => e.environmentGroupId).length,
    managedNotInGroup: managed.filter((e) => !e.environmentGroupId).map(ref),
    trial: all.filter((e) => e.type === 'Trial').map((e) => ({ ...ref(e), createdTime: e.createdTime })),
    production: all
      .filter((e) => e.type === 'Production' && e.hasDataverse)
      .map((e) => ({ ...ref(e), vnet: e.enterprisePolicies.vnet, customerManagedKey: e.enterprisePolicies.customerManagedKey })),
  };
}
