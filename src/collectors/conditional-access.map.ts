/**
 * Raw Conditional Access policy → normalized {@link ConditionalAccessPolicy}. Pure.
 * Unset lists are empty lists (Graph's `null` and `[]` mean the same: nothing included);
 * unset switches are `false`; an unset grant operator or strength stays `null`.
 */
import type { ConditionalAccessPolicy } from '../evidence/graph.schemas.js';
import type { RawConditionalAccessPolicy } from './conditional-access.raw.js';

/** Maps one raw policy. */
export function mapConditionalAccessPolicy(raw: RawConditionalAccessPolicy): ConditionalAccessPolicy {
  const users = raw.conditions?.users;
  const applications = raw.conditions?.applications;
  const grant = raw.grantControls;
  const session = raw.sessionControls;
  const strength = grant?.authenticationStrength;
  return {
    id: raw.id,
    displayName: raw.displayName ?? raw.id,
    state: raw.state ?? 'unknown',
    users: {
      include: users?.includeUsers ?? [],
      exclude: users?.excludeUsers ?? [],
      includeGroups: users?.includeGroups ?? [],
      excludeGroups: users?.excludeGroups ?? [],
      includeRoles: users?.includeRoles ?? [],
      excludeRoles: users?.excludeRoles ?? [],
    },
    applications: {
      include: applications?.includeApplications ?? [],
      exclude: applications?.excludeApplications ?? [],
    },
    grant: {
      operator: grant?.operator ?? null,
      builtInControls: grant?.builtInControls ?? [],
      authenticationStrength: strength?.displayName ?? strength?.id ?? null,
    },
    session: {
      cloudAppSecurity: session?.cloudAppSecurity?.isEnabled === true,
      continuousAccessEvaluation: session?.continuousAccessEvaluation?.mode ?? null,
      signInFrequency: session?.signInFrequency?.isEnabled === true,
    },
  };
}
