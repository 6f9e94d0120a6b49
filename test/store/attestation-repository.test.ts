/**
 * The attestation store: records are only added, the latest per (tenant, capability) is in
 * force (expired or not), the history keeps every record, and bad records are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAttestationRepository,
  defaultExpiry,
  toScoringAttestation,
  type AttestationInput,
  type AttestationRepository,
} from '../../src/store/attestation-repository.js';
import { createScanRepository } from '../../src/store/scan-repository.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

const tenant = (id: string) => ({ id, displayName: id, cloud: 'public', schedule: '0 2 * * *', timezone: 'UTC', enabled: true });
const CAP = 'security.300.compliance-audits';
const OTHER = 'governance.200.tenant-analytics';

describe('attestation repository', () => {
  let db: TestDatabase;
  let now = new Date('2026-03-01T09:00:00Z');
  let repo: AttestationRepository;
  beforeAll(async () => {
    db = await openTestDatabase();
    repo = createAttestationRepository(db.prisma, { clock: () => now });
    const scans = createScanRepository(db.prisma, { pool: db.pool });
    for (const id of ['t-history', 't-latest', 't-expired', 't-refused', 't-other']) await scans.upsertTenant(tenant(id));
  });
  afterAll(async () => {
    await db?.dispose();
  });

  /** Records at the given (fake) wall time. */
  const recordAt = async (createdAt: string, input: Partial<AttestationInput> & { tenantId: string }) => {
    now = new Date(createdAt);
    return repo.record({
      capabilityId: CAP,
      outcome: 'met',
      statement: 'Audited.',
      attestedBy: 'ann@contoso.example',
      attestedAt: new Date('2026-01-15T00:00:00Z'),
      ...input,
    });
  };

  it('records with a default expiry 12 months after the date, and keeps every record in the history', async () => {
    const first = await recordAt('2026-02-01T10:00:00Z', { tenantId: 't-history', evidenceUrl: 'https://contoso.example/audit' });
    const second = await recordAt('2026-02-02T10:00:00Z', { tenantId: 't-history', outcome: 'not_met', statement: 'The audit found gaps.', attestedAt: new Date('2026-02-02T00:00:00Z') });
    await recordAt('2026-02-03T10:00:00Z', { tenantId: 't-history', capabilityId: OTHER });
    expect(first).toMatchObject({
      tenantId: 't-history',
      capabilityId: CAP,
      outcome: 'met',
      evidenceUrl: 'https://contoso.example/audit',
      attestedAt: new Date('2026-01-15T00:00:00Z'),
      expiresAt: new Date('2027-01-15T00:00:00Z'),
      createdAt: new Date('2026-02-01T10:00:00Z'),
    });
    expect(second.evidenceUrl).toBeNull();
    const history = await repo.history('t-history', CAP);
    expect(history.map((r) => [r.id, r.outcome])).toEqual([
      [second.id, 'not_met'],
      [first.id, 'met'],
    ]);
    expect((await repo.history('t-history')).map((r) => r.capabilityId)).toEqual([OTHER, CAP, CAP]);
    expect(await repo.history('t-other')).toEqual([]);
  });

  it('puts the latest record per capability in force, even one dated earlier (a correction)', async () => {
    await recordAt('2026-02-01T10:00:00Z', { tenantId: 't-latest', outcome: 'met', attestedAt: new Date('2026-02-01T00:00:00Z') });
    const correction = await recordAt('2026-02-05T10:00:00Z', { tenantId: 't-latest', outcome: 'not_met', statement: 'Wrong audit cited.', attestedAt: new Date('2026-01-20T00:00:00Z') });
    const other = await recordAt('2026-02-06T10:00:00Z', { tenantId: 't-latest', capabilityId: OTHER });
    const inForce = await repo.inForce('t-latest', new Date('2026-03-01T00:00:00Z'));
    expect(inForce.map((r) => r.id)).toEqual([other.id, correction.id]);
    expect(inForce[1]).toMatchObject({ outcome: 'not_met', statement: 'Wrong audit cited.' });
  });

  it('answers as of an instant: records made later are not yet in force', async () => {
    const asOf = await repo.inForce('t-latest', new Date('2026-02-03T00:00:00Z'));
    expect(asOf.map((r) => [r.capabilityId, r.outcome])).toEqual([[CAP, 'met']]);
    expect(await repo.inForce('t-latest', new Date('2026-01-01T00:00:00Z'))).toEqual([]);
  });

  it('keeps an expired latest record in force, so scoring can say when it expired', async () => {
    await recordAt('2026-02-01T10:00:00Z', { tenantId: 't-expired', attestedAt: new Date('2020-01-01T00:00:00Z'), expiresAt: new Date('2021-01-01T00:00:00Z') });
    const [record] = await repo.inForce('t-expired', new Date('2026-03-01T00:00:00Z'));
    expect(toScoringAttestation(record!)).toEqual({
      capabilityId: CAP,
      by: 'ann@contoso.example',
      at: '2020-01-01T00:00:00.000Z',
      reason: 'Audited.',
      expires: '2021-01-01T00:00:00.000Z',
      outcome: 'met',
    });
  });

  it.each([
    ['an expiry before the date', { expiresAt: new Date('2026-01-01T00:00:00Z') }, /expiry 2026-01-01 is not after the attestation's date 2026-01-15/],
    ['an expiry on the date', { expiresAt: new Date('2026-01-15T00:00:00Z') }, /not after/],
    ['a date in the future', { attestedAt: new Date('2026-03-02T00:00:00Z') }, /in the future/],
    ['an empty statement', { statement: '  ' }, /statement is empty/],
    ['nobody', { attestedBy: '' }, /who attests is empty/],
    ['a link that is not http(s)', { evidenceUrl: 'file:///etc/passwd' }, /not an http\(s\) URL/],
    ['an invalid date', { attestedAt: new Date('nope') }, /not a valid date/],
  ])('refuses %s with PPMAT_E_ATTESTATION_INVALID and records nothing', async (_name, patch, message) => {
    await expect(recordAt('2026-03-01T09:00:00Z', { tenantId: 't-refused', ...patch })).rejects.toMatchObject({ code: 'PPMAT_E_ATTESTATION_INVALID', message: expect.stringMatching(message) });
    expect(await repo.history('t-refused')).toEqual([]);
  });

  it('refuses an attestation of a tenant the store does not know (foreign key)', async () => {
    await expect(recordAt('2026-03-01T09:00:00Z', { tenantId: 'nobody' })).rejects.toThrow();
  });

  it('computes the default expiry in calendar months (UTC)', () => {
    expect(defaultExpiry(new Date('2026-11-27T09:30:00Z')).toISOString()).toBe('2027-11-27T09:30:00.000Z');
  });
});
