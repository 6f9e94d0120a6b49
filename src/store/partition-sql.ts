/**
 * Bulk writes of partition documents straight through node-postgres, not Prisma: Prisma's
 * client keeps the arguments of its last 100 queries in memory (its debug history, even with
 * debugging off), which for batches of inventory documents would hold thousands of them; and
 * the canonical JSON goes to PostgreSQL as it is (`::jsonb`), never parsed back into objects.
 * Same tables and columns as the Prisma schema (`evidence`, `scan_evidence`).
 */
import type pg from 'pg';
import type { PartitionDocument } from './scan-repository.js';

const INSERT_EVIDENCE = `
INSERT INTO "evidence" ("hash", "kind", "content", "bytes")
SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::int[])
ON CONFLICT ("hash") DO NOTHING`;

const INSERT_SCAN_EVIDENCE = `
INSERT INTO "scan_evidence" ("scan_id", "key", "status", "evidence_hash", "collected_at")
SELECT $1::int, k, 'ok'::"CollectorStatus", h, c FROM unnest($2::text[], $3::text[], $4::timestamptz[]) AS t(k, h, c)`;

/** Stores the documents and links them to the scan in one transaction; returns how many documents were new. */
export async function insertPartitions(pool: pg.Pool, scanId: number, documents: readonly PartitionDocument[]): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const inserted = await client.query(INSERT_EVIDENCE, [
      documents.map((d) => d.doc.hash),
      documents.map((d) => d.kind),
      documents.map((d) => d.doc.json),
      documents.map((d) => d.doc.bytes),
    ]);
    await client.query(INSERT_SCAN_EVIDENCE, [scanId, documents.map((d) => d.key), documents.map((d) => d.doc.hash), documents.map((d) => d.collectedAt.toISOString())]);
    await client.query('COMMIT');
    return inserted.rowCount ?? 0;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
