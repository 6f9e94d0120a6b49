/**
 * Tenant isolation: whether makers may connect to other tenants, and which ones are allowed.
 * A 404 is an answer here ("never configured"), not an error.
 */
import { tenantIsolationEvidenceSchema, type TenantIsolationEvidence } from '../evidence/schemas.js';
import { parseOrThrow } from './parse.js';
import { mapTenantIsolation } from './tenant-isolation.map.js';
import { rawTenantIsolationSchema } from './tenant-isolation.raw.js';
import type { Collector } from './types.js';

/** The status the API answers when isolation was never configured (terraform accepts it, reference section 4). */
export const NEVER_CONFIGURED_STATUS = 404;

/**
 * `PowerPlatform.Governance/v1`, not `Microsoft.BusinessAppPlatform` (ScubaGear's note in
 * reference section 4); api-version 2020-06-01 as ScubaGear sends it.
 */
export function tenantIsolationPath(tenantId: string): string {
  return `/providers/PowerPlatform.Governance/v1/tenants/${encodeURIComponent(tenantId)}/tenantIsolationPolicy?api-version=2020-06-01`;
}

/** Creates the tenant isolation collector. */
export function createTenantIsolationCollector(): Collector<'tenantIsolation'> {
  return {
    key: 'tenantIsolation',
    async collect(ctx): Promise<TenantIsolationEvidence> {
      const url = tenantIsolationPath(ctx.tenantId);
      const response = await ctx.http.request<unknown>({ surface: 'bap', url, acceptStatus: [NEVER_CONFIGURED_STATUS], signal: ctx.signal });
      ctx.onProgress?.({ collector: 'tenantIsolation', pages: 1, requests: ctx.http.stats.requests });
      const where = { collector: 'tenantIsolation' as const, url };
      const raw = response.status === NEVER_CONFIGURED_STATUS ? null : parseOrThrow(rawTenantIsolationSchema, response.data ?? null, where);
      return parseOrThrow(tenantIsolationEvidenceSchema, mapTenantIsolation(raw), where);
    },
  };
}
