/**
 * DLP coverage: which data policies cover which environment.
 *
 * The policy scope rules follow ScubaGear's MS.POWERPLATFORM.2.1v1/2.2v1 logic:
 * `AllEnvironments` covers every environment, `OnlyEnvironments` covers the listed ones,
 * `ExceptEnvironments` covers every environment except the listed ones. Rules need
 * the result per environment (to name the uncovered ones), which CEL cannot compute
 * readably, so it is derived here once.
 */
import type { DlpPolicy, DlpPoliciesEvidence, Environment, EnvironmentsEvidence } from '../evidence/schemas.js';

export interface EnvironmentRef {
  id: string;
  displayName: string;
  type: string;
}

export interface DlpCoverageFact {
  /** The default environment and the policies covering it; null when the tenant listed no default environment. */
  defaultEnvironment: { id: string; displayName: string; covered: boolean; policies: string[] } | null;
  /** Every environment with the display names of the policies that cover it. */
  coverage: (EnvironmentRef & { isDefault: boolean; policies: string[] })[];
  /** Environments no policy covers. */
  uncovered: EnvironmentRef[];
  coveredCount: number;
  environmentCount: number;
  policyCount: number;
  /** Display names of policies with connector action rules. */
  policiesWithActionRules: string[];
  /** Display names of policies with connector endpoint rules. */
  policiesWithEndpointRules: string[];
}

/** True when the policy's scope includes the environment (by environment name, i.e. `id`). */
export function policyCovers(policy: DlpPolicy, environmentId: string): boolean {
  return scopeOf(policy)(environmentId);
}

/**
 * The policy's scope as a test of an environment id: the listed names are lowercased once
 * into a set, so 50 policies over 10,000 environments are not 500,000 scans of their lists.
 */
function scopeOf(policy: DlpPolicy): (environmentId: string) => boolean {
  const names = new Set(policy.environments.map((name) => name.toLowerCase()));
  return (environmentId) => covers(policy, names.has(environmentId.toLowerCase()));
}

function covers(policy: DlpPolicy, listed: boolean): boolean {
  switch (policy.environmentType) {
    case 'AllEnvironments':
      return true;
    case 'OnlyEnvironments':
      return listed;
    case 'ExceptEnvironments':
      return !listed;
  }
}

const ref = (environment: Environment): EnvironmentRef => ({
  id: environment.id,
  displayName: environment.displayName,
  type: environment.type,
});

/** Derives DLP coverage from the environment list and the DLP policies. */
export function deriveDlpCoverage(environments: EnvironmentsEvidence, dlp: DlpPoliciesEvidence): DlpCoverageFact {
  const scopes = dlp.policies.map((policy) => ({ displayName: policy.displayName, covers: scopeOf(policy) }));
  const coverage = environments.environments.map((environment) => ({
    ...ref(environment),
    isDefault: environment.isDefault,
    policies: scopes.filter((scope) => scope.covers(environment.id)).map((scope) => scope.displayName),
  }));
  const defaultEntry = coverage.find((entry) => entry.isDefault);
  const uncovered = coverage.filter((entry) => entry.policies.length === 0).map(({ id, displayName, type }) => ({ id, displayName, type }));
  return {
    defaultEnvironment: defaultEntry
      ? { id: defaultEntry.id, displayName: defaultEntry.displayName, covered: defaultEntry.policies.length > 0, policies: defaultEntry.policies }
      : null,
    coverage,
    uncovered,
    coveredCount: coverage.length - uncovered.length,
    environmentCount: coverage.length,
    policyCount: dlp.policies.length,
    policiesWithActionRules: dlp.policies.filter((p) => p.actionRuleConnectors.length > 0).map((p) => p.displayName),
    policiesWithEndpointRules: dlp.policies.filter((p) => p.endpointRuleConnectors.length > 0).map((p) => p.displayName),
  };
}
