/** The audit log: events with their actor, newest first, paged by id, filtered by tenant. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditRepository, type Actor } from '../../src/store/audit-repository.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.dispose();
});

const ann: Actor = { kind: 'entra', id: 'oid-ann', name: 'ann@contoso.example' };

describe('audit repository', () => {
  it('records events with the actor (name, kind, id) and lists them newest first, paged and by tenant', async () => {
    const audit = createAuditRepository(db.prisma, { clock: () => new Date('2026-03-01T09:00:00.000Z') });
    const first = await audit.record({ actor: ann, action: 'attestation.create', tenantId: 't1', target: 'attestation:1', details: { outcome: 'met' } });
    expect(first).toEqual({
      id: first.id,
      at: new Date('2026-03-01T09:00:00.000Z'),
      actor: 'ann@contoso.example',
      actorKind: 'entra',
      action: 'attestation.create',
      tenantId: 't1',
      target: 'attestation:1',
      details: { outcome: 'met', actorId: 'oid-ann' },
    });
    const second = await audit.record({ actor: { kind: 'cli', id: 'bob', name: 'cli:bob' }, action: 'token.create', target: 'token:abc', at: new Date('2026-03-02T00:00:00.000Z') });
    const third = await audit.record({ actor: ann, action: 'alert.acknowledge', tenantId: 't2', target: 'alert:4' });

    expect((await audit.list({ limit: 10 })).map((e) => e.id)).toEqual([third.id, second.id, first.id]);
    expect((await audit.list({ limit: 1 })).map((e) => e.id)).toEqual([third.id]);
    expect((await audit.list({ limit: 10, before: third.id })).map((e) => e.id)).toEqual([second.id, first.id]);
    expect((await audit.list({ limit: 10, tenantId: 't1' })).map((e) => e.id)).toEqual([first.id]);
    expect(second).toMatchObject({ tenantId: null, actorKind: 'cli', at: new Date('2026-03-02T00:00:00.000Z'), details: { actorId: 'bob' } });
  });

  it('writes in the transaction it is given: a rolled-back transaction leaves no event', async () => {
    const audit = createAuditRepository(db.prisma, { clock: () => new Date() });
    const before = await db.prisma.auditEvent.count();
    await expect(
      db.prisma.$transaction(async (tx) => {
        await audit.record({ actor: ann, action: 'token.revoke', target: 'token:x' }, tx);
        expect(await tx.auditEvent.count()).toBe(before + 1);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await db.prisma.auditEvent.count()).toBe(before);
  });
});
