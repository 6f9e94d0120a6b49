/**
 * Cloud flows of one environment (Flow admin RP, reference 6c), each with its sharing read
 * from its role assignments. The admin RP, not the Power Platform API's `cloudFlows`,
 * because that one only answers for environments with Dataverse (reference pitfall 8).
 */
import { z } from 'zod';
import { sectionDataSchemas, type CloudFlow } from '../../evidence/inventory.schemas.js';
import { cloudFlowUnchanged, mapCloudFlow } from './cloud-flows.map.js';
import { rawCloudFlowSchema } from './cloud-flows.raw.js';
import { DEFAULT_PERMISSION_CONCURRENCY, readSharing, resolveSharing } from './permissions.js';
import type { SectionCollector } from './section.js';
import { parseSection } from './section-io.js';

/** api-version 2016-11-01 as the admin module sends it (S13 `Get-AdminFlow`); paged by `nextLink`. */
export function cloudFlowsPath(environmentId: string): string {
  return `/providers/Microsoft.ProcessSimple/scopes/admin/environments/${encodeURIComponent(environmentId)}/flows?api-version=2016-11-01`;
}

/** One flow's role assignments (S13 `Get-AdminFlowOwnerRole`). */
export function cloudFlowPermissionsPath(environmentId: string, flowId: string): string {
  return `/providers/Microsoft.ProcessSimple/scopes/admin/environments/${encodeURIComponent(environmentId)}/flows/${encodeURIComponent(flowId)}/permissions?api-version=2016-11-01`;
}

export interface CloudFlowsCollectorOptions {
  /** Read each flow's permissions into `sharing` (default true); false leaves `sharing` null and sends no such request. */
  permissions?: boolean;
  /** Permission requests in flight at once (default {@link DEFAULT_PERMISSION_CONCURRENCY}). */
  concurrency?: number;
}

/** Creates the cloud flows section collector. */
export function createCloudFlowsCollector(options: CloudFlowsCollectorOptions = {}): SectionCollector<'cloudFlows'> {
  return {
    key: 'cloudFlows',
    notApplicable: () => null,
    tenantWideRefusal: false,
    async collect(ctx): Promise<CloudFlow[]> {
      const environmentId = ctx.environment.id;
      const url = cloudFlowsPath(environmentId);
      const items = await ctx.http.paginate<unknown>({ surface: 'flow', url, ...(ctx.signal ? { signal: ctx.signal } : {}) });
      const where = { section: 'cloudFlows', environment: ctx.environment, url } as const;
      const flows = parseSection(z.array(rawCloudFlowSchema), items, { ...where, pathPrefix: ['value'] }).map(mapCloudFlow);
      const shared = await resolveSharing(ctx, flows, {
        enabled: options.permissions ?? true,
        concurrency: options.concurrency ?? DEFAULT_PERMISSION_CONCURRENCY,
        previous: ctx.previous,
        unchanged: cloudFlowUnchanged,
        read: (flow) => readSharing(ctx, { section: 'cloudFlows', surface: 'flow', url: cloudFlowPermissionsPath(environmentId, flow.id), ownerId: flow.owner.id }),
      });
      const data = parseSection(sectionDataSchemas.cloudFlows, shared, where);
      ctx.log.debug({ environmentId, flows: data.length }, 'cloud flows collected');
      return data;
    },
  };
}
