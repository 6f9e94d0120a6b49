/**
 * Per-environment inventory evidence: what each environment holds (canvas apps, cloud
 * flows, custom connectors, model-driven apps, agents, Power Pages sites) and its Dataverse
 * settings. One document per environment, stored as it is collected (`inventory:{envId}`),
 * so a tenant of 10,000 environments is never in memory at once and an unchanged
 * environment stores no new row.
 *
 * Every section has its own status: a section the API refused (a missing application user
 * in Dataverse, Power Pages refusing service principals) is `unavailable` with the reason,
 * never an empty list. Values the API omits are `null`, never guessed.
 */
import { z } from 'zod';

/** Who a resource belongs to, as the admin API names it. */
export const principalRefSchema = z.object({
  /** Entra object id; null when the API gave none. */
  id: z.string().nullable(),
  displayName: z.string().nullable(),
  /** User, Group, ServicePrincipal, Tenant, ... as sent; null when absent. */
  type: z.string().nullable(),
});
export type PrincipalRef = z.infer<typeof principalRefSchema>;

/** Sharing of one app or flow, from its role assignments (`.../permissions`). */
export const sharingSchema = z.object({
  /** Role assignments to users other than the owner. */
  users: z.number().int().nonnegative(),
  groups: z.number().int().nonnegative(),
  /** A role assignment to the principal type `Tenant`: shared with Everyone. */
  everyone: z.boolean(),
});
export type Sharing = z.infer<typeof sharingSchema>;

export const canvasAppSchema = z.object({
  id: z.string().min(1),
  displayName: z.string(),
  owner: principalRefSchema,
  createdTime: z.string().nullable(),
  lastModifiedTime: z.string().nullable(),
  lastPublishTime: z.string().nullable(),
  /** `sharedUsersCount` / `sharedGroupsCount` of the list (null when absent). */
  sharedUsersCount: z.number().nullable(),
  sharedGroupsCount: z.number().nullable(),
  /** From the app's permissions; null when they were not read. */
  sharing: sharingSchema.nullable(),
  /** `almMode` (`Solution` when the app is solution-aware), null when absent. */
  almMode: z.string().nullable(),
  usesPremiumApi: z.boolean().nullable(),
  /** `executionRestrictions.dataLossPreventionEvaluationResult.status`, null when absent. */
  dlpStatus: z.string().nullable(),
});
export type CanvasApp = z.infer<typeof canvasAppSchema>;

export const cloudFlowSchema = z.object({
  id: z.string().min(1),
  displayName: z.string(),
  /** `Started`, `Stopped`, `Suspended` as sent. */
  state: z.string().nullable(),
  /** `properties.creator.objectId`: the maker; flows have no single owner field. */
  owner: principalRefSchema,
  createdTime: z.string().nullable(),
  lastModifiedTime: z.string().nullable(),
  /** From the flow's permissions; null when they were not read. */
  sharing: sharingSchema.nullable(),
});
export type CloudFlow = z.infer<typeof cloudFlowSchema>;

export const customConnectorSchema = z.object({
  id: z.string().min(1),
  displayName: z.string(),
  owner: principalRefSchema,
  createdTime: z.string().nullable(),
  lastModifiedTime: z.string().nullable(),
});
export type CustomConnector = z.infer<typeof customConnectorSchema>;

/** A model-driven app (Dataverse `appmodules`). */
export const modelDrivenAppSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  uniqueName: z.string().nullable(),
  publishedOn: z.string().nullable(),
  modifiedOn: z.string().nullable(),
});
export type ModelDrivenApp = z.infer<typeof modelDrivenAppSchema>;

/** A Copilot Studio agent (Dataverse `bots`). */
export const agentSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  schemaName: z.string().nullable(),
  /** `statecode`: 0 active, 1 inactive. */
  state: z.number().nullable(),
  publishedOn: z.string().nullable(),
  modifiedOn: z.string().nullable(),
  owner: principalRefSchema,
  /** Option values are UNCONFIRMED (reference capability-signals 3.5): kept as numbers. */
  authenticationMode: z.number().nullable(),
  accessControlPolicy: z.number().nullable(),
});
export type Agent = z.infer<typeof agentSchema>;

