import { describe, expect, it } from 'vitest';
import { ROLE_TEMPLATES, type PimSchedulesEvidence, type Principal, type RoleAssignmentsEvidence } from '../../src/evidence/graph.schemas.js';
import { deriveAdminRoles, deriveRoleHolders } from '../../src/facts/admin-roles.fact.js';
import { user } from './fixtures.js';

const PP_ADMIN = ROLE_TEMPLATES.powerPlatformAdministrator;
const GLOBAL_ADMIN = ROLE_TEMPLATES.globalAdministrator;

const standing = (byRole: Record<string, Principal[]>): RoleAssignmentsEvidence => ({
  roles: Object.entries(byRole).map(([roleTemplateId, principals]) => ({
    roleTemplateId,
    displayName: roleTemplateId,
    assignments: principals.map((principal) => ({ principal, directoryScopeId: '/' })),
  })),
});

type Active = PimSchedulesEvidence['roles'][number]['active'][number];
const assigned = (principal: Principal, endDateTime: string | null = null): Active => ({ principal, startDateTime: null, endDateTime, assignmentType: 'Assigned' });
const activated = (principal: Principal, endDateTime: string): Active => ({ principal, startDateTime: null, endDateTime, assignmentType: 'Activated' });
const pim = (roleTemplateId: string, eligible: Principal[], active: Active[]): PimSchedulesEvidence => ({
  roles: [{ roleTemplateId, displayName: roleTemplateId, eligible: eligible.map((principal) => ({ principal, startDateTime: null, endDateTime: null })), active }],
});

const adele = user('Adele');
const alex = user('Alex');
const megan = user('Megan');

describe('deriveRoleHolders', () => {
  it('tells permanent, eligible and time-bound holders apart when PIM is readable', () => {
    const holders = deriveRoleHolders(
      PP_ADMIN,
      standing({ [PP_ADMIN]: [adele, megan, alex] }),
      pim(PP_ADMIN, [adele, alex], [activated(adele, '2025-01-15T10:00:00Z'), assigned(megan), assigned(alex, '2025-03-31T00:00:00Z')]),
    );
    expect(holders.holders).toEqual([
      { id: 'u-adele', name: 'Adele', type: 'user', holding: 'eligible' },
      { id: 'u-alex', name: 'Alex', type: 'user', holding: 'eligible' },
      { id: 'u-megan', name: 'Megan', type: 'user', holding: 'permanent' },
    ]);
    expect(holders).toMatchObject({ holderCount: 3, permanentCount: 1, eligibleCount: 2, activeCount: 3 });
    expect(holders.timeBound).toEqual([
      { name: 'Adele', endDateTime: '2025-01-15T10:00:00Z' },
      { name: 'Alex', endDateTime: '2025-03-31T00:00:00Z' },
    ]);
  });

  it('takes every standing assignment as permanent when PIM is not readable', () => {
    const holders = deriveRoleHolders(PP_ADMIN, standing({ [PP_ADMIN]: [adele, adele, alex] }), null);
    expect(holders).toMatchObject({ holderCount: 2, permanentCount: 2, eligibleCount: 0, activeCount: 2, timeBound: [] });
  });

  it('takes a standing assignment PIM does not list as permanent, and a principal in both ways as permanent', () => {
    const holders = deriveRoleHolders(PP_ADMIN, standing({ [PP_ADMIN]: [megan] }), pim(PP_ADMIN, [megan, alex], []));
    expect(holders.holders.map((h) => [h.name, h.holding])).toEqual([
      ['Alex', 'eligible'],
      ['Megan', 'permanent'],
    ]);
  });

  it('takes an endless active instance as permanent unless it is an activation', () => {
    const untyped: Active = { principal: alex, startDateTime: null, endDateTime: null, assignmentType: null };
    const holders = deriveRoleHolders(PP_ADMIN, standing({}), pim(PP_ADMIN, [], [untyped, assigned(megan, '2025-03-31T00:00:00Z')]));
    expect(holders.holders.map((h) => [h.name, h.holding])).toEqual([
      ['Alex', 'permanent'],
      ['Megan', 'timeBound'],
    ]);
  });

  it('names a principal by display name, then UPN, then id', () => {
    const noName = user('X', { displayName: null });
    const nothing = user('Y', { displayName: null, userPrincipalName: null, type: 'servicePrincipal' });
    const holders = deriveRoleHolders(PP_ADMIN, standing({ [PP_ADMIN]: [noName, nothing] }), null);
    expect(holders.holders.map((h) => h.name)).toEqual(['u-y', 'x@contoso.example']);
  });

  it('is empty for a role nobody holds', () => {
    expect(deriveRoleHolders(PP_ADMIN, standing({}), pim(GLOBAL_ADMIN, [alex], []))).toEqual({
      roleTemplateId: PP_ADMIN,
      holders: [],
      holderCount: 0,
      permanent: [],
      permanentCount: 0,
      eligibleCount: 0,
      activeCount: 0,
      timeBound: [],
    });
  });
});

describe('deriveAdminRoles', () => {
  it('summarizes both roles and says whether PIM was read', () => {
    const assignments = standing({ [PP_ADMIN]: [adele], [GLOBAL_ADMIN]: [megan] });
    const withPim = deriveAdminRoles(assignments, pim(GLOBAL_ADMIN, [alex], [assigned(megan)]));
    expect(withPim.pimReadable).toBe(true);
    expect(withPim.ppAdmin).toMatchObject({ holderCount: 1, permanentCount: 1 });
    expect(withPim.globalAdmin).toMatchObject({ holderCount: 2, permanentCount: 1, eligibleCount: 1 });
    expect(deriveAdminRoles(assignments, null)).toMatchObject({ pimReadable: false, globalAdmin: { holderCount: 1, eligibleCount: 0 } });
  });
});
