import { describe, expect, it } from 'vitest';
import { isEnterprisePolicyLinked, mapEnvironment } from '../../src/collectors/environments.map.js';
import { rawEnvironmentSchema, type RawEnvironment } from '../../src/collectors/environments.raw.js';
import { wireBoolean, wireNumber, wireString } from '../../src/collectors/wire-values.js';

function raw(properties: Record<string, unknown>, extra: Record<string, unknown> = {}): RawEnvironment {
  return rawEnvironmentSchema.parse({ name: 'env-1', location: 'europe', properties, ...extra });
}

describe('wire values', () => {
  it.each<[unknown, number | null]>([
    ['-1', -1],
    ['20', 20],
    [' 7 ', 7],
    ['1.5', 1.5],
    [12, 12],
    ['', null],
    ['ten', null],
    ['1e3', null],
    [undefined, null],
    [null, null],
  ])('wireNumber(%j) = %j', (value, expected) => {
    expect(wireNumber(value)).toBe(expected);
  });

  it.each<[unknown, boolean | null]>([
    ['true', true],
    ['False', false],
    [true, true],
    ['yes', null],
    ['', null],
    [undefined, null],
  ])('wireBoolean(%j) = %j', (value, expected) => {
    expect(wireBoolean(value)).toBe(expected);
  });

  it.each<[unknown, string | null]>([
    ['block', 'block'],
    ['', null],
    ['  ', null],
    [3, null],
  ])('wireString(%j) = %j', (value, expected) => {
    expect(wireString(value)).toBe(expected);
  });
});

describe('mapEnvironment', () => {
  it('maps a managed environment with string settings to numbers and booleans', () => {
    const env = mapEnvironment(
      raw({
        displayName: 'Finance Prod',
        environmentSku: 'Production',
        isDefault: false,
        azureRegion: 'westeurope',
        createdTime: '2023-10-24T09:37:26Z',
        linkedEnvironmentMetadata: { instanceUrl: 'https://x.crm4.dynamics.com/', instanceApiUrl: 'https://x.api.crm4.dynamics.com/', securityGroupId: 'sg-1' },
        capacity: [{ capacityType: 'Database', actualConsumption: 931.84, ratedConsumption: 1024.0, capacityUnit: 'MB', updatedOn: '2023-11-01T16:19:10Z' }],
        parentEnvironmentGroup: { id: 'group-1' },
        governanceConfiguration: {
          protectionLevel: 'Standard',
          settings: {
            extendedSettings: {
              limitSharingMode: 'excludeSharingToSecurityGroups',
              maxLimitUserSharing: '20',
              isGroupSharingDisabled: 'true',
              'solutionCloudFlows-limitSharingMode': 'disableSharing',
              'solutionCloudFlows-maxLimitUserSharing': '-1',
              'bot-limitSharingMode': 'noLimit',
              'bot-maxLimitUserSharing': '55',
              'bot-authoringSharingDisabled': 'false',
              solutionCheckerMode: 'block',
              excludeEnvironmentFromAnalysis: 'false',
            },
          },
        },
      }),
    );
    expect(env).toEqual({
      id: 'env-1',
      displayName: 'Finance Prod',
      type: 'Production',
      isDefault: false,
      region: 'westeurope',
      createdTime: '2023-10-24T09:37:26Z',
      hasDataverse: true,
      capacity: [{ type: 'Database', actual: 931.84, rated: 1024, unit: 'MB', updatedOn: '2023-11-01T16:19:10Z' }],
      // The Web API URL, without its trailing slash.
      dataverseUrl: 'https://x.api.crm4.dynamics.com',
      securityGroupId: 'sg-1',
      environmentGroupId: 'group-1',
      protectionLevel: 'Standard',
      managed: true,
      sharing: {
        canvasApps: { mode: 'excludeSharingToSecurityGroups', maxUsers: 20, groupSharingDisabled: true },
        solutionCloudFlows: { mode: 'disableSharing', maxUsers: -1 },
        agents: { mode: 'noLimit', maxUsers: 55, authoringSharingDisabled: false },
      },
      solutionCheckerMode: 'block',
      excludedFromAnalysis: false,
      makerWelcomeContent: null,
      enterprisePolicies: { vnet: false, customerManagedKey: false },
    });
  });

  it('reads missing settings as null, not false', () => {
    const env = mapEnvironment(raw({ environmentSku: 'Trial' }));
    expect(env.sharing).toEqual({
      canvasApps: { mode: null, maxUsers: null, groupSharingDisabled: null },
      solutionCloudFlows: { mode: null, maxUsers: null },
      agents: { mode: null, maxUsers: null, authoringSharingDisabled: null },
    });
    expect(env).toMatchObject({
      displayName: 'env-1',
      region: 'europe',
      createdTime: null,
      hasDataverse: false,
      securityGroupId: null,
      environmentGroupId: null,
      protectionLevel: null,
      managed: false,
      solutionCheckerMode: null,
      excludedFromAnalysis: null,
      makerWelcomeContent: null,
    });
  });

  it.each([
    ['a URL', { makerOnboardingUrl: 'https://contoso.example/makers', makerOnboardingMarkdown: '' }, true],
    ['Markdown', { makerOnboardingMarkdown: '## Welcome' }, true],
    ['both sent empty (never set)', { makerOnboardingUrl: '', makerOnboardingMarkdown: ' ' }, false],
    ['neither sent', { solutionCheckerMode: 'warn' }, null],
  ])('reads maker welcome content from %s', (_name, extendedSettings, expected) => {
    const env = mapEnvironment(raw({ governanceConfiguration: { protectionLevel: 'Standard', settings: { extendedSettings } } }));
    expect(env.makerWelcomeContent).toBe(expected);
  });

  it.each([
    ['Basic', false],
    ['Standard', true],
    ['standard', false],
  ])('protectionLevel %s → managed %s', (protectionLevel, managed) => {
    expect(mapEnvironment(raw({ governanceConfiguration: { protectionLevel } })).managed).toBe(managed);
  });

  it('treats an empty security group id as none and Dataverse without instanceUrl as absent', () => {
    const env = mapEnvironment(raw({ linkedEnvironmentMetadata: { securityGroupId: '' } }));
    expect(env.securityGroupId).toBeNull();
    expect(env.hasDataverse).toBe(false);
  });

  it('prefers azureRegion over location', () => {
    expect(mapEnvironment(raw({ azureRegion: 'northeurope' })).region).toBe('northeurope');
    expect(mapEnvironment(raw({}, { location: undefined })).region).toBeNull();
  });
});

describe('isEnterprisePolicyLinked', () => {
  it.each([
    ['absent', undefined, false],
    ['null', null, false],
    ['linked', { policyId: 'p', linkStatus: 'Linked' }, true],
    ['present without status', { policyId: 'p' }, true],
    ['unlinked', { policyId: 'p', linkStatus: 'Unlinked' }, false],
    ['empty object', {}, false],
    ['a list with one linked', [{ policyId: 'a', linkStatus: 'Unlinked' }, { policyId: 'b', linkStatus: 'Linked' }], true],
  ])('%s', (_name, slot, expected) => {
    expect(isEnterprisePolicyLinked(slot as Parameters<typeof isEnterprisePolicyLinked>[0])).toBe(expected);
  });
});