export const powerPagesSiteSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  websiteUrl: z.string().nullable(),
  /** `private` | `public` as sent. */
  siteVisibility: z.string().nullable(),
  /** `Production` | `Trial` as sent. */
  type: z.string().nullable(),
  status: z.string().nullable(),
  ownerId: z.string().nullable(),
  createdOn: z.string().nullable(),
});
export type PowerPagesSite = z.infer<typeof powerPagesSiteSchema>;

/** Dataverse organization settings (the one `organizations` row); null fields were not sent. */
export const dataverseOrganizationSchema = z.object({
  auditEnabled: z.boolean().nullable(),
  userAccessAuditEnabled: z.boolean().nullable(),
  readAuditEnabled: z.boolean().nullable(),
  /** `auditretentionperiodv2`, else the legacy `auditretentionperiod` (days). */
  auditRetentionDays: z.number().nullable(),
  ipFirewallEnabled: z.boolean().nullable(),
  ipFirewallAuditMode: z.boolean().nullable(),
  allowedIpRanges: z.array(z.string()),
  cookieBindingEnabled: z.boolean().nullable(),
  cspEnabled: z.boolean().nullable(),
  cspEnabledForCanvas: z.boolean().nullable(),
});
export type DataverseOrganization = z.infer<typeof dataverseOrganizationSchema>;

export const installedSolutionSchema = z.object({
  uniqueName: z.string(),
  friendlyName: z.string().nullable(),
  version: z.string().nullable(),
  isManaged: z.boolean().nullable(),
  installedOn: z.string().nullable(),
});
export type InstalledSolution = z.infer<typeof installedSolutionSchema>;

export const deploymentStageSchema = z.object({
  id: z.string(),
  name: z.string(),
  pipelineId: z.string().nullable(),
  targetEnvironmentId: z.string().nullable(),
  previousStageId: z.string().nullable(),
  /** `predeploymentsteprequired`: a pre-deployment approval gate (UNCONFIRMED column, reference 3.2). */
  approvalRequired: z.boolean().nullable(),
});

export const deploymentPipelineSchema = z.object({
  id: z.string(),
  name: z.string(),
  stages: z.array(deploymentStageSchema),
});
export type DeploymentPipeline = z.infer<typeof deploymentPipelineSchema>;

export const dataverseSettingsSchema = z.object({
  organization: dataverseOrganizationSchema.nullable(),
  /** The solutions ppmat looks for (CoE Starter Kit, ALM Accelerator, Business value, ...) that are installed. */
  solutions: z.array(installedSolutionSchema),
  /** True when the environment hosts Power Platform Pipelines (`deploymentpipelines` answers 200). */
  pipelinesHost: z.boolean(),
  pipelines: z.array(deploymentPipelineSchema),
  /** Successful stage runs in the last 90 days; null when the environment is no pipelines host. */
  successfulRunsLast90Days: z.number().int().nonnegative().nullable(),
});
export type DataverseSettings = z.infer<typeof dataverseSettingsSchema>;

/** The per-environment sections, in the order they are collected and shown. */
export const INVENTORY_SECTIONS = ['canvasApps', 'cloudFlows', 'customConnectors', 'modelDrivenApps', 'agents', 'powerPagesSites', 'dataverse'] as const;
export type InventorySection = (typeof INVENTORY_SECTIONS)[number];

export const sectionDataSchemas = {
  canvasApps: z.array(canvasAppSchema),
  cloudFlows: z.array(cloudFlowSchema),
  customConnectors: z.array(customConnectorSchema),
  modelDrivenApps: z.array(modelDrivenAppSchema),
  agents: z.array(agentSchema),
  powerPagesSites: z.array(powerPagesSiteSchema),
  dataverse: dataverseSettingsSchema,
} as const satisfies Record<InventorySection, z.ZodType>;

export interface SectionDataByKey {
  canvasApps: CanvasApp[];
  cloudFlows: CloudFlow[];
  customConnectors: CustomConnector[];
  modelDrivenApps: ModelDrivenApp[];
  agents: Agent[];
  powerPagesSites: PowerPagesSite[];
  dataverse: DataverseSettings;
}

/**
 * How one section of one environment ended: `ok` with its data; `unavailable` (refused:
 * the reason says what is missing) or `error` (failed); `not_applicable` when the
 * environment cannot hold it (no Dataverse database).
 */
export type SectionResult<K extends InventorySection = InventorySection> =
  | { status: 'ok'; data: SectionDataByKey[K] }
  | { status: 'unavailable' | 'error' | 'not_applicable'; reason: string; errorCode?: string };

