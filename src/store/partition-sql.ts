/**
 * Bulk writes of partition documents straight through node-postgres, not Prisma: Prisma's
 * client keeps the arguments of its last 100 queries in memory (its debug history, even with
 * debugging off), which for batches of inventory documents would hold thousands of them; and
 * the canonical JSON goes to PostgreSQL as it is (`::jsonb`), never parsed back into objects.
 * Same tables and columns as the Prisma schema (`evidence`, `scan_evidence`).
 *
 * Documents are stored while the scan collects, unlinked; the scan links them at the end
 * through its manifests (partition-manifest.ts), in one transaction. Until then only the
 * retention sweep could see them, and it does not run while a scan is running.
 */
import type pg from 'pg';
import type { CanonicalDocument } from '../evidence/content-hash.js';
import { MANIFEST_KIND, type PartitionManifest } from './partition-manifest.js';

const INSERT_EVIDENCE = `
INSERT INTO "evidence" ("hash", "kind", "content", "bytes")
SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::int[])
ON CONFLICT ("hash") DO NOTHING`;

const INSERT_SCAN_EVIDENCE = `
INSERT INTO "scan_evidence" ("scan_id", "key", "status", "evidence_hash", "collected_at")
SELECT $1::int, k, 'ok'::"CollectorStatus", h, c FROM unnest($2::text[], $3::text[], $4::timestamptz[]) AS t(k, h, c)
ON CONFLICT ("scan_id", "key") DO NOTHING`;

/** Stores the documents (content-addressed, unlinked) in one statement; returns how many were new. */
export async function insertPartitionDocuments(pool: pg.Pool | pg.PoolClient, documents: readonly { kind: string; doc: CanonicalDocument }[]): Promise<number> {
  const inserted = await pool.query(INSERT_EVIDENCE, [
    documents.map((d) => d.doc.hash),
    documents.map((d) => d.kind),
    documents.map((d) => d.doc.json),
    documents.map((d) => d.doc.bytes),
  ]);
  return inserted.rowCount ?? 0;
}

/** Stores the manifests and links each to the scan, in one transaction; returns how many manifests were new. */
export async function linkManifests(pool: pg.Pool, scanId: number, manifests: readonly PartitionManifest[]): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const created = await insertPartitionDocuments(client, manifests.map((m) => ({ kind: MANIFEST_KIND, doc: m.doc })));
    await client.query(INSERT_SCAN_EVIDENCE, [scanId, manifests.map((m) => m.key), manifests.map((m) => m.doc.hash), manifests.map((m) => m.collectedAt.toISOString())]);
    await client.query('COMMIT');
    return created;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
