/**
 * Renders the demo tenant's inventory as the admin APIs put it on the wire (reference
 * sections 6a, 6c, 7c, 8a): canvas apps and their role assignments (PowerApps RP), cloud
 * flows and theirs (Flow RP), custom connectors, Power Pages sites and tenant capacity.
 */
import type { SimMaker } from './makers.js';
import type { AppRole, FlowRole, SimApp, SimCustomConnector, SimFlow, SimRoleAssignment, SimWebsite } from './inventory-model.js';
import type { SimEnvironment, TenantModel } from './tenant-model.js';

const APPS_ADMIN_SCOPE = '/providers/Microsoft.PowerApps/scopes/admin/environments/';

/** A user principal as the PowerApps RP sends `owner` (reference 6a). */
function userPrincipal(maker: SimMaker, tenantId: string): Record<string, string> {
  return { id: maker.id, displayName: maker.displayName, email: maker.userPrincipalName, type: 'User', tenantId, userPrincipalName: maker.userPrincipalName };
}

/** One item of `GET .../scopes/admin/environments/{env}/apps` (reference 6a). */
export function canvasAppPayload(app: SimApp, env: SimEnvironment, tenantId: string): Record<string, unknown> {
  const solution = app.almMode === 'Solution';
  return {
    name: app.name,
    id: `${APPS_ADMIN_SCOPE}${env.name}/apps/${app.name}`,
    type: 'Microsoft.PowerApps/scopes/admin/apps',
    tags: { primaryFormFactor: app.formFactor, publisherVersion: '3.24104.21' },
    properties: {
      appVersion: app.lastModifiedTime,
      lifeCycleId: 'Published',
      status: 'Ready',
      displayName: app.displayName,
      description: '',
      owner: userPrincipal(app.owner, tenantId),
      createdBy: { id: app.owner.id, displayName: app.owner.displayName, email: app.owner.userPrincipalName, type: 'User', tenantId, userPrincipalName: app.owner.userPrincipalName },
      lastModifiedBy: { id: app.lastModifiedBy.id, displayName: app.lastModifiedBy.displayName, email: app.lastModifiedBy.userPrincipalName, type: 'User', tenantId, userPrincipalName: app.lastModifiedBy.userPrincipalName },
      lastPublishedBy: { id: app.lastModifiedBy.id, displayName: app.lastModifiedBy.displayName, type: 'User', tenantId },
      createdTime: app.createdTime,
      lastModifiedTime: app.lastModifiedTime,
      lastPublishTime: app.lastPublishTime,
      sharedUsersCount: app.sharedUsers,
      sharedGroupsCount: app.sharedGroups,
      appOpenUri: `https://apps.powerapps.com/play/e/${env.name}/a/${app.name}?tenantId=${tenantId}`,
      connectionReferences: {},
      isFeaturedApp: false,
      bypassConsent: false,
      isHeroApp: false,
      environment: { id: `/providers/Microsoft.PowerApps/environments/${env.name}`, name: env.name, location: env.location },
      almMode: app.almMode,
      executionRestrictions: {
        isTeamsOnly: false,
        dataLossPreventionEvaluationResult: { status: app.dlpStatus, lastEvaluationDate: app.lastModifiedTime, violations: [], violationsByPolicy: [] },
      },
      appPlanClassification: app.usesPremiumApi ? 'Premium' : 'Standard',
      usesPremiumApi: app.usesPremiumApi,
      usesCustomApi: false,
      usesOnPremiseGateway: false,
    },
    ...(solution ? { logicalName: `cr${app.name.slice(-3)}_${app.displayName.toLowerCase().replace(/[^a-z0-9]/g, '')}_${app.name.slice(9, 13)}` } : {}),
    appLocation: env.location,
    isAppComponentLibrary: false,
    appType: 'ClassicCanvasApp',
  };
}

