/** Raw environment group and its policy assignments → normalized {@link EnvironmentGroup}. Pure. */
import type { EnvironmentGroup } from '../evidence/governance.schemas.js';
import type { RawEnvironmentGroup, RawPolicyAssignment } from './environment-groups.raw.js';
import { wireString } from './wire-values.js';

/** Maps one group; its rule sets are summed over its assignments, policy ids listed once each. */
export function mapEnvironmentGroup(raw: RawEnvironmentGroup, assignments: readonly RawPolicyAssignment[]): EnvironmentGroup {
  return {
    id: raw.id,
    displayName: wireString(raw.displayName) ?? raw.id,
    description: wireString(raw.description),
    parentGroupId: wireString(raw.parentGroupId),
    createdTime: wireString(raw.createdTime),
    ruleSetCount: assignments.reduce((sum, assignment) => sum + assignment.ruleSetCount, 0),
    policyIds: [...new Set(assignments.map((assignment) => assignment.policyId))],
  };
}
