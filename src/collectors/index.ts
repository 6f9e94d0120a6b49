/**
 * The collectors of this build, in the order of `EVIDENCE_KEYS`, so scans and their
 * progress lines always read the same way.
 */
import { createAdvisorRecommendationsCollector } from './advisor-recommendations.collector.js';
import { createConditionalAccessCollector } from './conditional-access.collector.js';
import { createDlpPoliciesCollector, type DlpPoliciesCollectorOptions } from './dlp-policies.collector.js';
import { createEnvironmentGroupsCollector, type EnvironmentGroupsCollectorOptions } from './environment-groups.collector.js';
import { createEnvironmentsCollector } from './environments.collector.js';
import { createIdentityGovernanceCollector } from './identity-governance.collector.js';
import { createOrganizationCollector } from './organization.collector.js';
import { createPimSchedulesCollector } from './pim-schedules.collector.js';
import { createRoleAssignmentsCollector } from './role-assignments.collector.js';
import { createTenantIsolationCollector } from './tenant-isolation.collector.js';
import { createTenantSettingsCollector } from './tenant-settings.collector.js';
import type { Collector } from './types.js';
import type { InventoryConfig } from '../config/config-schema.js';
import { createInventoryCollector } from './inventory/inventory.collector.js';
import { createSectionCollectors } from './inventory/sections.js';

/** The inventory collector with its seven sections, set up from the tenant's inventory config. */
function inventoryCollector(config: Partial<InventoryConfig>): Collector<'inventory'> {
  return createInventoryCollector({
    sections: createSectionCollectors({
      ...(config.permissionConcurrency !== undefined ? { permissionConcurrency: config.permissionConcurrency } : {}),
      ...(config.appPermissions !== undefined ? { appPermissions: config.appPermissions } : {}),
      ...(config.flowPermissions !== undefined ? { flowPermissions: config.flowPermissions } : {}),
    }),
    ...(config.environmentConcurrency !== undefined ? { environmentConcurrency: config.environmentConcurrency } : {}),
    ...(config.ownerRecheckDays !== undefined ? { ownerRecheckDays: config.ownerRecheckDays } : {}),
    ...(config.lookUpOwners !== undefined ? { lookUpOwners: config.lookUpOwners } : {}),
  });
}

export interface CollectorsOptions {
  dlpPolicies?: DlpPoliciesCollectorOptions;
  environmentGroups?: EnvironmentGroupsCollectorOptions;
  /** The inventory's settings (config `tenants[].inventory`); the defaults when absent. */
  inventory?: Partial<InventoryConfig>;
}

/**
 * Creates every collector: the four Power Platform admin ones (environments, tenantSettings,
 * dlpPolicies, tenantIsolation), then the Microsoft Graph ones (conditionalAccess,
 * roleAssignments, pimSchedules), then the Power Platform API ones (environmentGroups,
 * advisorRecommendations).
 */
export function createCollectors(options: CollectorsOptions = {}): Collector[] {
  return [
    createEnvironmentsCollector(),
    createTenantSettingsCollector(),
    createDlpPoliciesCollector(options.dlpPolicies),
    createTenantIsolationCollector(),
    createConditionalAccessCollector(),
    createRoleAssignmentsCollector(),
    createPimSchedulesCollector(),
    createEnvironmentGroupsCollector(options.environmentGroups),
    createAdvisorRecommendationsCollector(),
    inventoryCollector(options.inventory ?? {}),
    createOrganizationCollector(),
    createIdentityGovernanceCollector(),
  ];
}

export {
  createAdvisorRecommendationsCollector,
  createConditionalAccessCollector,
  createDlpPoliciesCollector,
  createEnvironmentGroupsCollector,
  createEnvironmentsCollector,
  createIdentityGovernanceCollector,
  createOrganizationCollector,
  createPimSchedulesCollector,
  createRoleAssignmentsCollector,
  createTenantIsolationCollector,
  createTenantSettingsCollector,
};
