import { describe, expect, it } from 'vitest';
import { deriveDlpCoverage, policyCovers } from '../../src/facts/dlp-coverage.fact.js';
import { env, policy } from './fixtures.js';

const DEFAULT = 'Default-tenant';
const environments = { environments: [env(DEFAULT, { isDefault: true, type: 'Default', displayName: 'Default' }), env('dev', { displayName: 'Dev' }), env('hr', { displayName: 'HR Sandbox' })] };

describe('policyCovers (ScubaGear 2.1/2.2 scope rules)', () => {
  it.each([
    ['AllEnvironments covers everything', policy('p', 'AllEnvironments'), 'dev', true],
    ['OnlyEnvironments covers a listed env', policy('p', 'OnlyEnvironments', ['dev']), 'dev', true],
    ['OnlyEnvironments does not cover an unlisted env', policy('p', 'OnlyEnvironments', ['dev']), 'hr', false],
    ['ExceptEnvironments does not cover a listed env', policy('p', 'ExceptEnvironments', ['dev']), 'dev', false],
    ['ExceptEnvironments covers an unlisted env', policy('p', 'ExceptEnvironments', ['dev']), 'hr', true],
    ['names match case-insensitively', policy('p', 'OnlyEnvironments', ['default-TENANT']), DEFAULT, true],
  ] as const)('%s', (_name, p, environmentId, expected) => {
    expect(policyCovers(p, environmentId)).toBe(expected);
  });
});

describe('deriveDlpCoverage', () => {
  it('lists covering policies, the uncovered environments and the extended-rule policies', () => {
    const fact = deriveDlpCoverage(environments, {
      policies: [
        policy('Default only', 'OnlyEnvironments', [DEFAULT], { actionRuleConnectors: ['c'] }),
        policy('All but HR', 'ExceptEnvironments', ['hr', DEFAULT], { endpointRuleConnectors: ['c'] }),
      ],
    });
    expect(fact.defaultEnvironment).toEqual({ id: DEFAULT, displayName: 'Default', covered: true, policies: ['Default only'] });
    expect(fact.uncovered).toEqual([{ id: 'hr', displayName: 'HR Sandbox', type: 'Sandbox' }]);
    expect(fact).toMatchObject({
      coveredCount: 2,
      environmentCount: 3,
      policyCount: 2,
      policiesWithActionRules: ['Default only'],
      policiesWithEndpointRules: ['All but HR'],
    });
    expect(fact.coverage.find((c) => c.id === 'dev')?.policies).toEqual(['All but HR']);
  });

  it('with no policies, nothing is covered', () => {
    const fact = deriveDlpCoverage(environments, { policies: [] });
    expect(fact.defaultEnvironment?.covered).toBe(false);
    expect(fact.coveredCount).toBe(0);
    expect(fact.uncovered).toHaveLength(3);
  });

  it('has a null default environment when none is listed', () => {
    expect(deriveDlpCoverage({ environments: [env('dev')] }, { policies: [] }).defaultEnvironment).toBeNull();
  });
});
