import { describe, expect, it } from 'vitest';
import { ROLE_TEMPLATES } from '../../src/evidence/graph.schemas.js';
import { assessPolicy, deriveAdminAccess, strongAuthentication } from '../../src/facts/admin-access.fact.js';
import { caPolicy } from './fixtures.js';

const PP_ADMIN = ROLE_TEMPLATES.powerPlatformAdministrator;
const POWER_APPS = '475226c6-020e-4fb2-8a90-7a972cbfc1d4';
const FLOW = '7df0a125-d3be-4c96-aa54-591f83ff541c';
const adminMfa = { users: { includeRoles: [PP_ADMIN] }, applications: { include: ['All'] }, grant: { operator: 'OR', builtInControls: ['mfa'] } };

describe('strongAuthentication', () => {
  it.each([
    [{ operator: 'OR', builtInControls: ['mfa'], authenticationStrength: null }, 'MFA'],
    [{ operator: null, builtInControls: ['mfa'], authenticationStrength: null }, 'MFA'],
    [{ operator: 'AND', builtInControls: ['mfa', 'compliantDevice'], authenticationStrength: null }, 'MFA'],
    [{ operator: 'OR', builtInControls: [], authenticationStrength: 'Phishing-resistant MFA' }, "the authentication strength 'Phishing-resistant MFA'"],
    [{ operator: 'AND', builtInControls: ['compliantDevice'], authenticationStrength: 'Passwordless MFA' }, "the authentication strength 'Passwordless MFA'"],
    [{ operator: 'OR', builtInControls: ['mfa', 'compliantDevice'], authenticationStrength: null }, null],
    [{ operator: 'OR', builtInControls: ['block'], authenticationStrength: null }, null],
    [{ operator: null, builtInControls: [], authenticationStrength: null }, null],
  ])('%j -> %s', (grant, expected) => {
    expect(strongAuthentication(grant)).toBe(expected);
  });
});

describe('assessPolicy', () => {
  it('protects the role when enabled, covering the role and Power Platform apps, with MFA', () => {
    expect(assessPolicy(caPolicy('p', adminMfa))).toMatchObject({
      enabled: true,
      coversAdminRole: true,
      allApps: true,
      powerPlatformApps: ['PowerApps', 'Microsoft Flow'],
      strongAuthentication: 'MFA',
      adminGaps: [],
    });
  });

  it.each([
    ['all users', { users: { include: ['All'] } }, true],
    ['the role', { users: { includeRoles: [PP_ADMIN] } }, true],
    ['all users, role excluded', { users: { include: ['All'], excludeRoles: [PP_ADMIN] } }, false],
    ['another role', { users: { includeRoles: [ROLE_TEMPLATES.globalAdministrator] } }, false],
    ['a group', { users: { includeGroups: ['g-admins'] } }, false],
  ])('with %s, covers the role: %s', (_name, overrides, expected) => {
    expect(assessPolicy(caPolicy('p', overrides)).coversAdminRole).toBe(expected);
  });

  it.each([
    [['All'], [], ['PowerApps', 'Microsoft Flow'], true],
    [['All'], [FLOW], ['PowerApps'], false],
    [[POWER_APPS], [], ['PowerApps'], false],
    [['Office365'], [], [], false],
    [[], [], [], false],
  ])('applications include %j exclude %j -> %j (all apps: %s)', (include, exclude, apps, allApps) => {
    expect(assessPolicy(caPolicy('p', { applications: { include, exclude } }))).toMatchObject({ powerPlatformApps: apps, allApps });
  });

  it('names every gap of a policy that does not protect the role', () => {
    const policy = caPolicy('p', {
      state: 'enabledForReportingButNotEnforced',
      applications: { include: ['00000003-0000-0ff1-ce00-000000000000'] },
      grant: { operator: 'OR', builtInControls: ['mfa', 'compliantDevice', 'domainJoinedDevice'] },
    });
    expect(assessPolicy(policy).adminGaps).toEqual([
      'is report-only',
      'does not include the Power Platform Administrator role',
      'does not apply to Power Platform apps',
      'accepts compliantDevice or domainJoinedDevice instead of MFA',
    ]);
    expect(assessPolicy(caPolicy('q', { ...adminMfa, state: 'disabled', grant: { builtInControls: ['block'] } })).adminGaps).toEqual([
      'is disabled',
      'requires neither MFA nor an authentication strength',
    ]);
  });
});

describe('deriveAdminAccess', () => {
  it('lists the protecting policies and the session-controlled ones, enforced or not', () => {
    const fact = deriveAdminAccess({
      policies: [
        caPolicy('admins', adminMfa),
        caPolicy('report-only', { ...adminMfa, state: 'enabledForReportingButNotEnforced' }),
        caPolicy('sessions', { users: { include: ['All'] }, applications: { include: [POWER_APPS, FLOW] }, session: { cloudAppSecurity: true } }),
        caPolicy('sessions-off', { applications: { include: ['All'] }, state: 'disabled', session: { cloudAppSecurity: true } }),
        caPolicy('sessions-elsewhere', { applications: { include: ['00000002-0000-0ff1-ce00-000000000000'] }, session: { cloudAppSecurity: true } }),
      ],
    });
    expect(fact).toMatchObject({ policyCount: 5, enabledCount: 3, closestAdminPolicy: null });
    expect(fact.adminProtection).toEqual([{ id: 'admins', displayName: 'admins', control: 'MFA', allApps: true, powerPlatformApps: ['PowerApps', 'Microsoft Flow'] }]);
    expect(fact.sessionControl.map((p) => p.id)).toEqual(['sessions']);
    expect(fact.sessionControlNotEnforced).toEqual([{ id: 'sessions-off', displayName: 'sessions-off', state: 'disabled' }]);
  });

  it('names the closest policy when none protects the role (fewest gaps, first on a tie)', () => {
    const fact = deriveAdminAccess({
      policies: [
        caPolicy('far', { state: 'disabled' }),
        caPolicy('near', { ...adminMfa, state: 'enabledForReportingButNotEnforced' }),
        caPolicy('as-near', { ...adminMfa, users: { includeRoles: [] } }),
      ],
    });
    expect(fact.adminProtection).toEqual([]);
    expect(fact.closestAdminPolicy).toEqual({ id: 'near', displayName: 'near', gaps: ['is report-only'] });
  });

  it('is empty for a tenant without Conditional Access', () => {
    expect(deriveAdminAccess({ policies: [] })).toEqual({
      policyCount: 0,
      enabledCount: 0,
      policies: [],
      adminProtection: [],
      closestAdminPolicy: null,
      sessionControl: [],
      sessionControlNotEnforced: [],
    });
  });
});
