import { describe, expect, it } from 'vitest';
import { mapActiveInstance, mapEligibleInstance } from '../../src/collectors/pim-schedules.map.js';
import { rawAssignmentInstanceSchema, rawEligibilityInstanceSchema } from '../../src/collectors/pim-schedules.raw.js';

const principal = { '@odata.type': '#microsoft.graph.user', id: 'u1', displayName: 'Meg', userPrincipalName: 'meg@c.com' };

describe('PIM schedule instance mappers', () => {
  it('maps an eligibility with its window; a missing end is permanent (null)', () => {
    expect(mapEligibleInstance(rawEligibilityInstanceSchema.parse({ principalId: 'u1', startDateTime: '2024-01-01T00:00:00Z', principal }))).toEqual({
      principal: { id: 'u1', type: 'user', displayName: 'Meg', userPrincipalName: 'meg@c.com' },
      startDateTime: '2024-01-01T00:00:00Z',
      endDateTime: null,
    });
  });

  it.each([
    ['Assigned', null],
    ['Activated', '2025-01-06T16:00:00Z'],
  ])('keeps assignmentType %s (end %s)', (assignmentType, endDateTime) => {
    expect(mapActiveInstance(rawAssignmentInstanceSchema.parse({ principalId: 'u1', assignmentType, endDateTime, principal }))).toMatchObject({ assignmentType, endDateTime });
  });

  it('an instance without assignmentType says null, not a guess', () => {
    expect(mapActiveInstance(rawAssignmentInstanceSchema.parse({ principalId: 'u1' })).assignmentType).toBeNull();
  });
});
