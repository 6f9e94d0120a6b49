/**
 * Power Advisor recommendations, from the Power Platform API: which scenarios Advisor
 * flags and for how many resources. Advisor works only when at least one environment is
 * managed (reference 7b, pitfall 9); the API's refusal for that reason makes the evidence
 * `unavailable` with that reason: neither a collection error nor an empty list.
 */
import { advisorRecommendationsEvidenceSchema, type AdvisorRecommendationsEvidence } from '../evidence/governance.schemas.js';
import { mapAdvisorRecommendation } from './advisor-recommendations.map.js';
import { rawAdvisorRecommendationSchema } from './advisor-recommendations.raw.js';
import { parseOrThrow } from './parse.js';
import { listAllowingNone } from './power-platform-list.js';
import { CollectionError, type Collector } from './types.js';
import { z } from 'zod';

/** api-version 2024-10-01; pages by `nextLink` carrying `$skipToken` (reference 7b). */
export const ADVISOR_RECOMMENDATIONS_PATH = '/analytics/advisorRecommendations?api-version=2024-10-01';

/** Statuses that mean "no recommendations" (an empty answer, treated like an empty list). */
export const NO_RECOMMENDATIONS_STATUSES = [204] as const;

/** Statuses with which the API may refuse a tenant that has no managed environment (the exact one is UNCONFIRMED). */
export const NO_MANAGED_ENVIRONMENT_STATUSES: readonly number[] = [400, 403, 404];

/** How the refusal names its reason; matched on the API's own error text. */
export const NO_MANAGED_ENVIRONMENT_PATTERN = /managed\s+environment/i;

/**
 * The refusal "no managed environment" as `unavailable` evidence, or null when `error` is
 * another failure (a 403 for a missing permission stays the client's own error).
 */
export function noManagedEnvironmentError(error: unknown): CollectionError | null {
  if (!(error instanceof CollectionError)) return null;
  const status = error.details.httpStatus;
  if (status === undefined || !NO_MANAGED_ENVIRONMENT_STATUSES.includes(status)) return null;
  const apiSays = /The API said: ([\s\S]*)$/.exec(error.message)?.[1];
  if (apiSays === undefined || !NO_MANAGED_ENVIRONMENT_PATTERN.test(apiSays)) return null;
  return new CollectionError(
    'unavailable',
    'PPMAT_E_PREREQUISITE_MISSING',
    `Power Advisor gives recommendations only when at least one environment is managed, and GET ${error.details.url ?? ADVISOR_RECOMMENDATIONS_PATH} answered ${status}: ${apiSays.trim().replace(/\.$/, '')}.`,
    error.details,
  );
}

/** Creates the Power Advisor recommendations collector. */
export function createAdvisorRecommendationsCollector(): Collector<'advisorRecommendations'> {
  return {
    key: 'advisorRecommendations',
    async collect(ctx): Promise<AdvisorRecommendationsEvidence> {
      const where = { collector: 'advisorRecommendations' as const, url: ADVISOR_RECOMMENDATIONS_PATH };
      let items: unknown[];
      try {
        items = await listAllowingNone(ctx, {
          ...where,
          noneStatuses: NO_RECOMMENDATIONS_STATUSES,
          onPage: (pages) => ctx.onProgress?.({ collector: 'advisorRecommendations', pages, requests: ctx.http.stats.requests }),
        });
      } catch (error) {
        throw noManagedEnvironmentError(error) ?? error;
      }
      const raw = parseOrThrow(z.array(rawAdvisorRecommendationSchema), items, { ...where, pathPrefix: ['value'] });
      const evidence = parseOrThrow(advisorRecommendationsEvidenceSchema, { recommendations: raw.map(mapAdvisorRecommendation) }, where);
      ctx.log.debug({ recommendations: evidence.recommendations.length }, 'Power Advisor recommendations collected');
      return evidence;
    },
  };
}
