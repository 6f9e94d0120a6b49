import { describe, expect, it } from 'vitest';
import { endpointOf, mapDlpPolicy } from '../../src/collectors/dlp-policies.map.js';
import { rawDlpPolicyDetailSchema } from '../../src/collectors/dlp-policies.raw.js';

const BLOB = '/providers/Microsoft.PowerApps/apis/shared_azureblob';
const SQL = '/providers/Microsoft.PowerApps/apis/shared_sql';

function detail(extra: Record<string, unknown> = {}, definition: Record<string, unknown> = {}) {
  return rawDlpPolicyDetailSchema.parse({
    policyDefinition: { name: 'p1', displayName: 'Policy', environmentType: 'OnlyEnvironments', environments: [{ name: 'Default-t', id: '/x/Default-t' }], ...definition },
    ...extra,
  });
}

describe('endpointOf', () => {
  it.each([
    [{ endpoint: 'a.com' }, 'a.com'],
    [{ endPoint: 'b.com' }, 'b.com'],
    [{ endpoint: '', endPoint: 'c.com' }, 'c.com'],
    [{ order: 1 }, null],
  ])('%j → %s', (rule, expected) => {
    expect(endpointOf(rule)).toBe(expected);
  });
});

describe('mapDlpPolicy', () => {
  it('maps classifications to business, non-business and blocked', () => {
    const policy = mapDlpPolicy(
      detail(
        {},
        {
          connectorGroups: [
            { classification: 'Confidential', connectors: [{ id: 'c1' }, { id: 'c2' }] },
            { classification: 'General', connectors: [{ id: 'g1' }] },
            { classification: 'Blocked', connectors: [{ id: 'b1' }] },
            { classification: 'SomethingNew', connectors: [{ id: 'x' }] },
          ],
        },
      ),
    );
    expect(policy.connectorGroups).toEqual({ business: ['c1', 'c2'], nonBusiness: ['g1'], blocked: ['b1'] });
    expect(policy.environments).toEqual(['Default-t']);
  });

  it('accepts both endpoint casings and skips configurations without endpoints', () => {
    const policy = mapDlpPolicy(
      detail({
        connectorConfigurationsDefinition: {
          connectorActionConfigurations: [{ connectorId: BLOB, actionRules: [{ actionId: 'DeleteFile', behavior: 'Block' }] }],
          endpointConfigurations: [
            { connectorId: BLOB, endpointRules: [{ order: 1, behavior: 'Deny', endPoint: '*' }] },
            { connectorId: SQL, endpointRules: [{ order: 1, behavior: 'Allow', endpoint: 'db.contoso.com' }] },
            { connectorId: '/providers/Microsoft.PowerApps/apis/shared_empty', endpointRules: [] },
          ],
        },
      }),
    );
    expect(policy.actionRuleConnectors).toEqual([BLOB]);
    expect(policy.endpointRuleConnectors).toEqual([BLOB, SQL]);
  });

  it('reads absent groups, rules and patterns as empty lists', () => {
    const policy = mapDlpPolicy(detail({ connectorConfigurationsDefinition: null }, { environmentType: 'AllEnvironments', environments: undefined, displayName: undefined }));
    expect(policy).toEqual({
      id: 'p1',
      displayName: 'p1',
      environmentType: 'AllEnvironments',
      environments: [],
      defaultConnectorsClassification: null,
      connectorGroups: { business: [], nonBusiness: [], blocked: [] },
      actionRuleConnectors: [],
      endpointRuleConnectors: [],
      customConnectorPatterns: [],
      createdTime: null,
      lastModifiedTime: null,
    });
  });

  it('maps custom connector URL patterns in order', () => {
    const policy = mapDlpPolicy(
      detail({
        customConnectorUrlPatternsDefinition: {
          rules: [
            { order: 1, customConnectorRuleClassification: 'Confidential', pattern: 'https://*.contoso.com' },
            { order: 2, customConnectorRuleClassification: 'Ignore', pattern: '*' },
          ],
        },
      }),
    );
    expect(policy.customConnectorPatterns).toEqual([
      { order: 1, classification: 'Confidential', pattern: 'https://*.contoso.com' },
      { order: 2, classification: 'Ignore', pattern: '*' },
    ]);
  });
});
