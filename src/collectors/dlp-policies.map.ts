/** Raw v2 DLP policy detail → normalized {@link DlpPolicy}. Pure. */
import type { DlpPolicy } from '../evidence/schemas.js';
import type { RawDlpPolicyDetail, RawEndpointRule } from './dlp-policies.raw.js';
import { wireString } from './wire-values.js';

/**
 * Connector group classifications on the wire and the normalized group each fills:
 * Confidential = business, General = non-business (ScubaGear's note, reference 3b).
 */
export const CLASSIFICATION_GROUPS = {
  Confidential: 'business',
  General: 'nonBusiness',
  Blocked: 'blocked',
} as const;

type GroupName = (typeof CLASSIFICATION_GROUPS)[keyof typeof CLASSIFICATION_GROUPS];

/** The rule's endpoint in either casing (`endpoint` or `endPoint`), or null. */
export function endpointOf(rule: RawEndpointRule): string | null {
  return wireString(rule.endpoint) ?? wireString(rule.endPoint);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function isClassification(value: string): value is keyof typeof CLASSIFICATION_GROUPS {
  return Object.hasOwn(CLASSIFICATION_GROUPS, value);
}

/** Maps one policy detail; connectors of unknown classifications are left out rather than guessed. */
export function mapDlpPolicy(raw: RawDlpPolicyDetail): DlpPolicy {
  const def = raw.policyDefinition;
  const groups: Record<GroupName, string[]> = { business: [], nonBusiness: [], blocked: [] };
  for (const group of def.connectorGroups ?? []) {
    if (!isClassification(group.classification)) continue;
    groups[CLASSIFICATION_GROUPS[group.classification]].push(...(group.connectors ?? []).map((connector) => connector.id));
  }
  const configs = raw.connectorConfigurationsDefinition;
  return {
    id: def.name,
    displayName: def.displayName ?? def.name,
    environmentType: def.environmentType,
    environments: (def.environments ?? []).map((environment) => environment.name),
    defaultConnectorsClassification: wireString(def.defaultConnectorsClassification),
    connectorGroups: { business: unique(groups.business), nonBusiness: unique(groups.nonBusiness), blocked: unique(groups.blocked) },
    actionRuleConnectors: unique((configs?.connectorActionConfigurations ?? []).map((config) => config.connectorId)),
    // A configuration counts only when it holds at least one rule with an endpoint.
    endpointRuleConnectors: unique(
      (configs?.endpointConfigurations ?? []).filter((config) => (config.endpointRules ?? []).some((rule) => endpointOf(rule) !== null)).map((config) => config.connectorId),
    ),
    customConnectorPatterns: (raw.customConnectorUrlPatternsDefinition?.rules ?? []).map((rule) => ({
      order: rule.order,
      classification: rule.customConnectorRuleClassification,
      pattern: rule.pattern,
    })),
    createdTime: wireString(def.createdTime),
    lastModifiedTime: wireString(def.lastModifiedTime),
  };
}
