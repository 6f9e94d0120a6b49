/**
 * Normalized evidence: the plain-JSON documents that collectors produce and rules read.
 *
 * Why normalized: the admin APIs return strings for numbers and booleans
 * (`extendedSettings`), wrap fields in `properties`/`policyDefinition`, and
 * spell the same field two ways (`endpoint`/`endPoint`). Rules should never
 * have to know that, so collectors map raw payloads to these shapes and the
 * schemas below validate the result once.
 *
 * Every value that an API may omit is `null` here, never a guessed default:
 * a missing setting is *unknown*, not *false*.
 */
import { z } from 'zod';
import {
  conditionalAccessEvidenceSchema,
  pimSchedulesEvidenceSchema,
  roleAssignmentsEvidenceSchema,
  type ConditionalAccessEvidence,
  type PimSchedulesEvidence,
  type RoleAssignmentsEvidence,
} from './graph.schemas.js';
import {
  advisorRecommendationsEvidenceSchema,
  environmentGroupsEvidenceSchema,
  type AdvisorRecommendationsEvidence,
  type EnvironmentGroupsEvidence,
} from './governance.schemas.js';
import { inventoryEvidenceSchema, type InventoryEvidence } from './inventory.schemas.js';
import { identityGovernanceEvidenceSchema, organizationEvidenceSchema, type IdentityGovernanceEvidence, type OrganizationEvidence } from './identity.schemas.js';

/** The evidence families this build collects. The key is also the name rules use in CEL. */
export const EVIDENCE_KEYS = [
  'environments',
  'tenantSettings',
  'dlpPolicies',
  'tenantIsolation',
  'conditionalAccess',
  'roleAssignments',
  'pimSchedules',
  'environmentGroups',
  'advisorRecommendations',
  'inventory',
  'organization',
  'identityGovernance',
] as const;
export type EvidenceKey = (typeof EVIDENCE_KEYS)[number];

/** Sharing limit of one resource kind (canvas apps, solution cloud flows, agents) in a managed environment. */
export const sharingLimitSchema = z.object({
  /** Wire value of `limitSharingMode`: `noLimit`, `excludeSharingToSecurityGroups`, `disableSharing`, or null when absent. */
  mode: z.string().nullable(),
  /** `maxLimitUserSharing` as a number; -1 means no limit; null when absent or not a number. */
  maxUsers: z.number().nullable(),
});
export type SharingLimit = z.infer<typeof sharingLimitSchema>;

export const environmentSchema = z.object({
  /** The environment name (a GUID, or `Default-{tenantId}` for the default environment). */
  id: z.string().min(1),
  displayName: z.string(),
  /** `environmentSku`: Production, Sandbox, Trial, Developer, Default, Teams, ... (kept as sent). */
  type: z.string(),
  isDefault: z.boolean(),
  region: z.string().nullable(),
  createdTime: z.string().nullable(),
  /** True when the environment has a Dataverse database (`linkedEnvironmentMetadata` present). */
  hasDataverse: z.boolean(),
  /**
   * Storage the environment uses, per capacity type (Database, File, Log), from
   * `$expand=properties.capacity`; null when the API sent none.
   */
  capacity: z
    .array(z.object({ type: z.string(), actual: z.number().nullable(), rated: z.number().nullable(), unit: z.string().nullable(), updatedOn: z.string().nullable() }))
    .nullable()
    .default(null),
  /** The Dataverse Web API host (`instanceApiUrl`, else `instanceUrl`) without a trailing slash; null without Dataverse. */
  dataverseUrl: z.string().nullable().default(null),
  /** `linkedEnvironmentMetadata.securityGroupId`, null when none is set. */
  securityGroupId: z.string().nullable(),
  /** `parentEnvironmentGroup.id`, null when the environment is in no group. */
  environmentGroupId: z.string().nullable(),
  /** `governanceConfiguration.protectionLevel` as sent (`Standard` = managed), null when absent. */
  protectionLevel: z.string().nullable(),
  /** True when `protectionLevel == "Standard"`. */
  managed: z.boolean(),
  sharing: z.object({
    canvasApps: sharingLimitSchema.extend({ groupSharingDisabled: z.boolean().nullable() }),
    solutionCloudFlows: sharingLimitSchema,
    agents: sharingLimitSchema.extend({ authoringSharingDisabled: z.boolean().nullable() }),
  }),
  /** `solutionCheckerMode`: none, warn, block; null when absent. */
  solutionCheckerMode: z.string().nullable(),
  /** Weekly digest: `excludeEnvironmentFromAnalysis` as a boolean; null when absent. */
  excludedFromAnalysis: z.boolean().nullable(),
  /**
   * Maker welcome content (`makerOnboardingUrl` / `makerOnboardingMarkdown`, a managed
   * environment setting): true when either is set, false when the API sent them empty, null
   * when it sent neither (unknown, not absent content).
   */
  makerWelcomeContent: z.boolean().nullable().default(null),
  enterprisePolicies: z.object({
    vnet: z.boolean(),
    customerManagedKey: z.boolean(),
  }),
});
export type Environment = z.infer<typeof environmentSchema>;

