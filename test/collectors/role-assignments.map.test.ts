import { describe, expect, it } from 'vitest';
import { mapRoleAssignment } from '../../src/collectors/role-assignments.map.js';
import { rawRoleAssignmentSchema } from '../../src/collectors/role-assignments.raw.js';

const map = (raw: unknown) => mapRoleAssignment(rawRoleAssignmentSchema.parse(raw));

describe('mapRoleAssignment', () => {
  it('maps the expanded principal and the scope', () => {
    expect(
      map({ principalId: 'u1', roleDefinitionId: 'r', directoryScopeId: '/administrativeUnits/au1', principal: { '@odata.type': '#microsoft.graph.user', id: 'u1', displayName: 'Meg', userPrincipalName: 'meg@c.com' } }),
    ).toEqual({ directoryScopeId: '/administrativeUnits/au1', principal: { id: 'u1', type: 'user', displayName: 'Meg', userPrincipalName: 'meg@c.com' } });
  });

  it('reads a missing directoryScopeId as the tenant (/)', () => {
    expect(map({ principalId: 'u1' })).toEqual({ directoryScopeId: '/', principal: { id: 'u1', type: 'unknown', displayName: null, userPrincipalName: null } });
  });
});