/** One item of `GET .../apps/{app}/permissions` (reference 6a). The principal of `Tenant` is Everyone. */
export function appPermissionPayload(assignment: SimRoleAssignment<AppRole>, app: SimApp, env: SimEnvironment, tenantId: string): Record<string, unknown> {
  const principal = appPrincipal(assignment, tenantId);
  return {
    name: `${principal['id']}`,
    id: `${APPS_ADMIN_SCOPE}${env.name}/apps/${app.name}/permissions/${principal['id']}`,
    type: 'Microsoft.PowerApps/apps/permissions',
    properties: {
      roleName: assignment.roleName,
      principal,
      scope: `/providers/Microsoft.PowerApps/apps/${app.name}`,
      notifyShareTargetOption: 'Notify',
      inviteGuestToTenant: false,
    },
  };
}

function appPrincipal(assignment: SimRoleAssignment<AppRole>, tenantId: string): Record<string, unknown> {
  const p = assignment.principal;
  if (p.kind === 'User') return { id: p.maker.id, displayName: p.maker.displayName, email: p.maker.userPrincipalName, type: 'User', tenantId };
  if (p.kind === 'Group') return { id: p.group.id, displayName: p.group.displayName, email: p.group.mail, type: 'Group', tenantId };
  return { id: tenantId, displayName: 'Everyone', email: null, type: 'Tenant', tenantId };
}

/** One item of `GET .../Microsoft.ProcessSimple/scopes/admin/environments/{env}/flows` (reference 6c). */
export function cloudFlowPayload(flow: SimFlow, env: SimEnvironment, tenantId: string): Record<string, unknown> {
  return {
    name: flow.name,
    id: `/providers/Microsoft.ProcessSimple/environments/${env.name}/flows/${flow.name}`,
    type: 'Microsoft.ProcessSimple/environments/flows',
    properties: {
      apiId: '/providers/Microsoft.PowerApps/apis/shared_logicflows',
      displayName: flow.displayName,
      userType: 'Owner',
      state: flow.state,
      createdTime: flow.createdTime,
      lastModifiedTime: flow.lastModifiedTime,
      creator: { tenantId, objectId: flow.creator.id, userId: flow.creator.id, userType: 'ActiveDirectory' },
      environment: { name: env.name, type: 'Microsoft.ProcessSimple/environments', id: `/providers/Microsoft.ProcessSimple/environments/${env.name}` },
      provisioningMethod: 'FromDefinition',
      flowFailureAlertSubscribed: false,
      isManaged: false,
    },
  };
}

/** One item of `GET .../flows/{flow}/permissions` (reference 6c). */
export function flowPermissionPayload(assignment: SimRoleAssignment<FlowRole>, flow: SimFlow, env: SimEnvironment, tenantId: string): Record<string, unknown> {
  const p = assignment.principal;
  const principal = p.kind === 'Group' ? { id: p.group.id, type: 'Group', tenantId } : p.kind === 'User' ? { id: p.maker.id, type: 'User', tenantId } : { id: tenantId, type: 'Tenant', tenantId };
  return {
    name: principal.id,
    id: `/providers/Microsoft.ProcessSimple/environments/${env.name}/flows/${flow.name}/permissions/${principal.id}`,
    type: 'Microsoft.ProcessSimple/environments/flows/permissions',
    properties: { roleName: assignment.roleName, permissionType: 'Principal', principal },
  };
}

/** One item of `GET .../scopes/admin/environments/{env}/apis` (custom connectors only). */
export function customConnectorPayload(connector: SimCustomConnector, env: SimEnvironment): Record<string, unknown> {
  return {
    name: connector.name,
    id: `${APPS_ADMIN_SCOPE}${env.name}/apis/${connector.name}`,
    type: 'Microsoft.PowerApps/apis',
    properties: {
      displayName: connector.displayName,
      iconUri: 'https://az787822.vo.msecnd.net/defaulticons/api-dedicated.png',
      isCustomApi: true,
      createdTime: connector.createdTime,
      changedTime: connector.changedTime,
      createdBy: { id: connector.createdBy.id, displayName: connector.createdBy.displayName, type: 'User' },
      tier: 'Premium',
      environment: { id: `/providers/Microsoft.PowerApps/environments/${env.name}`, name: env.name },
    },
  };
}