export const environmentsEvidenceSchema = z.object({
  environments: z.array(environmentSchema),
});
export type EnvironmentsEvidence = z.infer<typeof environmentsEvidenceSchema>;

/**
 * Tenant settings are kept as the API sent them (a nested JSON object): the key set
 * grows over time and a missing key must read as unknown, so rules test it with `has()`.
 */
export const tenantSettingsEvidenceSchema = z.record(z.string(), z.unknown());
export type TenantSettingsEvidence = z.infer<typeof tenantSettingsEvidenceSchema>;

export const dlpPolicySchema = z.object({
  id: z.string().min(1),
  displayName: z.string(),
  /** AllEnvironments | ExceptEnvironments | OnlyEnvironments */
  environmentType: z.enum(['AllEnvironments', 'ExceptEnvironments', 'OnlyEnvironments']),
  /** Environment names listed by the policy (included for OnlyEnvironments, excluded for ExceptEnvironments). */
  environments: z.array(z.string()),
  /** General (non-business), Confidential (business) or Blocked. */
  defaultConnectorsClassification: z.string().nullable(),
  connectorGroups: z.object({
    business: z.array(z.string()),
    nonBusiness: z.array(z.string()),
    blocked: z.array(z.string()),
  }),
  /** Connectors with action rules (`connectorActionConfigurations`). */
  actionRuleConnectors: z.array(z.string()),
  /** Connectors with endpoint rules (`endpointConfigurations`). */
  endpointRuleConnectors: z.array(z.string()),
  /** Custom connector URL pattern rules, in order. */
  customConnectorPatterns: z.array(z.object({ order: z.number(), classification: z.string(), pattern: z.string() })),
  createdTime: z.string().nullable(),
  lastModifiedTime: z.string().nullable(),
});
export type DlpPolicy = z.infer<typeof dlpPolicySchema>;

export const dlpPoliciesEvidenceSchema = z.object({
  policies: z.array(dlpPolicySchema),
});
export type DlpPoliciesEvidence = z.infer<typeof dlpPoliciesEvidenceSchema>;

export const tenantIsolationEvidenceSchema = z.object({
  /** False when the API answered 404 (never configured). */
  configured: z.boolean(),
  /** True when configured and `isDisabled == false`. */
  enabled: z.boolean(),
  allowedTenants: z.array(z.object({ tenantId: z.string(), inbound: z.boolean(), outbound: z.boolean() })),
});
export type TenantIsolationEvidence = z.infer<typeof tenantIsolationEvidenceSchema>;

/** The schema of each evidence family's data, by key. */
export const evidenceDataSchemas = {
  environments: environmentsEvidenceSchema,
  tenantSettings: tenantSettingsEvidenceSchema,
  dlpPolicies: dlpPoliciesEvidenceSchema,
  tenantIsolation: tenantIsolationEvidenceSchema,
  conditionalAccess: conditionalAccessEvidenceSchema,
  roleAssignments: roleAssignmentsEvidenceSchema,
  pimSchedules: pimSchedulesEvidenceSchema,
  environmentGroups: environmentGroupsEvidenceSchema,
  advisorRecommendations: advisorRecommendationsEvidenceSchema,
  inventory: inventoryEvidenceSchema,
  organization: organizationEvidenceSchema,
  identityGovernance: identityGovernanceEvidenceSchema,
} as const satisfies Record<EvidenceKey, z.ZodType>;

export interface EvidenceDataByKey {
  environments: EnvironmentsEvidence;
  tenantSettings: TenantSettingsEvidence;
  dlpPolicies: DlpPoliciesEvidence;
  tenantIsolation: TenantIsolationEvidence;
  conditionalAccess: ConditionalAccessEvidence;
  roleAssignments: RoleAssignmentsEvidence;
  pimSchedules: PimSchedulesEvidence;
  environmentGroups: EnvironmentGroupsEvidence;
  advisorRecommendations: AdvisorRecommendationsEvidence;
  inventory: InventoryEvidence;
  organization: OrganizationEvidence;
  identityGovernance: IdentityGovernanceEvidence;
}
