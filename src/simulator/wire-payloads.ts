/**
 * Renders the demo tenant as the admin APIs put it on the wire: the raw shapes of the
 * reference (sections 1a, 2, 3b, 4, 5, 7a, 7b), never ppmat's normalized evidence. Values that the
 * real API sends as strings (`extendedSettings`) are strings here too.
 */
import { dataverseApiHost } from './dataverse-host.js';
import type { SimDlpPolicy, SimConnector } from './dlp-model.js';
import type { SimAdvisorRecommendation, SimEnvironmentGroup, SimPolicyAssignment } from './governance-model.js';
import type { SimEnvironment, TenantModel } from './tenant-model.js';

const ENVIRONMENT_ID_PREFIX = '/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments/';
const ENVIRONMENT_TYPE = 'Microsoft.BusinessAppPlatform/scopes/environments';
const SYSTEM_USER = { id: '00000000-0000-0000-0000-000000000000', displayName: 'SYSTEM', type: 'NotSpecified' };

/**
 * The Dataverse Web API URL the environment list gives (`instanceApiUrl`): a real-looking
 * `https://{org}.api.crm4.dynamics.com`, the same whatever port the simulator listens on, so
 * evidence is identical between simulators. ppmat reaches it through its Dataverse proxy
 * setting (`endpoints.dataverse`), which sends `https://{host}/path` to
 * `{simulator}/dataverse/{host}/path` (`dataverse-routes.ts`).
 */
export { dataverseApiHost };

export function dataverseInstanceUrl(_baseUrl: string, env: SimEnvironment): string {
  return env.dataverse ? `https://${dataverseApiHost(env.dataverse.uniqueName)}` : '';
}


/** One item of `GET .../scopes/admin/environments` (reference 1a); `baseUrl` is the simulator's origin. */
export function environmentPayload(env: SimEnvironment, tenantId: string, baseUrl: string, options: { capacity?: boolean } = {}): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    tenantId,
    azureRegion: env.azureRegion,
    displayName: env.displayName,
    description: '',
    createdTime: env.createdTime,
    createdBy: env.isDefault ? SYSTEM_USER : { id: '9d4b1a47-4d0c-4b1f-8b59-1f4c2b6c0e11', displayName: 'Power Platform Admin', type: 'User', tenantId },
    lastModifiedTime: env.createdTime,
    provisioningState: 'Succeeded',
    creationType: env.isDefault ? 'DefaultTenant' : 'User',
    environmentSku: env.sku,
    isDefault: env.isDefault,
    clientUris: {
      admin: `https://admin.powerplatform.microsoft.com/environments/environment/${env.name}/hub`,
      maker: `https://make.powerapps.com/environments/${env.name}/home`,
    },
    runtimeEndpoints: {
      'microsoft.BusinessAppPlatform': `https://${env.location}.api.bap.microsoft.com`,
      'microsoft.PowerApps': `https://${env.location}.api.powerapps.com`,
      'microsoft.Flow': `https://${env.location}.api.flow.microsoft.com`,
    },
    databaseType: env.dataverse ? 'CommonDataService' : 'None',
    retentionPeriod: 'P7D',
    states: { management: { id: 'Ready' }, runtime: { id: 'Enabled' } },
    updateCadence: { id: 'Frequent' },
    protectionStatus: { keyManagedBy: env.cmkPolicyId ? 'Customer' : 'Microsoft' },
    connectedGroups: [],
    governanceConfiguration: env.extendedSettings
      ? { protectionLevel: env.protectionLevel, settings: { extendedSettings: { ...env.extendedSettings } } }
      : { protectionLevel: env.protectionLevel },
    bingChatEnabled: false,
  };
  if (options.capacity) properties['capacity'] = environmentCapacity(env);
  if (env.dataverse) {
    properties['linkedEnvironmentMetadata'] = {
      resourceId: env.dataverse.uniqueName,
      friendlyName: env.displayName,
      uniqueName: env.dataverse.uniqueName,
      domainName: env.dataverse.uniqueName,
      version: '9.2.24101.00180',
      instanceUrl: env.dataverse.instanceUrl,
      instanceApiUrl: dataverseInstanceUrl(baseUrl, env),
      baseLanguage: 1033,
      instanceState: 'Ready',
      createdTime: env.createdTime,
      securityGroupId: env.dataverse.securityGroupId,
      platformSku: 'Standard',
      schemaType: 'Standard',
    };
  }
  if (env.environmentGroupId) properties['parentEnvironmentGroup'] = { id: env.environmentGroupId };
  const enterprisePolicies: Record<string, unknown> = {};
  if (env.vnetPolicyId) enterprisePolicies['vnets'] = enterprisePolicyLink(env.vnetPolicyId, env.location, 'vnet');
  if (env.cmkPolicyId) enterprisePolicies['customerManagedKeys'] = enterprisePolicyLink(env.cmkPolicyId, env.location, 'cmk');
  if (Object.keys(enterprisePolicies).length > 0) properties['enterprisePolicies'] = enterprisePolicies;
  return { id: `${ENVIRONMENT_ID_PREFIX}${env.name}`, type: ENVIRONMENT_TYPE, location: env.location, name: env.name, properties };
}

