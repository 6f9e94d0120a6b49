/**
 * Scan leases against the test database (PGlite, and PostgreSQL when
 * PPMAT_TEST_DATABASE_URL is set, where concurrent attempts really race on several connections).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLeaseRepository, isLive, type LeaseRepository } from '../../src/store/lease-repository.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

const TTL = 120_000;
const start = new Date('2026-11-27T02:00:00.000Z');

describe('lease repository', () => {
  let db: TestDatabase;
  let now: Date;
  let leases: LeaseRepository;
  let tenant: string;
  let n = 0;
  beforeAll(async () => {
    db = await openTestDatabase();
    leases = createLeaseRepository(db.prisma, { clock: () => now });
  });
  beforeEach(() => {
    now = start;
    tenant = `tenant-${(n += 1)}`;
  });
  afterAll(async () => {
    await db?.dispose();
  });
  const later = (ms: number) => (now = new Date(now.getTime() + ms));

  it('acquires a free tenant for the TTL and says who holds it', async () => {
    const lease = await leases.acquire(tenant, 'host-1:4242:aa', TTL);
    expect(lease).toEqual({ tenantId: tenant, holder: 'host-1:4242:aa', scanId: null, acquiredAt: start, expiresAt: new Date(start.getTime() + TTL), ttlMs: TTL });
    expect(await leases.current(tenant)).toEqual({ tenantId: tenant, holder: 'host-1:4242:aa', scanId: null, acquiredAt: start, expiresAt: new Date(start.getTime() + TTL) });
    expect(await leases.current('nobody')).toBeNull();
  });

  it('refuses a tenant another holder has, until its lease has expired, then takes it over', async () => {
    await leases.acquire(tenant, 'host-1:1:aa', TTL);
    later(TTL); // expires_at == now: still held
    expect(await leases.acquire(tenant, 'host-2:2:bb', TTL)).toBeNull();
    later(1);
    const taken = await leases.acquire(tenant, 'host-2:2:bb', TTL);
    expect(taken).toMatchObject({ holder: 'host-2:2:bb', acquiredAt: now, scanId: null });
    expect(await leases.current(tenant)).toMatchObject({ holder: 'host-2:2:bb' });
  });

  it('lets its holder acquire again, keeping the start and forgetting the scan', async () => {
    const first = (await leases.acquire(tenant, 'h:1:aa', TTL))!;
    await leases.attach(first, 7);
    later(1_000);
    const again = await leases.acquire(tenant, 'h:1:aa', TTL);
    expect(again).toMatchObject({ acquiredAt: start, scanId: null, expiresAt: new Date(now.getTime() + TTL) });
  });

  it('renews from now while held, and not once another holder took it', async () => {
    const lease = (await leases.acquire(tenant, 'h:1:aa', TTL))!;
    later(40_000);
    const renewed = await leases.renew(lease);
    expect(renewed).toMatchObject({ holder: 'h:1:aa', acquiredAt: start, expiresAt: new Date(now.getTime() + TTL), ttlMs: TTL });
    later(TTL + 1);
    expect(await leases.acquire(tenant, 'h:2:bb', TTL)).not.toBeNull();
    expect(await leases.renew(renewed!)).toBeNull();
    expect(await leases.attach(renewed!, 9)).toBe(false);
  });

  it('records the scan a lease is for', async () => {
    const lease = (await leases.acquire(tenant, 'h:1:aa', TTL))!;
    expect(await leases.attach(lease, 42)).toBe(true);
    expect(await leases.current(tenant)).toMatchObject({ scanId: 42 });
  });

  it('is released by its holder only', async () => {
    const lease = (await leases.acquire(tenant, 'h:1:aa', TTL))!;
    expect(await leases.release({ tenantId: tenant, holder: 'h:2:bb' })).toBe(false);
    expect(await leases.current(tenant)).not.toBeNull();
    expect(await leases.release(lease)).toBe(true);
    expect(await leases.current(tenant)).toBeNull();
    expect(await leases.release(lease)).toBe(false);
    expect(await leases.acquire(tenant, 'h:2:bb', TTL)).not.toBeNull();
  });

  it.each([
    ['a free tenant', false],
    ['an expired lease', true],
  ])('gives %s to exactly one of 20 holders trying at once', async (_, expiredFirst) => {
    if (expiredFirst) {
      await leases.acquire(tenant, 'dead:1:00', TTL);
      later(TTL + 1);
    }
    const holders = Array.from({ length: 20 }, (_, i) => `host-${i}:${1000 + i}:${i.toString(16)}`);
    const results = await Promise.all(holders.map((holder) => leases.acquire(tenant, holder, TTL)));
    const winners = results.filter((lease) => lease !== null);
    expect(winners).toHaveLength(1);
    expect(await leases.current(tenant)).toMatchObject({ holder: winners[0]!.holder });
  });

  it('tells a live lease from an expired one', () => {
    const lease = { expiresAt: new Date(start.getTime() + TTL) };
    expect(isLive(lease, new Date(start.getTime() + TTL))).toBe(true);
    expect(isLive(lease, new Date(start.getTime() + TTL + 1))).toBe(false);
  });
});
