import { describe, expect, it } from 'vitest';
import { mapEnvironmentGroup } from '../../src/collectors/environment-groups.map.js';
import { rawEnvironmentGroupSchema, rawPolicyAssignmentSchema } from '../../src/collectors/environment-groups.raw.js';

const group = (fields: Record<string, unknown> = {}) => rawEnvironmentGroupSchema.parse({ id: 'g1', ...fields });
const assignment = (policyId: string, ruleSetCount: number) => rawPolicyAssignmentSchema.parse({ policyId, ruleSetCount, resourceType: 'EnvironmentGroup' });

describe('mapEnvironmentGroup', () => {
  it('sums rule sets over the assignments and lists each policy once', () => {
    const mapped = mapEnvironmentGroup(group({ displayName: 'Production', description: 'Prod', parentGroupId: 'g0', createdTime: '2024-01-01T00:00:00Z' }), [
      assignment('p1', 2),
      assignment('p2', 1),
      assignment('p1', 1),
    ]);
    expect(mapped).toEqual({ id: 'g1', displayName: 'Production', description: 'Prod', parentGroupId: 'g0', createdTime: '2024-01-01T00:00:00Z', ruleSetCount: 4, policyIds: ['p1', 'p2'] });
  });

  it('reads absent or empty fields as null, the id as the name, and no assignment as 0 rule sets', () => {
    expect(mapEnvironmentGroup(group({ displayName: '', description: '', parentGroupId: null }), [])).toEqual({
      id: 'g1',
      displayName: 'g1',
      description: null,
      parentGroupId: null,
      createdTime: null,
      ruleSetCount: 0,
      policyIds: [],
    });
  });

  it.each<[Record<string, unknown>, string]>([
    [{ policyId: 'p1' }, 'a missing rule set count'],
    [{ policyId: 'p1', ruleSetCount: -1 }, 'a negative rule set count'],
    [{ policyId: '', ruleSetCount: 1 }, 'an empty policy id'],
  ])('the raw assignment schema refuses %j (%s)', (raw) => {
    expect(rawPolicyAssignmentSchema.safeParse(raw).success).toBe(false);
  });
});
