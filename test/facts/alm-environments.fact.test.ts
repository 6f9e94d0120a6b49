import { describe, expect, it } from 'vitest';
import { deriveAlmEnvironments } from '../../src/facts/alm-environments.fact.js';
import { env } from './fixtures.js';

describe('deriveAlmEnvironments', () => {
  it('lists non-default Dataverse environments of type Developer, Sandbox and Production', () => {
    const fact = deriveAlmEnvironments({
      environments: [
        env('default', { type: 'Default', isDefault: true, hasDataverse: true }),
        env('prod', { type: 'Production' }),
        env('prod-flows', { type: 'Production', hasDataverse: false }),
        env('sbx', { type: 'Sandbox' }),
        env('dev', { type: 'Developer' }),
        env('trial', { type: 'Trial' }),
        env('team', { type: 'Teams' }),
      ],
    });
    expect(fact).toEqual({
      developer: [{ id: 'dev', displayName: 'DEV', type: 'Developer' }],
      sandbox: [{ id: 'sbx', displayName: 'SBX', type: 'Sandbox' }],
      production: [{ id: 'prod', displayName: 'PROD', type: 'Production' }],
      count: 3,
    });
  });

  it('is empty for a tenant with only the default environment', () => {
    expect(deriveAlmEnvironments({ environments: [env('default', { type: 'Default', isDefault: true })] })).toEqual({ developer: [], sandbox: [], production: [], count: 0 });
  });
});
