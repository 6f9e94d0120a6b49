/** Small builders for facts tests: a valid environment or DLP policy with overrides. */
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
