/**
 * Scan leases: at most one process scans a tenant at a time, across processes and hosts
 * sharing one database. A lease is a row of `scan_lease` (one per tenant) that names its
 * holder and expires unless renewed, so a process that dies frees its tenants by itself.
 *
 * Every change is one SQL statement whose WHERE clause is the condition (free, expired,
 * or ours), so two processes racing for a tenant cannot both win: PostgreSQL serializes
 * them on the row and the loser's condition no longer holds.
 *
 * Times come from the injected clock, not the database's: hosts sharing a database are
 * expected to keep their clocks in step (NTP); the TTL (minutes) absorbs small drift.
 */
import type { PrismaClient } from '../generated/prisma/client.js';

/** A lease row as stored: who holds a tenant, since when, until when. */
export interface LeaseRecord {
  tenantId: string;
  /** The process: host, pid and a random id (see leaseHolderId). */
  holder: string;
  /** The scan the holder is running, once started. */
  scanId: number | null;
  acquiredAt: Date;
  expiresAt: Date;
}

/** A lease this process holds, with the time-to-live each renewal extends it by. */
export interface Lease extends LeaseRecord {
  ttlMs: number;
}

export interface LeaseRepository {
  /** Takes the tenant's lease when it is free, expired or already ours; null when another holder has it. */
  acquire(tenantId: string, holder: string, ttlMs: number): Promise<Lease | null>;
  /** Extends the lease by its TTL from now; null when it is no longer ours (another holder took it). */
  renew(lease: Lease): Promise<Lease | null>;
  /** Records the scan the lease is for; false when the lease is no longer ours. */
  attach(lease: Lease, scanId: number): Promise<boolean>;
  /** Frees the lease if it is still ours; false when it was not (taken over, or already freed). */
  release(lease: Pick<LeaseRecord, 'tenantId' | 'holder'>): Promise<boolean>;
  /** The tenant's lease row, expired or not; null when there is none. */
  current(tenantId: string): Promise<LeaseRecord | null>;
}

export interface LeaseRepositoryOptions {
  clock: () => Date;
}

interface LeaseRow {
  tenantId: string;
  holder: string;
  scanId: number | null;
  acquiredAt: Date;
  expiresAt: Date;
}

export function createLeaseRepository(prisma: PrismaClient, options: LeaseRepositoryOptions): LeaseRepository {
  const { clock } = options;
  const held = (row: LeaseRow | undefined, ttlMs: number): Lease | null => (row ? { ...toRecord(row), ttlMs } : null);

  return {
    async acquire(tenantId, holder, ttlMs) {
      const now = clock();
      const expiresAt = new Date(now.getTime() + ttlMs);
      // Re-acquiring our own lease keeps its start (it is the same holding) but forgets the scan.
      const rows = await prisma.$queryRaw<LeaseRow[]>`
        INSERT INTO "scan_lease" ("tenant_id", "holder", "scan_id", "acquired_at", "expires_at")
        VALUES (${tenantId}, ${holder}, NULL, ${now}::timestamptz, ${expiresAt}::timestamptz)
        ON CONFLICT ("tenant_id") DO UPDATE SET
          "holder" = EXCLUDED."holder",
          "scan_id" = NULL,
          "acquired_at" = CASE WHEN "scan_lease"."holder" = EXCLUDED."holder" THEN "scan_lease"."acquired_at" ELSE EXCLUDED."acquired_at" END,
          "expires_at" = EXCLUDED."expires_at"
        WHERE "scan_lease"."expires_at" < ${now}::timestamptz OR "scan_lease"."holder" = ${holder}
        RETURNING "tenant_id" AS "tenantId", "holder", "scan_id" AS "scanId", "acquired_at" AS "acquiredAt", "expires_at" AS "expiresAt"`;
      return held(rows[0], ttlMs);
    },

    async renew(lease) {
      const expiresAt = new Date(clock().getTime() + lease.ttlMs);
      const rows = await prisma.$queryRaw<LeaseRow[]>`
        UPDATE "scan_lease" SET "expires_at" = ${expiresAt}::timestamptz
        WHERE "tenant_id" = ${lease.tenantId} AND "holder" = ${lease.holder}
        RETURNING "tenant_id" AS "tenantId", "holder", "scan_id" AS "scanId", "acquired_at" AS "acquiredAt", "expires_at" AS "expiresAt"`;
      return held(rows[0], lease.ttlMs);
    },

    async attach(lease, scanId) {
      const count = await prisma.$executeRaw`
        UPDATE "scan_lease" SET "scan_id" = ${scanId}::int
        WHERE "tenant_id" = ${lease.tenantId} AND "holder" = ${lease.holder}`;
      return count > 0;
    },

    async release(lease) {
      const count = await prisma.$executeRaw`
        DELETE FROM "scan_lease" WHERE "tenant_id" = ${lease.tenantId} AND "holder" = ${lease.holder}`;
      return count > 0;
    },

    async current(tenantId) {
      const row = await prisma.scanLease.findUnique({ where: { tenantId } });
      return row ? toRecord(row) : null;
    },
  };
}

function toRecord(row: LeaseRow): LeaseRecord {
  return { tenantId: row.tenantId, holder: row.holder, scanId: row.scanId, acquiredAt: new Date(row.acquiredAt), expiresAt: new Date(row.expiresAt) };
}

/** Whether a lease still holds its tenant at `now`. */
export function isLive(lease: Pick<LeaseRecord, 'expiresAt'>, now: Date): boolean {
  return lease.expiresAt.getTime() >= now.getTime();
}