function enterprisePolicyLink(policyId: string, location: string, kind: string): Record<string, string> {
  return {
    policyId,
    location,
    id: `/subscriptions/8c1a2e5f-0d2b-4e0a-9a8f-3b7e5c6d1f20/resourceGroups/pp-${kind}/providers/Microsoft.PowerPlatform/enterprisePolicies/${kind}-policy`,
    systemId: `/regions/${location}/providers/Microsoft.PowerPlatform/enterprisePolicies/${policyId}`,
    linkStatus: 'Linked',
  };
}

/** The body of `POST .../listTenantSettings` (reference 2, shape of ScubaGear's sample export). */
export function tenantSettingsPayload(model: TenantModel): Record<string, unknown> {
  const restrict = model.posture.restrictEnvironmentCreation;
  const hardened = model.posture.extraTenantHardening;
  return {
    walkMeOptOut: false,
    disableNPSCommentsReachout: false,
    disableNewsletterSendout: false,
    disableEnvironmentCreationByNonAdminUsers: restrict,
    disablePortalsCreationByNonAdminUsers: hardened,
    disableSurveyFeedback: false,
    disableSurveyScreenshots: false,
    disableUserInitiatedFeedback: false,
    disableTrialEnvironmentCreationByNonAdminUsers: restrict,
    disableCapacityAllocationByEnvironmentAdmins: hardened,
    disableSupportTicketsVisibleByAllUsers: restrict,
    disableM365Consent: false,
    powerPlatform: {
      search: { disableDocsSearch: false, disableCommunitySearch: false, disableBingVideoSearch: false },
      teamsIntegration: { shareWithColleaguesUserLimit: hardened ? 100 : 10000 },
      powerApps: {
        disableShareWithEveryone: model.posture.disableShareWithEveryone,
        enableGuestsToMake: !restrict,
        disableMakerMatch: false,
        disableUnusedLicenseAssignment: false,
        disableCreateFromImage: false,
        disableCreateFromFigma: false,
        enableCanvasAppInsights: hardened,
        disableConnectionSharingWithEveryone: hardened,
        allowNewOrgChannelDefault: true,
        disableCopilot: false,
        enablePlanDesignerCopresence: false,
        enableM365FeaturesForMakers: false,
      },
      powerAutomate: { disableCopilot: false, disableCopilotWithBing: false, disableFlowRunResubmission: false, enableComputerUseSharedMachines: false },
      environments: { disablePreferredDataLocationForTeamsEnvironment: false },
      governance: {
        disableAdminDigest: false,
        disableDeveloperEnvironmentCreationByNonAdminUsers: restrict,
        enableDefaultEnvironmentRouting: hardened,
        policy: { enableDesktopFlowDataPolicyManagement: hardened },
        environmentRoutingAllMakers: false,
      },
      licensing: {
        disableBillingPolicyCreationByNonAdminUsers: restrict,
        enableTenantCapacityReportForEnvironmentAdmins: false,
        storageCapacityConsumptionWarningThreshold: 85,
        enableTenantLicensingReportForEnvironmentAdmins: false,
        enableTenantSummaryReportForEnvironmentAdmins: false,
        disableUseOfUnassignedAIBuilderCredits: false,
      },
      powerPages: { enableGenerativeAIFeaturesForSiteUsers: 'All', enableExternalAuthenticationProvidersInPowerPages: 'All' },
      champions: { disableChampionsInvitationReachout: false, disableSkillsMatchInvitationReachout: false },
      intelligence: { disableCopilot: false, enableOpenAiBotPublishing: false, disableCopilotFeedback: false, disableCopilotFeedbackMetadata: false, disableAiPrompts: false },
      modelExperimentation: { enableModelDataSharing: false, disableDataLogging: false },
      catalogSettings: { powerCatalogAudienceSetting: 'All' },
      userManagementSettings: { enableDeleteDisabledUserinAllEnvironments: false },
      helpSupportSettings: { disableHelpSupportCopilot: false, useSupportBingSearchByAllUsers: true },
      gccCommercialSettings: { disableGccCommercialAccess: true },
      businessResearchAgent: {},
      securitySettings: {},
    },
  };
}