const sectionResultSchema = <S extends z.ZodType>(data: S) =>
  z.discriminatedUnion('status', [
    z.object({ status: z.literal('ok'), data }),
    z.object({ status: z.enum(['unavailable', 'error', 'not_applicable']), reason: z.string(), errorCode: z.string().optional() }),
  ]);

/** One environment's inventory document. */
export const environmentInventorySchema = z.object({
  environmentId: z.string().min(1),
  displayName: z.string(),
  type: z.string(),
  sections: z.object({
    canvasApps: sectionResultSchema(sectionDataSchemas.canvasApps),
    cloudFlows: sectionResultSchema(sectionDataSchemas.cloudFlows),
    customConnectors: sectionResultSchema(sectionDataSchemas.customConnectors),
    modelDrivenApps: sectionResultSchema(sectionDataSchemas.modelDrivenApps),
    agents: sectionResultSchema(sectionDataSchemas.agents),
    powerPagesSites: sectionResultSchema(sectionDataSchemas.powerPagesSites),
    dataverse: sectionResultSchema(sectionDataSchemas.dataverse),
  }),
});
export interface EnvironmentInventory {
  environmentId: string;
  displayName: string;
  type: string;
  sections: { [K in InventorySection]: SectionResult<K> };
}

/** Key prefix of the per-environment documents a scan stores as it goes (`inventory:{envId}`). */
export const INVENTORY_PARTITION_PREFIX = 'inventory:';
/** The key of the owner directory document (which owners exist in Entra ID). */
export const OWNERS_PARTITION_KEY = 'inventory-owners';

export function inventoryPartitionKey(environmentId: string): string {
  return `${INVENTORY_PARTITION_PREFIX}${environmentId}`;
}

const sectionCountsSchema = z.object(Object.fromEntries(INVENTORY_SECTIONS.map((s) => [s, z.number().int().nonnegative().nullable()])) as Record<InventorySection, z.ZodNullable<z.ZodNumber>>);

/** How a section went across all environments. */
export const sectionSummarySchema = z.object({
  ok: z.number().int().nonnegative(),
  unavailable: z.number().int().nonnegative(),
  error: z.number().int().nonnegative(),
  notApplicable: z.number().int().nonnegative(),
  /** Up to three distinct reasons for unavailable or failed environments, each with one environment it applies to. */
  reasons: z.array(z.object({ environmentId: z.string(), status: z.string(), reason: z.string() })),
});
export type SectionSummary = z.infer<typeof sectionSummarySchema>;

/** One owner id looked up in Entra ID. */
export const ownerStatusSchema = z.object({
  id: z.string(),
  status: z.enum(['exists', 'deleted', 'unknown']),
  accountEnabled: z.boolean().nullable(),
  /** ISO time of the lookup; results are reused until they are `ownerRecheckDays` old. */
  checkedAt: z.string(),
  reason: z.string().optional(),
});
export type OwnerStatus = z.infer<typeof ownerStatusSchema>;

export const ownerDirectorySchema = z.object({ owners: z.array(ownerStatusSchema) });
export type OwnerDirectory = z.infer<typeof ownerDirectorySchema>;

/**
 * The tenant-level `inventory` evidence: an index of the per-environment documents (with
 * their counts and section statuses) and how the owner lookups went. The documents
 * themselves are stored under `inventory:{envId}`. How much a scan reused from the last one
 * is logged, not stored: an unchanged tenant must give byte-identical evidence.
 */
export const inventoryEvidenceSchema = z.object({
  environments: z.array(
    z.object({
      id: z.string(),
      displayName: z.string(),
      type: z.string(),
      /** Items per section; null when the section is not `ok`. */
      counts: sectionCountsSchema,
      /** sha256 of the environment's stored document. */
      hash: z.string(),
    }),
  ),
  sections: z.object(Object.fromEntries(INVENTORY_SECTIONS.map((s) => [s, sectionSummarySchema])) as Record<InventorySection, typeof sectionSummarySchema>),
  owners: z.object({
    /** Distinct owner ids seen. */
    total: z.number().int().nonnegative(),
    deleted: z.number().int().nonnegative(),
    disabled: z.number().int().nonnegative(),
    unknown: z.number().int().nonnegative(),
    /** Why owners could not be looked up (e.g. a missing Graph permission); null when they could. */
    reason: z.string().nullable(),
  }),
});
export type InventoryEvidence = z.infer<typeof inventoryEvidenceSchema>;
