/**
 * Scans left `running` by a process that is gone are found through the tenant's lease:
 * aborted when no live lease covers them, left alone while their process still holds it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLeaseRepository } from '../../src/store/lease-repository.js';
import { createScanRepository, type ScanRepository } from '../../src/store/scan-repository.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

const now = new Date('2026-11-27T02:10:00.000Z');
const minutes = (m: number) => new Date(now.getTime() + m * 60_000);
const REASON = 'the process running this scan stopped before it finished';

interface LeaseRow {
  acquired: number;
  expires: number;
  /** The lease is for this scan (`self`), another one (`other`), or none yet (null). */
  scan: 'self' | 'other' | null;
}

describe('orphaned scans', () => {
  let db: TestDatabase;
  let store: ScanRepository;
  let n = 0;
  beforeAll(async () => {
    db = await openTestDatabase();
    store = createScanRepository(db.prisma, { pool: db.pool });
  });
  afterAll(async () => {
    await db?.dispose();
  });

  async function runningScan(startedMinutes: number, lease: LeaseRow | null): Promise<{ tenantId: string; scanId: number }> {
    const tenantId = `tenant-${(n += 1)}`;
    await store.upsertTenant({ id: tenantId, displayName: tenantId, cloud: 'public', schedule: '0 2 * * *', timezone: 'UTC', enabled: true });
    const scanId = await store.startScan({ tenantId, trigger: 'schedule', ruleSetVersion: 'v1', startedAt: minutes(startedMinutes) });
    if (lease) {
      await db.prisma.scanLease.create({
        data: {
          tenantId,
          holder: 'host-1:4242:aa',
          scanId: lease.scan === 'self' ? scanId : lease.scan === 'other' ? scanId + 1000 : null,
          acquiredAt: minutes(lease.acquired),
          expiresAt: minutes(lease.expires),
        },
      });
    }
    return { tenantId, scanId };
  }

  it.each<[string, 'running' | 'aborted', number, LeaseRow | null]>([
    ['no lease at all', 'aborted', -10, null],
    ['an expired lease for the scan', 'aborted', -10, { acquired: -10, expires: -1, scan: 'self' }],
    ['a live lease for the scan', 'running', -10, { acquired: -10, expires: 1, scan: 'self' }],
    ['a lease expiring right now', 'running', -10, { acquired: -10, expires: 0, scan: 'self' }],
    ['a live lease for another scan (taken over)', 'aborted', -10, { acquired: -1, expires: 1, scan: 'other' }],
    ['a live lease not yet attached, taken before the scan started', 'running', -5, { acquired: -6, expires: 1, scan: null }],
    ['a live lease not yet attached, taken after the scan started', 'aborted', -10, { acquired: -1, expires: 1, scan: null }],
  ])('a running scan with %s: %s', async (_, expected, started, lease) => {
    const { scanId } = await runningScan(started, lease);
    await store.abortOrphanedScans(now, REASON);
    const scan = await db.prisma.scan.findUniqueOrThrow({ where: { id: scanId } });
    expect(scan.status).toBe(expected);
    if (expected === 'aborted') expect(scan).toMatchObject({ error: REASON, finishedAt: now });
    else expect(scan).toMatchObject({ error: null, finishedAt: null });
  });

  it('leaves finished scans alone and counts what it aborted', async () => {
    const { tenantId, scanId } = await runningScan(-10, null);
    const done = await store.startScan({ tenantId, trigger: 'manual', ruleSetVersion: 'v1', startedAt: minutes(-20) });
    await store.endScan(done, 'failed', 'it failed', minutes(-19));
    expect(await store.abortOrphanedScans(now, REASON)).toBe(1);
    expect(await store.abortOrphanedScans(now, REASON)).toBe(0);
    expect((await db.prisma.scan.findUniqueOrThrow({ where: { id: done } })).error).toBe('it failed');
    expect((await db.prisma.scan.findUniqueOrThrow({ where: { id: scanId } })).status).toBe('aborted');
  });

  it('keeps the scan of a process that holds the lease through the repository, and aborts it once that lease is lost', async () => {
    const tenantId = `tenant-${(n += 1)}`;
    await store.upsertTenant({ id: tenantId, displayName: tenantId, cloud: 'public', schedule: '0 2 * * *', timezone: 'UTC', enabled: true });
    let clock = minutes(-3);
    const leases = createLeaseRepository(db.prisma, { clock: () => clock });
    const lease = (await leases.acquire(tenantId, 'host-1:1:aa', 120_000))!;
    const scanId = await store.startScan({ tenantId, trigger: 'schedule', ruleSetVersion: 'v1', startedAt: minutes(-3) });
    await leases.attach(lease, scanId);
    expect(await store.abortOrphanedScans(minutes(-2), REASON)).toBe(0);
    clock = minutes(0); // the holder stopped renewing; another process takes the tenant
    expect(await leases.acquire(tenantId, 'host-2:2:bb', 120_000)).not.toBeNull();
    expect(await store.abortOrphanedScans(now, REASON)).toBe(1);
    expect((await db.prisma.scan.findUniqueOrThrow({ where: { id: scanId } })).status).toBe('aborted');
  });

  it('tells when the last scan that is no longer running started', async () => {
    const tenantId = `tenant-${(n += 1)}`;
    await store.upsertTenant({ id: tenantId, displayName: tenantId, cloud: 'public', schedule: '0 2 * * *', timezone: 'UTC', enabled: true });
    expect(await store.lastScanStart(tenantId)).toBeNull();
    const aborted = await store.startScan({ tenantId, trigger: 'schedule', ruleSetVersion: 'v1', startedAt: minutes(-60) });
    await store.endScan(aborted, 'aborted', 'stopped', minutes(-59));
    await store.startScan({ tenantId, trigger: 'manual', ruleSetVersion: 'v1', startedAt: minutes(-1) });
    expect(await store.lastScanStart(tenantId)).toEqual(minutes(-60));
  });
});