function connectorRef(c: SimConnector): Record<string, string> {
  return { id: c.id, name: c.name, type: 'Microsoft.PowerApps/apis' };
}

/** `policyDefinition` as the list sends it: no connector groups (reference pitfall 2). */
function policyDefinition(policy: SimDlpPolicy): Record<string, unknown> {
  return {
    name: policy.name,
    displayName: policy.displayName,
    defaultConnectorsClassification: policy.defaultConnectorsClassification,
    environmentType: policy.environmentType,
    environments: policy.environments.map((env) => ({ id: `${ENVIRONMENT_ID_PREFIX}${env.name}`, name: env.name, type: ENVIRONMENT_TYPE })),
    etag: `${policy.name.slice(0, 8)}-etag`,
    createdBy: { displayName: 'Power Platform Admin' },
    createdTime: policy.createdTime,
    lastModifiedBy: { displayName: 'Power Platform Admin' },
    lastModifiedTime: policy.lastModifiedTime,
    isLegacySchemaVersion: false,
  };
}

/** One item of `GET .../v2/policies`. */
export function dlpListItemPayload(policy: SimDlpPolicy): Record<string, unknown> {
  return { policyDefinition: policyDefinition(policy) };
}

/** `GET .../v2/policies/{name}`: the definition with connector groups, connector rules and URL patterns (reference 3b). */
export function dlpDetailPayload(policy: SimDlpPolicy): Record<string, unknown> {
  const byConnector = <T extends { connectorId: string }>(rules: T[]): Map<string, T[]> => {
    const map = new Map<string, T[]>();
    for (const rule of rules) map.set(rule.connectorId, [...(map.get(rule.connectorId) ?? []), rule]);
    return map;
  };
  return {
    policyDefinition: {
      ...policyDefinition(policy),
      connectorGroups: (['Confidential', 'General', 'Blocked'] as const).map((classification) => ({ classification, connectors: policy.groups[classification].map(connectorRef) })),
    },
    connectorConfigurationsDefinition: {
      connectorActionConfigurations: [...byConnector(policy.actionRules)].map(([connectorId, rules]) => ({
        connectorId,
        actionRules: rules.map((rule) => ({ actionId: rule.actionId, behavior: rule.behavior })),
        defaultConnectorActionRuleBehavior: 'Allow',
      })),
      // `endPoint` with a capital P, as in the terraform provider's recorded fixture.
      endpointConfigurations: [...byConnector(policy.endpointRules)].map(([connectorId, rules]) => ({
        connectorId,
        endpointRules: rules.map((rule, index) => ({ order: index + 1, behavior: rule.behavior, endPoint: rule.endpoint })),
      })),
    },
    customConnectorUrlPatternsDefinition: {
      rules: policy.customPatterns.map((rule) => ({ order: rule.order, customConnectorRuleClassification: rule.classification, pattern: rule.pattern })),
    },
  };
}