/** One `WebsiteDto` of `GET /powerpages/environments/{env}/websites` (reference 8a). */
export function websitePayload(site: SimWebsite, env: SimEnvironment, model: TenantModel, dataverseUrl: string, organizationId: string): Record<string, unknown> {
  return {
    id: site.name,
    name: site.displayName,
    websiteUrl: `https://${site.subdomain}.powerappsportals.com`,
    subdomain: site.subdomain,
    customHostNames: [],
    siteVisibility: site.visibility,
    type: site.type,
    status: 'OperationComplete',
    packageInstallStatus: 'Installed',
    packageVersion: '9.6.9.25',
    templateName: 'DefaultPortalTemplate',
    ownerId: site.owner.id,
    createdOn: site.createdOn,
    tenantId: model.tenantId,
    environmentId: env.name,
    environmentName: env.displayName,
    dataverseInstanceUrl: dataverseUrl,
    dataverseOrganizationId: organizationId,
    websiteRecordId: site.websiteRecordId,
    applicationUserAadAppId: site.applicationUserAadAppId,
    isCustomErrorEnabled: false,
    isEarlyUpgradeEnabled: false,
    selectedBaseLanguage: 1033,
    trialExpiringInDays: site.type === 'Trial' ? 21 : null,
    suspendedWebsiteDeletingInDays: null,
  };
}

/** `GET /licensing/tenantCapacity` (reference 7c): Dataverse capacity grows with the environments that have a database. */
export function tenantCapacityPayload(model: TenantModel): Record<string, unknown> {
  const databases = model.environments.filter((env) => env.dataverse).length;
  const use = model.posture.inventory.capacityUse;
  const updatedOn = model.asOf;
  const capacity = (capacityType: 'Database' | 'File' | 'Log', total: number, ratio: number): Record<string, unknown> => {
    const actual = Math.round(total * ratio * 100) / 100;
    return {
      capacityType,
      capacityUnits: 'MB',
      totalCapacity: total,
      maxCapacity: total,
      consumption: { actual, rated: actual, actualUpdatedOn: updatedOn, ratedUpdatedOn: updatedOn },
      status: ratio >= 1 ? 'Overage' : 'Available',
      overflowCapacity: [],
      capacityEntitlements: [
        {
          capacityType,
          capacitySubType: 'OrganizationBase',
          totalCapacity: total,
          maxNextLifecycleCapacity: total,
          licenses: [
            {
              entitlementCode: 'CDS_ORG_BASE',
              displayName: 'Dataverse default capacity',
              servicePlanId: 'f4a1f2b3-0c0d-4e5f-9a8b-7c6d5e4f3a21',
              skuId: '6fd2c87f-b296-42f0-b197-1e91e994b900',
              paid: { enabled: 1, warning: 0, suspended: 0 },
              trial: { enabled: 0, warning: 0, suspended: 0 },
              totalCapacity: total,
              capabilityStatus: 'Enabled',
            },
          ],
        },
      ],
    };
  };
  const database = 10_240 + 1_024 * databases;
  return {
    tenantId: model.tenantId,
    licenseModelType: 'StorageDriven',
    capacitySummary: {
      status: use >= 0.95 ? 'Warning' : 'Available',
      statusMessage: use >= 0.95 ? 'Your organization is close to its Dataverse capacity.' : 'Your organization has available capacity.',
      statusMessageCode: use >= 0.95 ? 'CapacityNearLimit' : 'CapacityAvailable',
      finOpsStatus: 'Available',
      finOpsStatusMessage: '',
      finOpsStatusMessageCode: 'None',
    },
    tenantCapacities: [capacity('Database', database, use), capacity('File', 20_480 + 2_048 * databases, use * 0.6), capacity('Log', 2_048 + 256 * databases, use * 0.3)],
  };
}
