/**
 * The collectors of this build, in the order of `EVIDENCE_KEYS`, so scans and their
 * progress lines always read the same way.
 */
import { createAdvisorRecommendationsCollector } from './advisor-recommendations.collector.js';
import { createConditionalAccessCollector } from './conditional-access.collector.js';
import { createDlpPoliciesCollector, type DlpPoliciesCollectorOptions } from './dlp-policies.collector.js';
import { createEnvironmentGroupsCollector, type EnvironmentGroupsCollectorOptions } from './environment-groups.collector.js';
import { createEnvironmentsCollector } from './environments.collector.js';
import { createPimSchedulesCollector } from './pim-schedules.collector.js';
import { createRoleAssignmentsCollector } from './role-assignments.collector.js';
import { createTenantIsolationCollector } from './tenant-isolation.collector.js';
import { createTenantSettingsCollector } from './tenant-settings.collector.js';
import type { Collector } from './types.js';

export interface CollectorsOptions {
  dlpPolicies?: DlpPoliciesCollectorOptions;
  environmentGroups?: EnvironmentGroupsCollectorOptions;
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
  ];
}

export {
  createAdvisorRecommendationsCollector,
  createConditionalAccessCollector,
  createDlpPoliciesCollector,
  createEnvironmentGroupsCollector,
  createEnvironmentsCollector,
  createPimSchedulesCollector,
  createRoleAssignmentsCollector,
  createTenantIsolationCollector,
  createTenantSettingsCollector,
};
