import { describe, expect, it } from 'vitest';
import { deriveEnvironments } from '../../src/facts/environments.fact.js';
import { env } from './fixtures.js';

describe('deriveEnvironments', () => {
  const fact = deriveEnvironments({
    environments: [
      env('default', { type: 'Default', isDefault: true, hasDataverse: true }),
      env('prod', { type: 'Production', securityGroupId: 'sg', environmentGroupId: 'g1', managed: true, enterprisePolicies: { vnet: true, customerManagedKey: false } }),
      env('prod-nodv', { type: 'Production', hasDataverse: false }),
      env('sbx', { type: 'Sandbox', environmentGroupId: 'g2', managed: true }),
      env('dev', { type: 'Developer', managed: true }),
      env('trial', { type: 'Trial', createdTime: '2024-01-01T00:00:00Z' }),
    ],
  });

  it('counts by type', () => {
    expect(fact.byType).toEqual({ Default: 1, Production: 2, Sandbox: 1, Developer: 1, Trial: 1 });
    expect(fact.count).toBe(6);
    expect(fact.default).toEqual({ id: 'default', displayName: 'DEFAULT', type: 'Default' });
  });

  it('counts security groups over non-default Dataverse environments', () => {
    expect(fact.nonDefaultDataverseCount).toBe(4);
    expect(fact.withSecurityGroupCount).toBe(1);
    expect(fact.withoutSecurityGroup.map((e) => e.id)).toEqual(['sbx', 'dev', 'trial']);
  });

  it('counts environment groups', () => {
    expect(fact.environmentGroupIds).toEqual(['g1', 'g2']);
    expect(fact).toMatchObject({ inGroupCount: 2, managedCount: 3, managedInGroupCount: 2 });
    expect(fact.managedNotInGroup.map((e) => e.id)).toEqual(['dev']);
  });

  it('lists trial and Dataverse production environments with their enterprise policies', () => {
    expect(fact.trial).toEqual([{ id: 'trial', displayName: 'TRIAL', type: 'Trial', createdTime: '2024-01-01T00:00:00Z' }]);
    expect(fact.production).toEqual([{ id: 'prod', displayName: 'PROD', type: 'Production', vnet: true, customerManagedKey: false }]);
  });
});
