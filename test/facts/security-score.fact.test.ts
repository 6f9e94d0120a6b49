import { describe, expect, it } from 'vitest';
import { deriveSecurityScore, securityScoreLabel } from '../../src/facts/security-score.fact.js';
import { env, policy } from './fixtures.js';

const isolation = (enabled: boolean) => ({ configured: enabled, enabled, allowedTenants: [] });

describe('deriveSecurityScore', () => {
  const environments = {
    environments: [
      env('default', { type: 'Default', isDefault: true, hasDataverse: true }),
      env('prod', { type: 'Production', securityGroupId: 'sg-prod' }),
      env('sbx', { type: 'Sandbox' }),
      env('flows-only', { type: 'Production', hasDataverse: false }),
    ],
  };

  it('scores tenant isolation and the tenant data policy over every environment, security groups over those a group can restrict', () => {
    const fact = deriveSecurityScore(environments, isolation(true), { policies: [policy('p', 'OnlyEnvironments', ['prod'])] });
    expect(fact.features).toEqual([
      { feature: 'tenantIsolation', label: 'tenant isolation', achieved: 4, possible: 4 },
      { feature: 'dataPolicy', label: 'a tenant data policy', achieved: 4, possible: 4 },
      { feature: 'environmentSecurityGroups', label: 'environment security groups', achieved: 1, possible: 2 },
    ]);
    expect(fact).toMatchObject({ achieved: 9, possible: 10, percent: 90, label: 'High', open: ['environment security groups'] });
  });

  it('rounds the percentage down and names every feature still off', () => {
    const fact = deriveSecurityScore(environments, isolation(false), { policies: [policy('p', 'AllEnvironments')] });
    // 4 + 1 of 10.
    expect(fact).toMatchObject({ achieved: 5, possible: 10, percent: 50, label: 'Low', open: ['tenant isolation', 'environment security groups'] });
  });

  it('has no percentage without environments', () => {
    expect(deriveSecurityScore({ environments: [] }, isolation(true), { policies: [] })).toMatchObject({ achieved: 0, possible: 0, percent: null, label: null, open: [] });
  });

  it.each([
    [0, 'Low'],
    [50, 'Low'],
    [51, 'Medium'],
    [80, 'Medium'],
    [81, 'High'],
    [100, 'High'],
  ] as const)('labels %i%% %s, as the admin center does', (percent, label) => {
    expect(securityScoreLabel(percent)).toBe(label);
  });
});
