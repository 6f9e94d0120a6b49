import { describe, expect, it } from 'vitest';
import { mapConditionalAccessPolicy } from '../../src/collectors/conditional-access.map.js';
import { rawConditionalAccessPolicySchema } from '../../src/collectors/conditional-access.raw.js';

const map = (raw: unknown) => mapConditionalAccessPolicy(rawConditionalAccessPolicySchema.parse(raw));

describe('mapConditionalAccessPolicy', () => {
  it('maps a bare policy: empty lists, switches off, no grant', () => {
    expect(map({ id: 'p1', displayName: 'Bare', state: 'disabled', conditions: null, grantControls: null, sessionControls: null })).toEqual({
      id: 'p1',
      displayName: 'Bare',
      state: 'disabled',
      users: { include: [], exclude: [], includeGroups: [], excludeGroups: [], includeRoles: [], excludeRoles: [] },
      applications: { include: [], exclude: [] },
      grant: { operator: null, builtInControls: [], authenticationStrength: null },
      session: { cloudAppSecurity: false, continuousAccessEvaluation: null, signInFrequency: false },
    });
  });

  it('maps users, groups, roles and applications, included and excluded', () => {
    const policy = map({
      id: 'p2',
      displayName: 'Admins',
      state: 'enabled',
      conditions: {
        users: { includeUsers: ['All'], excludeUsers: ['u1'], includeGroups: ['g1'], excludeGroups: ['g2'], includeRoles: ['r1'], excludeRoles: ['r2'] },
        applications: { includeApplications: ['All'], excludeApplications: ['a1'] },
      },
    });
    expect(policy.users).toEqual({ include: ['All'], exclude: ['u1'], includeGroups: ['g1'], excludeGroups: ['g2'], includeRoles: ['r1'], excludeRoles: ['r2'] });
    expect(policy.applications).toEqual({ include: ['All'], exclude: ['a1'] });
  });

  it.each([
    [{ operator: 'OR', builtInControls: ['mfa'] }, { operator: 'OR', builtInControls: ['mfa'], authenticationStrength: null }],
    [{ operator: 'AND', builtInControls: ['mfa', 'compliantDevice'], authenticationStrength: null }, { operator: 'AND', builtInControls: ['mfa', 'compliantDevice'], authenticationStrength: null }],
    [{ operator: 'OR', builtInControls: [], authenticationStrength: { id: 's1', displayName: 'Phishing-resistant MFA' } }, { operator: 'OR', builtInControls: [], authenticationStrength: 'Phishing-resistant MFA' }],
    [{ operator: 'OR', builtInControls: null, authenticationStrength: { id: 's2' } }, { operator: 'OR', builtInControls: [], authenticationStrength: 's2' }],
  ])('maps grant controls %j', (grantControls, grant) => {
    expect(map({ id: 'p', grantControls }).grant).toEqual(grant);
  });

  it.each([
    [{ cloudAppSecurity: { isEnabled: true, cloudAppSecurityType: 'monitorOnly' } }, { cloudAppSecurity: true, continuousAccessEvaluation: null, signInFrequency: false }],
    [{ cloudAppSecurity: { isEnabled: false } }, { cloudAppSecurity: false, continuousAccessEvaluation: null, signInFrequency: false }],
    [{ signInFrequency: { isEnabled: true, value: 4, type: 'hours' } }, { cloudAppSecurity: false, continuousAccessEvaluation: null, signInFrequency: true }],
    [{ continuousAccessEvaluation: { mode: 'strictEnforcement' } }, { cloudAppSecurity: false, continuousAccessEvaluation: 'strictEnforcement', signInFrequency: false }],
  ])('maps session controls %j', (sessionControls, session) => {
    expect(map({ id: 'p', sessionControls }).session).toEqual(session);
  });

  it('falls back to the id for a missing display name and keeps an unknown state visible', () => {
    expect(map({ id: 'p9' })).toMatchObject({ displayName: 'p9', state: 'unknown' });
  });
});
