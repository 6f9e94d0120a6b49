/**
 * The collectors of this build, in the order of `EVIDENCE_KEYS`, so scans and their
 * progress lines always read the same way.
 */
import { createDlpPoliciesCollector, type DlpPoliciesCollectorOptions } from './dlp-policies.collector.js';
import { createEnvironmentsCollector } from './environments.collector.js';
import { createTenantIsolationCollector } from './tenant-isolation.collector.js';
import { createTenantSettingsCollector } from './tenant-settings.collector.js';
import type { Collector } from './types.js';

export interface CollectorsOptions {
  dlpPolicies?: DlpPoliciesCollectorOptions;
}

/** Creates every collector: environments, tenantSettings, dlpPolicies, tenantIsolation. */
export function createCollectors(options: CollectorsOptions = {}): Collector[] {
  return [createEnvironmentsCollector(), createTenantSettingsCollector(), createDlpPoliciesCollector(options.dlpPolicies), createTenantIsolationCollector()];
}

export { createDlpPoliciesCollector, createEnvironmentsCollector, createTenantIsolationCollector, createTenantSettingsCollector };
