/** Roles include the weaker ones; a principal limited to tenants sees only those. */
import { describe, expect, it } from 'vitest';
import { isRole, roleAllows, tenantAllowed, type Principal, type Role } from '../../../src/api/auth/principal.js';

describe('roles and principals', () => {
  it.each<[Role, Role, boolean]>([
    ['viewer', 'viewer', true],
    ['viewer', 'attester', false],
    ['viewer', 'admin', false],
    ['attester', 'viewer', true],
    ['attester', 'attester', true],
    ['attester', 'admin', false],
    ['admin', 'viewer', true],
    ['admin', 'attester', true],
    ['admin', 'admin', true],
  ])('%s allows what needs %s: %s', (have, need, allowed) => {
    expect(roleAllows(have, need)).toBe(allowed);
  });

  it.each<[string[] | null, string, boolean]>([
    [null, 't1', true],
    [['t1', 't2'], 't2', true],
    [['t1'], 't2', false],
    [[], 't1', false],
  ])('tenants %j allow %s: %s', (tenants, tenantId, allowed) => {
    const principal: Principal = { kind: 'token', id: 'abc', name: 'ci', role: 'viewer', tenants };
    expect(tenantAllowed(principal, tenantId)).toBe(allowed);
  });

  it('knows its roles', () => {
    expect(['viewer', 'attester', 'admin', 'root', 3].map(isRole)).toEqual([true, true, true, false, false]);
  });
});
