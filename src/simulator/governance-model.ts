/**
 * The demo tenant's environment groups (with their rule-based policy assignments) and its
 * Power Advisor recommendations, derived from the environments so the two agree: every
 * group id an environment carries (`parentEnvironmentGroup.id`) is a group listed here, and
 * Advisor refuses exactly when no environment is managed, as the real one does.
 *
 * Drawn from a generator of its own, so adding these families left the rest of the tenant unchanged.
 */
import { createRng } from './prng.js';
import type { ProfilePosture } from './profiles.js';

/** A tier's group; `id` is the group id the tier's environments carry. */
export interface SimGroupTier {
  tier: 'production' | 'sandbox' | 'developer';
  id: string;
}

export interface SimPolicyAssignment {
  policyId: string;
  ruleSetCount: number;
}

export interface SimEnvironmentGroup {
  id: string;
  displayName: string;
  description: string;
  createdTime: string;
  /** Rule-based policies assigned to the group; none answers 204 like the real API. */
  assignments: SimPolicyAssignment[];
}

export interface SimAdvisorRecommendation {
  scenario: string;
  resourceCount: number;
  lastRefreshedTimestamp: string;
  expectedNextRefreshTimestamp: string;
}

export interface GovernanceModel {
  environmentGroups: SimEnvironmentGroup[];
  /** Null when Advisor refuses the tenant (no managed environment). */
  advisorRecommendations: SimAdvisorRecommendation[] | null;
}

/**
 * Scenario names of the demo's recommendations. The real set of values is UNCONFIRMED
 * (reference 7b); these are illustrative, in the API's one-word style.
 */
export const ADVISOR_SCENARIOS = ['UnusedApps', 'AbandonedApps', 'OversharedApps', 'AbandonedFlows'] as const;

const TIER_GROUPS = {
  production: { displayName: 'Managed production', description: 'Business-critical production environments, managed and governed by rules.' },
  sandbox: { displayName: 'Managed sandboxes', description: 'Team development and test environments.' },
  developer: { displayName: 'Developer environments', description: "Makers' personal developer environments." },
} as const;

const EPOCH_MS = Date.UTC(2024, 0, 8, 9, 0, 0);
const DAY_MS = 86_400_000;
/** Advisor refreshes its recommendations daily; the demo's last refresh is a fixed instant, so scans stay reproducible. */
const ADVISOR_REFRESHED = '2025-01-14T04:00:00.000Z';
const ADVISOR_NEXT_REFRESH = '2025-01-15T04:00:00.000Z';

/** Builds groups and Advisor recommendations for the tiers in use and whether any environment is managed. */
export function buildGovernanceModel(seed: number, posture: ProfilePosture, tiers: readonly SimGroupTier[], anyManaged: boolean): GovernanceModel {
  const rng = createRng(seed ^ 0x9e0c);
  const baselinePolicy = rng.guid();
  const productionPolicy = rng.guid();
  const governed = posture.environmentGroups === 'most';
  const environmentGroups = tiers.map(({ tier, id }) => ({
    id,
    ...TIER_GROUPS[tier],
    createdTime: new Date(EPOCH_MS + rng.int(0, 120) * DAY_MS).toISOString(),
    // Governed tiers share a baseline policy (sharing limits, solution checker); production adds its own.
    assignments: governed
      ? [{ policyId: baselinePolicy, ruleSetCount: 2 }, ...(tier === 'production' ? [{ policyId: productionPolicy, ruleSetCount: 1 }] : [])]
      : [],
  }));
  const [low, high] = posture.advisorBacklog === 'low' ? [0, 3] : [4, 40];
  const advisorRecommendations = anyManaged
    ? ADVISOR_SCENARIOS.map((scenario) => ({
        scenario,
        resourceCount: rng.int(low, high),
        lastRefreshedTimestamp: ADVISOR_REFRESHED,
        expectedNextRefreshTimestamp: ADVISOR_NEXT_REFRESH,
      }))
    : null;
  return { environmentGroups, advisorRecommendations };
}