/** `GET .../tenantIsolationPolicy`, or null when never configured (the server answers 404). */
export function tenantIsolationPayload(model: TenantModel): Record<string, unknown> | null {
  if (!model.tenantIsolation) return null;
  return {
    properties: {
      tenantId: model.tenantId,
      isDisabled: model.tenantIsolation.isDisabled,
      allowedTenants: model.tenantIsolation.allowedTenants.map((t) => ({ tenantId: t.tenantId, direction: { inbound: t.inbound, outbound: t.outbound } })),
    },
  };
}

/** The admin who created the demo's groups, as the Power Platform API's `Principal`. */
function adminPrincipal(tenantId: string): Record<string, string> {
  return {
    id: '9d4b1a47-4d0c-4b1f-8b59-1f4c2b6c0e11',
    displayName: 'Power Platform Admin',
    email: 'ppadmin@contoso.example',
    tenantId,
    type: 'User',
    userPrincipalName: 'ppadmin@contoso.example',
  };
}

/** One item of `GET /environmentmanagement/environmentGroups` (reference 7a). */
export function environmentGroupPayload(group: SimEnvironmentGroup, tenantId: string): Record<string, unknown> {
  return {
    id: group.id,
    displayName: group.displayName,
    description: group.description,
    parentGroupId: null,
    childrenGroupIds: [],
    createdTime: group.createdTime,
    createdBy: adminPrincipal(tenantId),
    lastModifiedTime: group.createdTime,
    lastModifiedBy: adminPrincipal(tenantId),
  };
}

/** One item of `GET /governance/ruleBasedPolicies/environmentGroups/{id}/assignments` (terraform's DTO, reference 5). */
export function policyAssignmentPayload(assignment: SimPolicyAssignment, group: SimEnvironmentGroup, tenantId: string): Record<string, unknown> {
  return { policyId: assignment.policyId, resourceId: group.id, resourceType: 'EnvironmentGroup', ruleSetCount: assignment.ruleSetCount, tenantId };
}

/** One item of `GET /analytics/advisorRecommendations` (reference 7b). */
export function advisorRecommendationPayload(recommendation: SimAdvisorRecommendation): Record<string, unknown> {
  return {
    scenario: recommendation.scenario,
    details: {
      resourceCount: recommendation.resourceCount,
      lastRefreshedTimestamp: recommendation.lastRefreshedTimestamp,
      expectedNextRefreshTimestamp: recommendation.expectedNextRefreshTimestamp,
    },
  };
}

/**
 * `properties.capacity` (reference 1a, sent under `$expand=properties.capacity`): Dataverse
 * storage per type, derived from the environment's name so it is the same on every scan.
 */
function environmentCapacity(env: SimEnvironment): Record<string, unknown>[] {
  if (!env.dataverse) return [];
  let hash = 0;
  for (const char of env.name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  const mb = (base: number, spread: number): number => Math.round((base + (hash % spread)) * 100) / 100;
  const updatedOn = env.createdTime;
  return [
    { capacityType: 'Database', actualConsumption: mb(400, 1600), ratedConsumption: mb(500, 1600), capacityUnit: 'MB', updatedOn },
    { capacityType: 'File', actualConsumption: mb(100, 900), ratedConsumption: mb(100, 900), capacityUnit: 'MB', updatedOn },
    { capacityType: 'Log', actualConsumption: mb(5, 90), ratedConsumption: mb(5, 90), capacityUnit: 'MB', updatedOn },
  ];
}
