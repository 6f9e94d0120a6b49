/** Raw Power Advisor recommendation → normalized {@link AdvisorRecommendation}. Pure. */
import type { AdvisorRecommendation } from '../evidence/governance.schemas.js';
import type { RawAdvisorRecommendation } from './advisor-recommendations.raw.js';
import { wireString } from './wire-values.js';

export function mapAdvisorRecommendation(raw: RawAdvisorRecommendation): AdvisorRecommendation {
  return {
    scenario: raw.scenario,
    resourceCount: raw.details?.resourceCount ?? null,
    lastRefreshed: wireString(raw.details?.lastRefreshedTimestamp),
  };
}
