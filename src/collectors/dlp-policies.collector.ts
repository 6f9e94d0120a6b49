/**
 * DLP policies (v2): the list, then one detail GET per policy, because the list omits
 * connector groups and rules (reference pitfall 2; terraform does the same N+1). A policy
 * whose `lastModifiedTime` is what the last scan saw keeps its stored detail: no request.
 */
import { dlpPoliciesEvidenceSchema, type DlpPoliciesEvidence, type DlpPolicy } from '../evidence/schemas.js';
import { mapWithConcurrency } from './concurrency.js';
import { mapDlpPolicy } from './dlp-policies.map.js';
import { rawDlpPolicyDetailSchema, rawDlpPolicyListItemSchema } from './dlp-policies.raw.js';
import { parseOrThrow } from './parse.js';
import type { Collector, PartitionStore } from './types.js';
import { z } from 'zod';

/** No api-version: terraform sends none; which one is required is UNCONFIRMED (reference 3b). */
export const DLP_POLICIES_PATH = '/providers/PowerPlatform.Governance/v2/policies';

/** Detail requests in flight at once: fast enough for hundreds of policies, gentle on throttling. */
export const DEFAULT_DLP_DETAIL_CONCURRENCY = 4;

/** The detail URL of one policy: the only response that carries its connector groups and rules. */
export function dlpPolicyPath(name: string): string {
  return `${DLP_POLICIES_PATH}/${encodeURIComponent(name)}`;
}

export interface DlpPoliciesCollectorOptions {
  detailConcurrency?: number;
}

/** Creates the DLP policies collector. */
export function createDlpPoliciesCollector(options: DlpPoliciesCollectorOptions = {}): Collector<'dlpPolicies'> {
  const concurrency = options.detailConcurrency ?? DEFAULT_DLP_DETAIL_CONCURRENCY;
  return {
    key: 'dlpPolicies',
    async collect(ctx): Promise<DlpPoliciesEvidence> {
      let pages = 0;
      const progress = (): void => ctx.onProgress?.({ collector: 'dlpPolicies', pages, requests: ctx.http.stats.requests });
      const items = await ctx.http.paginate<unknown>({ surface: 'bap', url: DLP_POLICIES_PATH, signal: ctx.signal }, () => {
        pages += 1;
        progress();
      });
      const list = parseOrThrow(z.array(rawDlpPolicyListItemSchema), items, { collector: 'dlpPolicies', url: DLP_POLICIES_PATH, pathPrefix: ['value'] });
      const last = await lastPolicies(ctx.partitions);
      let reused = 0;
      const policies = await mapWithConcurrency(list, concurrency, async (item) => {
        const { name, lastModifiedTime } = item.policyDefinition;
        const previous = last.get(name);
        // A policy whose change time is what the last scan saw has the same detail: no request.
        if (previous && lastModifiedTime && previous.lastModifiedTime === lastModifiedTime) {
          reused += 1;
          return previous;
        }
        const url = dlpPolicyPath(name);
        const response = await ctx.http.request<unknown>({ surface: 'bap', url, signal: ctx.signal });
        pages += 1;
        progress();
        return mapDlpPolicy(parseOrThrow(rawDlpPolicyDetailSchema, response.data, { collector: 'dlpPolicies', url }));
      });
      const evidence = parseOrThrow(dlpPoliciesEvidenceSchema, { policies }, { collector: 'dlpPolicies', url: DLP_POLICIES_PATH });
      ctx.log.debug({ policies: policies.length, reused }, 'DLP policies collected');
      return evidence;
    },
  };
}

/** The policies of the tenant's last finished scan, by id (none on a first scan, or without a store). */
async function lastPolicies(partitions: PartitionStore | undefined): Promise<Map<string, DlpPolicy>> {
  if (!partitions) return new Map();
  const parsed = dlpPoliciesEvidenceSchema.safeParse((await partitions.previous(['dlpPolicies'])).get('dlpPolicies'));
  return parsed.success ? new Map(parsed.data.policies.map((p) => [p.id, p])) : new Map();
}
