/**
 * Normalized evidence from the Power Platform API (api.powerplatform.com) that governs the
 * tenant at scale: environment groups with their rule-based policies, and Power Advisor
 * recommendations.
 *
 * As with every family, a value the API may omit is `null`, never a guessed default.
 */
import { z } from 'zod';

export const environmentGroupSchema = z.object({
  /** The group id: the `properties.parentEnvironmentGroup.id` its environments carry (environments evidence `environmentGroupId`). */
  id: z.string().min(1),
  displayName: z.string(),
  description: z.string().nullable(),
  /** The parent group, null for a top-level group. */
  parentGroupId: z.string().nullable(),
  createdTime: z.string().nullable(),
  /** Rule sets of the rule-based policies assigned to the group, summed over its assignments; 0 when none. */
  ruleSetCount: z.number().int().nonnegative(),
  /** Ids of the rule-based policies assigned to the group. */
  policyIds: z.array(z.string()),
});
export type EnvironmentGroup = z.infer<typeof environmentGroupSchema>;

/** `GET /environmentmanagement/environmentGroups` with each group's rule-based policy assignments. */
export const environmentGroupsEvidenceSchema = z.object({
  groups: z.array(environmentGroupSchema),
});
export type EnvironmentGroupsEvidence = z.infer<typeof environmentGroupsEvidenceSchema>;

export const advisorRecommendationSchema = z.object({
  /** The recommendation's scenario name, as sent (the set of values is UNCONFIRMED, reference 7b). */
  scenario: z.string().min(1),
  /** `details.resourceCount`: resources the recommendation applies to; null when absent. */
  resourceCount: z.number().int().nonnegative().nullable(),
  /** `details.lastRefreshedTimestamp`; null when Advisor has not refreshed it yet. */
  lastRefreshed: z.string().nullable(),
});
export type AdvisorRecommendation = z.infer<typeof advisorRecommendationSchema>;

/**
 * `GET /analytics/advisorRecommendations`. Power Advisor needs at least one managed
 * environment (reference 7b, pitfall 9): without one this evidence is `unavailable`, never empty.
 */
export const advisorRecommendationsEvidenceSchema = z.object({
  recommendations: z.array(advisorRecommendationSchema),
});
export type AdvisorRecommendationsEvidence = z.infer<typeof advisorRecommendationsEvidenceSchema>;
