/**
 * The per-environment section collectors, in the order they are collected and shown
 * (`INVENTORY_SECTIONS`): the one list the inventory runner iterates.
 */
import type { InventorySection } from '../../evidence/inventory.schemas.js';
import { createAgentsCollector } from './agents.collector.js';
import { createCanvasAppsCollector } from './canvas-apps.collector.js';
import { createCloudFlowsCollector } from './cloud-flows.collector.js';
import { createCustomConnectorsCollector } from './custom-connectors.collector.js';
import { createDataverseSettingsCollector } from './dataverse-settings.collector.js';
import { createModelDrivenAppsCollector } from './model-driven-apps.collector.js';
import { createPowerPagesSitesCollector } from './power-pages-sites.collector.js';
import type { SectionCollector } from './section.js';

/** Any one section collector, its key telling which (a union, so `collect`'s data type follows the key). */
export type AnySectionCollector = { [K in InventorySection]: SectionCollector<K> }[InventorySection];

export interface SectionCollectorsOptions {
  /** Read app permissions into `sharing` (default true). */
  appPermissions?: boolean;
  /** Read flow permissions into `sharing` (default true). */
  flowPermissions?: boolean;
  /** Permission requests in flight at once per section (default 8). */
  permissionConcurrency?: number;
}

/** Creates every section collector, in `INVENTORY_SECTIONS` order. */
export function createSectionCollectors(options: SectionCollectorsOptions = {}): AnySectionCollector[] {
  const sharing = (permissions: boolean | undefined) => ({
    ...(permissions === undefined ? {} : { permissions }),
    ...(options.permissionConcurrency === undefined ? {} : { concurrency: options.permissionConcurrency }),
  });
  return [
    createCanvasAppsCollector(sharing(options.appPermissions)),
    createCloudFlowsCollector(sharing(options.flowPermissions)),
    createCustomConnectorsCollector(),
    createModelDrivenAppsCollector(),
    createAgentsCollector(),
    createPowerPagesSitesCollector(),
    createDataverseSettingsCollector(),
  ];
}
