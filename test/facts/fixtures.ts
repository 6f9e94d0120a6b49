/** Small builders for facts tests: a valid environment, DLP policy, Conditional Access policy or principal with overrides. */
import type { ConditionalAccessPolicy, Principal } from '../../src/evidence/graph.schemas.js';
import type { DlpPolicy, Environment } from '../../src/evidence/schemas.js';

const noLimit = { mode: null, maxUsers: null };

export function env(id: string, overrides: Partial<Environment> = {}): Environment {
  return {
    id,
    displayName: id.toUpperCase(),
    type: 'Sandbox',
    isDefault: false,
    region: 'europe',
    createdTime: null,
    hasDataverse: true,
    capacity: null,
    dataverseUrl: null,
    securityGroupId: null,
    environmentGroupId: null,
    protectionLevel: null,
    managed: false,
    sharing: {
      canvasApps: { ...noLimit, groupSharingDisabled: null },
      solutionCloudFlows: { ...noLimit },
      agents: { ...noLimit, authoringSharingDisabled: null },
    },
    solutionCheckerMode: null,
    excludedFromAnalysis: null,
    makerWelcomeContent: null,
    enterprisePolicies: { vnet: false, customerManagedKey: false },
    ...overrides,
  };
}

export function policy(id: string, environmentType: DlpPolicy['environmentType'], environments: string[] = [], overrides: Partial<DlpPolicy> = {}): DlpPolicy {
  return {
    id,
    displayName: id,
    environmentType,
    environments,
    defaultConnectorsClassification: 'General',
    connectorGroups: { business: [], nonBusiness: [], blocked: [] },
    actionRuleConnectors: [],
    endpointRuleConnectors: [],
    customConnectorPatterns: [],
    createdTime: null,
    lastModifiedTime: null,
    ...overrides,
  };
}

/** An enabled Conditional Access policy that targets nobody and nothing, with overrides (nested objects merge). */
export function caPolicy(id: string, overrides: DeepPartialPolicy = {}): ConditionalAccessPolicy {
  return {
    id,
    displayName: overrides.displayName ?? id,
    state: overrides.state ?? 'enabled',
    users: { include: [], exclude: [], includeGroups: [], excludeGroups: [], includeRoles: [], excludeRoles: [], ...overrides.users },
    applications: { include: [], exclude: [], ...overrides.applications },
    grant: { operator: null, builtInControls: [], authenticationStrength: null, ...overrides.grant },
    session: { cloudAppSecurity: false, continuousAccessEvaluation: null, signInFrequency: false, ...overrides.session },
  };
}

type DeepPartialPolicy = {
  [K in keyof ConditionalAccessPolicy]?: ConditionalAccessPolicy[K] extends object ? Partial<ConditionalAccessPolicy[K]> : ConditionalAccessPolicy[K];
};

/** A user principal named `name` (id `u-<name>`). */
export function user(name: string, overrides: Partial<Principal> = {}): Principal {
  return { id: `u-${name.toLowerCase()}`, type: 'user', displayName: name, userPrincipalName: `${name.toLowerCase()}@contoso.example`, ...overrides };
}
