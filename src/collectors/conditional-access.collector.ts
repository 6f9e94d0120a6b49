/**
 * Conditional Access policies, from Microsoft Graph: whether admins (and Power Platform
 * apps) are covered by MFA, authentication strengths or session controls.
 */
import { conditionalAccessEvidenceSchema, type ConditionalAccessEvidence } from '../evidence/graph.schemas.js';
import { GRAPH_PATHS } from '../http/graph-permissions.js';
import { mapConditionalAccessPolicy } from './conditional-access.map.js';
import { rawConditionalAccessPolicyListSchema } from './conditional-access.raw.js';
import { parseOrThrow } from './parse.js';
import type { Collector } from './types.js';

/** `GET /v1.0/identity/conditionalAccess/policies` (reference section 9; needs Policy.Read.All). */
export const CONDITIONAL_ACCESS_PATH = GRAPH_PATHS.conditionalAccessPolicies;

/** Creates the Conditional Access collector. */
export function createConditionalAccessCollector(): Collector<'conditionalAccess'> {
  return {
    key: 'conditionalAccess',
    async collect(ctx): Promise<ConditionalAccessEvidence> {
      const items = await ctx.graph.list<unknown>(CONDITIONAL_ACCESS_PATH, {
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        onPage: (page) => ctx.onProgress?.({ collector: 'conditionalAccess', pages: page, requests: ctx.graph.stats.requests }),
      });
      const where = { collector: 'conditionalAccess' as const, url: CONDITIONAL_ACCESS_PATH };
      const raw = parseOrThrow(rawConditionalAccessPolicyListSchema, items, { ...where, pathPrefix: ['value'] });
      const evidence = parseOrThrow(conditionalAccessEvidenceSchema, { policies: raw.map(mapConditionalAccessPolicy) }, where);
      ctx.log.debug({ policies: evidence.policies.length }, 'Conditional Access policies collected');
      return evidence;
    },
  };
}
