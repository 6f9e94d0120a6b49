/** Targets set through the API: validated as ppmat.yaml's, read back with who set them, reset to none. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenantTargetsRepository } from '../../src/store/tenant-targets-repository.js';
import type { AreaTarget } from '../../src/scoring/targets.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
  await db.prisma.tenant.create({ data: { id: 't1', displayName: 'Contoso' } });
});
afterAll(async () => {
  await db?.dispose();
});

const at = new Date('2026-03-01T09:00:00.000Z');

describe('tenant targets repository', () => {
  it('has none until set, then the set targets with who and when, and none again after a reset', async () => {
    const repo = createTenantTargetsRepository(db.prisma);
    expect(await repo.get('t1')).toBeNull();
    expect(await repo.get('nobody')).toBeNull();
    const targets: AreaTarget[] = [{ area: 'security', level: 300, by: '2026-12-31' }];
    expect(await repo.set('t1', targets, 'ann@contoso.example', at)).toEqual({ targets, setBy: 'ann@contoso.example', setAt: at });
    expect(await repo.get('t1')).toEqual({ targets, setBy: 'ann@contoso.example', setAt: at });
    expect(await repo.set('t1', [], 'ann@contoso.example', at)).toMatchObject({ targets: [] });
    expect(await repo.get('t1')).toMatchObject({ targets: [] });
    expect(await repo.reset('t1')).toBe(true);
    expect(await repo.get('t1')).toBeNull();
    expect(await repo.reset('t1')).toBe(false);
  });

  it.each([
    ['an unknown area', [{ area: 'nope', level: 300, by: '2026-12-31' }], /targets\.0\.area/],
    ['level 100', [{ area: 'security', level: 100, by: '2026-12-31' }], /targets\.0\.level/],
    ['a bad date', [{ area: 'security', level: 300, by: '31/12/2026' }], /targets\.0\.by/],
    ['two targets of one area', [{ area: 'security', level: 300, by: '2026-12-31' }, { area: 'security', level: 400, by: '2027-12-31' }], /one target per area/],
  ])('refuses %s with PPMAT_E_REQUEST_INVALID', async (_name, targets, message) => {
    const repo = createTenantTargetsRepository(db.prisma);
    await expect(repo.set('t1', targets as AreaTarget[], 'ann', at)).rejects.toMatchObject({ code: 'PPMAT_E_REQUEST_INVALID', message: expect.stringMatching(message) });
  });

  it('refuses a tenant that is not stored', async () => {
    const repo = createTenantTargetsRepository(db.prisma);
    await expect(repo.set('nobody', [], 'ann', at)).rejects.toMatchObject({ code: 'PPMAT_E_TENANT_UNKNOWN' });
    await expect(repo.reset('nobody')).rejects.toMatchObject({ code: 'PPMAT_E_TENANT_UNKNOWN' });
  });
});
