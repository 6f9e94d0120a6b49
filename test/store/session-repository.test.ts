/** Browser sessions: only the cookie's hash is stored; expired, unknown and signed-out sessions are no session. */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/api/auth/principal.js';
import { createSessionRepository, type SessionRepository } from '../../src/store/session-repository.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let sessions: SessionRepository;
const now = new Date('2026-03-01T09:00:00.000Z');
const later = (hours: number) => new Date(now.getTime() + hours * 3_600_000);
const ann: Principal = { kind: 'entra', id: 'oid-ann', name: 'ann@contoso.example', role: 'attester', tenants: null };

beforeAll(async () => {
  db = await openTestDatabase();
  sessions = createSessionRepository(db.prisma, { clock: () => now });
});
afterAll(async () => {
  await db?.dispose();
});

describe('session repository', () => {
  it('creates a random cookie value, stores only its sha256, and reads the principal back as a session', async () => {
    const cookie = await sessions.create(ann, later(8));
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await db.prisma.webSession.findMany();
    expect(rows.map((r) => r.idHash)).toContain(createHash('sha256').update(cookie).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(cookie);
    expect(await sessions.get(cookie, later(1))).toEqual({ ...ann, kind: 'session' });
  });

  it.each([
    ['an unknown cookie', async () => 'x'.repeat(43), later(1)],
    ['an empty cookie', async () => '', later(1)],
    ['an expired session', () => sessions.create(ann, later(8)), later(8)],
  ])('answers null for %s', async (_name, cookie, at) => {
    expect(await sessions.get(await cookie(), at)).toBeNull();
  });

  it('deletes a session on sign-out, and purges expired ones', async () => {
    const cookie = await sessions.create(ann, later(8));
    await sessions.delete(cookie);
    expect(await sessions.get(cookie, later(1))).toBeNull();
    await sessions.delete(cookie);

    await db.prisma.webSession.deleteMany();
    const short = await sessions.create(ann, later(1));
    const long = await sessions.create({ ...ann, tenants: ['t1'] }, later(10));
    expect(await sessions.purgeExpired(later(2))).toBe(1);
    expect(await sessions.get(short, now)).toBeNull();
    expect(await sessions.get(long, later(2))).toMatchObject({ kind: 'session', tenants: ['t1'] });
  });

  it('treats a corrupt row as no session', async () => {
    const cookie = await sessions.create(ann, later(8));
    await db.prisma.webSession.update({ where: { idHash: createHash('sha256').update(cookie).digest('hex') }, data: { principal: { id: 'x', role: 'root' } } });
    expect(await sessions.get(cookie, now)).toBeNull();
  });
});
