/**
 * Environments: the BAP admin list, which carries every governance field ppmat reads
 * per environment (managed, sharing limits, security group, group, enterprise policies).
 */
import { environmentsEvidenceSchema, type EnvironmentsEvidence } from '../evidence/schemas.js';
import { mapEnvironment } from './environments.map.js';
import { rawEnvironmentListSchema } from './environments.raw.js';
import { parseOrThrow } from './parse.js';
import type { Collector } from './types.js';

/**
 * api-version 2023-06-01 as ScubaGear and terraform use it (reference 1a); `$expand` adds
 * each environment's storage capacity and its billing policy (terraform expands both in one
 * `$expand`, S9). BAP paging by `nextLink` is UNCONFIRMED but followed defensively.
 */
export const ENVIRONMENTS_PATH =
  '/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments?api-version=2023-06-01&$expand=properties.capacity,properties/billingPolicy';

/** Creates the environments collector. */
export function createEnvironmentsCollector(): Collector<'environments'> {
  return {
    key: 'environments',
    async collect(ctx): Promise<EnvironmentsEvidence> {
      const items = await ctx.http.paginate<unknown>({ surface: 'bap', url: ENVIRONMENTS_PATH, signal: ctx.signal }, (_items, page) =>
        ctx.onProgress?.({ collector: 'environments', pages: page, requests: ctx.http.stats.requests }),
      );
      const where = { collector: 'environments' as const, url: ENVIRONMENTS_PATH };
      const raw = parseOrThrow(rawEnvironmentListSchema, items, { ...where, pathPrefix: ['value'] });
      const evidence = parseOrThrow(environmentsEvidenceSchema, { environments: raw.map(mapEnvironment) }, where);
      ctx.log.debug({ environments: evidence.environments.length }, 'environments collected');
      return evidence;
    },
  };
}
