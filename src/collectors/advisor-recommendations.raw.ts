/**
 * Raw Power Advisor recommendations (`GET /analytics/advisorRecommendations`, reference 7b):
 * `{ nextLink, value: [{ scenario, details: { resourceCount, lastRefreshedTimestamp, expectedNextRefreshTimestamp } }] }`.
 */
import { z } from 'zod';

export const rawAdvisorRecommendationSchema = z.looseObject({
  scenario: z.string().min(1),
  details: z
    .looseObject({
      resourceCount: z.number().int().nonnegative().nullish(),
      lastRefreshedTimestamp: z.string().nullish(),
      expectedNextRefreshTimestamp: z.string().nullish(),
    })
    .nullish(),
});
export type RawAdvisorRecommendation = z.infer<typeof rawAdvisorRecommendationSchema>;
