/**
 * Each change and its audit event are written in one transaction: a change that fails leaves
 * no event, an event that cannot be written undoes the change, and a request that changes
 * nothing writes nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { actorOf, createAuditedChanges, type Actor, type AuditedChanges } from '../../src/api/audited-changes.js';
import { createAuditRepository, type AuditRepository } from '../../src/store/audit-repository.js';
import { createTenantTargetsRepository } from '../../src/store/tenant-targets-repository.js';
import { createTokenRepository } from '../../src/store/token-repository.js';
import { insertAlert, TENANT } from '../support/alert-rows.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let changes: AuditedChanges;
const now = new Date('2026-03-01T09:00:00.000Z');
const clock = () => now;
const ann: Actor = { kind: 'session', id: 'oid-ann', name: 'ann@contoso.example' };
const CAP = 'security.300.compliance-audits';

beforeAll(async () => {
  db = await openTestDatabase();
  changes = createAuditedChanges(db.prisma, { clock });
  await db.prisma.tenant.create({ data: { id: TENANT.id, displayName: TENANT.displayName } });
});
afterAll(async () => {
  await db?.dispose();
});
beforeEach(async () => {
  await db.prisma.auditEvent.deleteMany();
});

const events = () => db.prisma.auditEvent.findMany({ orderBy: { id: 'asc' } });

describe('audited changes', () => {
  it('records an attestation by the actor, now, with its event', async () => {
    const record = await changes.attest({ tenantId: TENANT.id, capabilityId: CAP, outcome: 'met', statement: 'Audited in January.' }, ann);
    expect(record).toMatchObject({ attestedBy: 'ann@contoso.example', attestedAt: now, createdAt: now, expiresAt: new Date('2027-03-01T09:00:00.000Z') });
    expect(await events()).toEqual([
      expect.objectContaining({
        at: now,
        actor: 'ann@contoso.example',
        actorKind: 'session',
        action: 'attestation.create',
        tenantId: TENANT.id,
        target: `attestation:${record.id}`,
        details: expect.objectContaining({ capabilityId: CAP, outcome: 'met', statement: 'Audited in January.', attestedBy: 'ann@contoso.example', actorId: 'oid-ann' }),
      }),
    ]);
  });

  it('acknowledges an alert once: the first acknowledgement stands and a second writes no event', async () => {
    const alertId = await insertAlert(db.prisma);
    const first = await changes.acknowledgeAlert(alertId, null, ann);
    expect(first).toEqual({ id: alertId, tenantId: TENANT.id, acknowledgedBy: 'ann@contoso.example', acknowledgedAt: now, changed: true });
    const again = await changes.acknowledgeAlert(alertId, [TENANT.id], { kind: 'token', id: 'abc', name: 'bot' });
    expect(again).toMatchObject({ acknowledgedBy: 'ann@contoso.example', changed: false });
    expect((await events()).map((e) => [e.action, e.target, e.tenantId])).toEqual([['alert.acknowledge', `alert:${alertId}`, TENANT.id]]);
  });

  it.each([
    ['an unknown alert', () => Promise.resolve(999_999), null, 'PPMAT_E_ALERT_UNKNOWN'],
    // As every route answers for another tenant's data (api/access.ts assertTenant).
    ['an alert outside the caller\'s tenants', () => insertAlert(db.prisma), ['another-tenant'], 'PPMAT_E_FORBIDDEN'],
  ])('refuses to acknowledge %s', async (_name, alert, scope, code) => {
    const alertId = await alert();
    await expect(changes.acknowledgeAlert(alertId, scope, ann)).rejects.toMatchObject({ code });
    expect(await events()).toEqual([]);
  });

  it('sets and resets targets, each with its event (a reset of nothing writes none)', async () => {
    const targets = [{ area: 'security' as const, level: 300 as const, by: '2026-12-31' }];
    expect(await changes.setTargets(TENANT.id, targets, ann)).toEqual({ targets, setBy: 'ann@contoso.example', setAt: now });
    expect(await changes.resetTargets(TENANT.id, ann)).toBe(true);
    expect(await changes.resetTargets(TENANT.id, ann)).toBe(false);
    expect((await events()).map((e) => [e.action, e.target, e.details])).toEqual([
      ['tenant.targets.set', `tenant:${TENANT.id}`, { targets, previous: null, actorId: 'oid-ann' }],
      ['tenant.targets.reset', `tenant:${TENANT.id}`, { previous: targets, actorId: 'oid-ann' }],
    ]);
  });

  it('creates and revokes tokens with events that never hold the secret; revoking twice writes one event', async () => {
    const { token, record } = await changes.createToken({ name: 'ci', role: 'attester', tenants: [TENANT.id], expiresAt: null }, ann);
    expect(record.createdBy).toBe('ann@contoso.example');
    const revoked = await changes.revokeToken(record.id, ann);
    expect(revoked).toMatchObject({ revokedBy: 'ann@contoso.example', revokedAt: now });
    await changes.revokeToken(record.id, ann);
    const log = await events();
    expect(log.map((e) => [e.action, e.target])).toEqual([
      ['token.create', `token:${record.id}`],
      ['token.revoke', `token:${record.id}`],
    ]);
    expect(log[0]!.details).toEqual({ name: 'ci', role: 'attester', tenants: [TENANT.id], expiresAt: null, actorId: 'oid-ann' });
    const secret = token.slice(19);
    expect(JSON.stringify(log)).not.toContain(secret);
  });

  it.each<[string, (c: AuditedChanges) => Promise<unknown>, string]>([
    ['an invalid attestation', (c) => c.attest({ tenantId: TENANT.id, capabilityId: CAP, outcome: 'met', statement: ' ' }, ann), 'PPMAT_E_ATTESTATION_INVALID'],
    ['an attestation of a tenant not stored', (c) => c.attest({ tenantId: 'nobody', capabilityId: CAP, outcome: 'met', statement: 'x' }, ann), 'PPMAT_E_TENANT_UNKNOWN'],
    ['invalid targets', (c) => c.setTargets(TENANT.id, [{ area: 'security', level: 100 as 200, by: '2026-12-31' }], ann), 'PPMAT_E_REQUEST_INVALID'],
    ['targets of a tenant not stored', (c) => c.resetTargets('nobody', ann), 'PPMAT_E_TENANT_UNKNOWN'],
    ['a token without a name', (c) => c.createToken({ name: '', role: 'viewer', tenants: null, expiresAt: null }, ann), 'PPMAT_E_REQUEST_INVALID'],
    ['revoking an unknown token', (c) => c.revokeToken('000000000000', ann), 'PPMAT_E_TOKEN_UNKNOWN'],
  ])('a change that fails (%s) leaves no audit event', async (_name, change, code) => {
    await expect(change(changes)).rejects.toMatchObject({ code });
    expect(await events()).toEqual([]);
  });

  describe('when the audit event cannot be written, the change is undone', () => {
    const failing: AuditRepository = {
      record: async () => {
        throw new Error('audit log unavailable');
      },
      list: async () => [],
    };
    let broken: AuditedChanges;
    beforeAll(() => {
      broken = createAuditedChanges(db.prisma, { clock, audit: failing });
    });

    it.each<[string, () => Promise<unknown>, () => Promise<unknown>]>([
      [
        'attest',
        () => broken.attest({ tenantId: TENANT.id, capabilityId: 'governance.200.tenant-analytics', outcome: 'met', statement: 'Lost?' }, ann),
        () => db.prisma.attestation.count({ where: { capabilityId: 'governance.200.tenant-analytics' } }),
      ],
      [
        'acknowledgeAlert',
        async () => broken.acknowledgeAlert(await insertAlert(db.prisma, { key: 'unacknowledged' }), null, ann),
        () => db.prisma.alert.count({ where: { key: 'unacknowledged', acknowledgedAt: { not: null } } }),
      ],
      [
        'setTargets',
        () => broken.setTargets(TENANT.id, [{ area: 'governance', level: 400, by: '2027-01-01' }], ann),
        async () => (await createTenantTargetsRepository(db.prisma).get(TENANT.id)) ?? 0,
      ],
      [
        'createToken',
        () => broken.createToken({ name: 'never', role: 'admin', tenants: null, expiresAt: null }, ann),
        () => db.prisma.apiToken.count({ where: { name: 'never' } }),
      ],
    ])('%s', async (_name, change, stored) => {
      await expect(change()).rejects.toThrow('audit log unavailable');
      expect(await stored()).toBe(0);
      expect(await events()).toEqual([]);
    });

    it('revokeToken', async () => {
      const { record } = await createTokenRepository(db.prisma, { clock }).create({ name: 'kept', role: 'viewer', tenants: null, expiresAt: null, createdBy: 'test' });
      await expect(broken.revokeToken(record.id, ann)).rejects.toThrow('audit log unavailable');
      expect((await db.prisma.apiToken.findUniqueOrThrow({ where: { id: record.id } })).revokedAt).toBeNull();
    });

    it('resetTargets', async () => {
      await changes.setTargets(TENANT.id, [{ area: 'security', level: 200, by: '2026-06-30' }], ann);
      await expect(broken.resetTargets(TENANT.id, ann)).rejects.toThrow('audit log unavailable');
      expect(await createTenantTargetsRepository(db.prisma).get(TENANT.id)).toMatchObject({ targets: [{ area: 'security', level: 200 }] });
    });
  });

  it('takes the actor of an API caller from its principal', () => {
    expect(actorOf({ kind: 'token', id: 'abc', name: 'ci', role: 'admin', tenants: null })).toEqual({ kind: 'token', id: 'abc', name: 'ci' });
  });

  it('uses the audit repository of the same database by default', async () => {
    const audit = createAuditRepository(db.prisma, { clock });
    await changes.setTargets(TENANT.id, [], ann);
    expect((await audit.list({ limit: 1 }))[0]).toMatchObject({ action: 'tenant.targets.set' });
  });
});
