/**
 * Tenant settings: one POST that returns the tenant-wide switches (who may create
 * environments, share with everyone, ...). Kept as sent, because its key set grows
 * over time and rules test keys with `has()` (reference section 2).
 */
import { tenantSettingsEvidenceSchema, type TenantSettingsEvidence } from '../evidence/schemas.js';
import { parseOrThrow } from './parse.js';
import type { Collector } from './types.js';
import { z } from 'zod';

/** It is POST, although the old Learn page shows GET (reference pitfall 1). */
export const TENANT_SETTINGS_PATH = '/providers/Microsoft.BusinessAppPlatform/listTenantSettings?api-version=2023-06-01';

/** A JSON object; arrays and null are not settings. */
const rawTenantSettingsSchema = z.record(z.string(), z.unknown());

/** Creates the tenant settings collector. */
export function createTenantSettingsCollector(): Collector<'tenantSettings'> {
  return {
    key: 'tenantSettings',
    async collect(ctx): Promise<TenantSettingsEvidence> {
      const response = await ctx.http.request<unknown>({ surface: 'bap', method: 'POST', url: TENANT_SETTINGS_PATH, body: {}, signal: ctx.signal });
      ctx.onProgress?.({ collector: 'tenantSettings', pages: 1, requests: ctx.http.stats.requests });
      const where = { collector: 'tenantSettings' as const, url: TENANT_SETTINGS_PATH };
      const raw = parseOrThrow(rawTenantSettingsSchema, response.data, where);
      return parseOrThrow(tenantSettingsEvidenceSchema, raw, where);
    },
  };
}
