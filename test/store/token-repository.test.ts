/**
 * API tokens: the plaintext is returned once and never stored (only sha256 of the secret),
 * verification names why a token is refused, compares hashes in constant time (also for an
 * unknown id), and records the last use at most once a minute.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenRepository, isApiToken, type TokenRepository } from '../../src/store/token-repository.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let now = new Date('2026-03-01T09:00:00.000Z');
const clock = () => now;
const comparisons: [Buffer, Buffer][] = [];
let repo: TokenRepository;

beforeAll(async () => {
  db = await openTestDatabase();
  repo = createTokenRepository(db.prisma, {
    clock,
    compare: (a, b) => {
      comparisons.push([a, b]);
      return timingSafeEqual(a, b);
    },
  });
});
afterAll(async () => {
  await db?.dispose();
});

const base = { name: 'ci pipeline', role: 'viewer' as const, tenants: null, expiresAt: null, createdBy: 'cli:ann' };

describe('token repository', () => {
  it('creates ppmat_<id>_<secret>, returns the plaintext once and stores only the hash of the secret', async () => {
    const { token, record } = await repo.create({ ...base, tenants: ['t1', 't2'] });
    expect(token).toMatch(/^ppmat_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(isApiToken(token)).toBe(true);
    expect(token.slice(6, 18)).toBe(record.id);
    expect(record).toEqual({
      id: record.id,
      name: 'ci pipeline',
      role: 'viewer',
      tenants: ['t1', 't2'],
      createdBy: 'cli:ann',
      createdAt: now,
      expiresAt: null,
      revokedAt: null,
      revokedBy: null,
      lastUsedAt: null,
    });
    const secret = token.slice(19);
    const row = await db.prisma.apiToken.findUniqueOrThrow({ where: { id: record.id } });
    expect(row.secretHash).toBe(createHash('sha256').update(secret).digest('hex'));
    const stored = JSON.stringify((await db.pool.query('SELECT * FROM api_token')).rows);
    expect(stored).not.toContain(secret);
    expect(JSON.stringify(await repo.list())).not.toContain(row.secretHash);
  });

  it('verifies a good token, with its record, and records the last use at most once a minute', async () => {
    now = new Date('2026-03-01T10:00:00.000Z');
    const { token, record } = await repo.create({ ...base, role: 'admin' });
    const first = await repo.verify(token);
    expect(first).toEqual({ ok: true, record: { ...record, lastUsedAt: now } });
    const usedAt = now;
    now = new Date(usedAt.getTime() + 30_000);
    expect(await repo.verify(token)).toMatchObject({ ok: true, record: { lastUsedAt: usedAt } });
    expect((await db.prisma.apiToken.findUniqueOrThrow({ where: { id: record.id } })).lastUsedAt).toEqual(usedAt);
    now = new Date(usedAt.getTime() + 61_000);
    expect(await repo.verify(token)).toMatchObject({ ok: true, record: { lastUsedAt: now } });
    expect((await db.prisma.apiToken.findUniqueOrThrow({ where: { id: record.id } })).lastUsedAt).toEqual(now);
  });

  it.each([
    ['empty', () => '', 'malformed'],
    ['a JWT', () => 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', 'malformed'],
    ['a short secret', (t: string) => t.slice(0, -1), 'malformed'],
    ['an upper-case id', (t: string) => t.replace(/^ppmat_([0-9a-f]{12})/, (_m, id: string) => `ppmat_${id.toUpperCase()}`), 'malformed'],
    ['another secret', (t: string) => `${t.slice(0, -1)}${t.endsWith('A') ? 'B' : 'A'}`, 'unknown'],
    ['an unknown id', (t: string) => t.replace(/^ppmat_[0-9a-f]{12}/, 'ppmat_000000000000'), 'unknown'],
  ])('refuses %s as %s', async (_name, mangle, reason) => {
    now = new Date('2026-03-01T11:00:00.000Z');
    const { token } = await repo.create(base);
    expect(await repo.verify(mangle(token))).toEqual({ ok: false, reason });
  });

  it('compares hashes in constant time, against a dummy hash when the id is unknown', async () => {
    const { token } = await repo.create(base);
    comparisons.length = 0;
    await repo.verify(token);
    await repo.verify(token.replace(/^ppmat_[0-9a-f]{12}/, 'ppmat_ffffffffffff'));
    expect(comparisons).toHaveLength(2);
    for (const [a, b] of comparisons) {
      expect(a).toHaveLength(32);
      expect(b).toHaveLength(32);
    }
    expect(comparisons[0]![0].equals(comparisons[0]![1])).toBe(true);
    expect(comparisons[1]![0].equals(comparisons[1]![1])).toBe(false);
  });

  it('refuses an expired token, and one revoked; revoking twice keeps the first revocation', async () => {
    now = new Date('2026-03-01T12:00:00.000Z');
    const expiring = await repo.create({ ...base, expiresAt: new Date('2026-03-02T12:00:00.000Z') });
    expect((await repo.verify(expiring.token)).ok).toBe(true);
    now = new Date('2026-03-02T12:00:00.000Z');
    expect(await repo.verify(expiring.token)).toEqual({ ok: false, reason: 'expired' });

    const revoked = await repo.create(base);
    const record = await repo.revoke(revoked.record.id, 'cli:bob');
    expect(record).toMatchObject({ id: revoked.record.id, revokedAt: now, revokedBy: 'cli:bob' });
    expect(await repo.verify(revoked.token)).toEqual({ ok: false, reason: 'revoked' });
    const later = now;
    now = new Date(now.getTime() + 60_000);
    expect(await repo.revoke(revoked.record.id, 'cli:carol')).toMatchObject({ revokedAt: later, revokedBy: 'cli:bob' });
  });

  it('refuses to revoke an unknown id, and to create a token without a name or with a past expiry', async () => {
    await expect(repo.revoke('nope', 'cli:bob')).rejects.toMatchObject({ code: 'PPMAT_E_TOKEN_UNKNOWN' });
    await expect(repo.create({ ...base, name: '  ' })).rejects.toMatchObject({ code: 'PPMAT_E_REQUEST_INVALID' });
    await expect(repo.create({ ...base, expiresAt: new Date(now.getTime() - 1) })).rejects.toMatchObject({ code: 'PPMAT_E_REQUEST_INVALID' });
  });

  it('lists every token newest first, without secrets, an empty tenant list read as every tenant', async () => {
    const list = await repo.list();
    expect(list.length).toBeGreaterThan(5);
    const times = list.map((t) => t.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const t of list) expect(Object.keys(t).sort()).toEqual(['createdAt', 'createdBy', 'expiresAt', 'id', 'lastUsedAt', 'name', 'revokedAt', 'revokedBy', 'role', 'tenants']);
    expect(list.filter((t) => t.tenants === null).length).toBeGreaterThan(0);
  });
});
