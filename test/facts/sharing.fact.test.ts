import { describe, expect, it } from 'vitest';
import { deriveSharing, isLimited } from '../../src/facts/sharing.fact.js';
import { env } from './fixtures.js';

describe('isLimited', () => {
  it.each([
    [{ mode: 'excludeSharingToSecurityGroups', maxUsers: -1 }, true],
    [{ mode: 'disableSharing', maxUsers: null }, true],
    [{ mode: 'noLimit', maxUsers: 0 }, true],
    [{ mode: 'noLimit', maxUsers: 25 }, true],
    [{ mode: 'noLimit', maxUsers: -1 }, false],
    [{ mode: null, maxUsers: null }, false],
  ])('%j -> %s', (limit, expected) => {
    expect(isLimited(limit)).toBe(expected);
  });
});

describe('deriveSharing', () => {
  const base = env('x');
  const limitedCanvas = { ...base.sharing, canvasApps: { mode: 'excludeSharingToSecurityGroups', maxUsers: 10, groupSharingDisabled: false } };
  const limitedAgents = { ...base.sharing, agents: { mode: 'noLimit', maxUsers: 5, authoringSharingDisabled: null } };

  it('separates managed environments with and without limits and finds unmanaged workload environments', () => {
    const fact = deriveSharing({
      environments: [
        env('prod', { type: 'Production', managed: true, sharing: limitedCanvas, solutionCheckerMode: 'block' }),
        env('sbx', { type: 'Sandbox', managed: true, sharing: limitedAgents }),
        env('dev', { type: 'Developer', managed: true }),
        env('prod2', { type: 'Production', managed: false }),
        env('trial', { type: 'Trial', managed: false }),
      ],
    });
    expect(fact.managedCount).toBe(3);
    expect(fact.limited.map((e) => e.id)).toEqual(['prod', 'sbx']);
    expect(fact.managed.find((m) => m.id === 'sbx')?.limitedKinds).toEqual(['agents']);
    expect(fact.managed.find((m) => m.id === 'prod')).toMatchObject({ canvasAppsMode: 'excludeSharingToSecurityGroups', canvasAppsMaxUsers: 10, solutionCheckerMode: 'block' });
    expect(fact.managedWithoutLimits.map((e) => e.id)).toEqual(['dev']);
    expect(fact.unmanagedProductionOrSandbox.map((e) => e.id)).toEqual(['prod2']);
    expect(fact.productionOrSandboxCount).toBe(3);
  });

  it('is empty for a tenant without managed environments', () => {
    expect(deriveSharing({ environments: [env('a')] })).toMatchObject({ managedCount: 0, limitedCount: 0, unmanagedProductionOrSandbox: [{ id: 'a' }] });
  });
});
