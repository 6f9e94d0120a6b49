/**
 * Reads of what a scan stored under a key, whether the scan linked the document directly
 * (evidence families, and partition documents of databases written before manifests) or
 * through the manifest of the key's bucket (partition-manifest.ts). Every reader of partition
 * documents goes through here, so both layouts read the same.
 *
 * Raw SQL: the manifest entries are looked up in PostgreSQL (jsonb), so only the entries
 * asked for leave the database, never whole manifests. It runs through Prisma (the API's
 * readers have only Prisma) or, for bulk reads of documents, straight through node-postgres
 * (see partition-sql.ts for why).
 */
import type pg from 'pg';
import type { PrismaClient } from '../generated/prisma/client.js';
import { MANIFEST_KEY_PREFIX, MANIFEST_KIND, manifestKeyOf } from './partition-manifest.js';

/** Runs one SQL statement with positional parameters and gives its rows. */
export type RawQuery = <T>(sql: string, values: unknown[]) => Promise<T[]>;

export function queryViaPrisma(prisma: PrismaClient): RawQuery {
  return (sql, values) => prisma.$queryRawUnsafe(sql, ...values);
}

export function queryViaPool(pool: pg.Pool): RawQuery {
  return async <T>(sql: string, values: unknown[]) => (await pool.query(sql, values)).rows as T[];
}

/** What a scan holds under one key. */
export interface ResolvedKey {
  key: string;
  status: 'ok' | 'unavailable' | 'error';
  hash: string | null;
  bytes: number | null;
  reason: string | null;
  errorCode: string | null;
  /**
   * When it was collected. For a document listed in a manifest this is the manifest link's
   * `collected_at`: the time the last document of that bucket was put, so the document was
   * collected at or (by at most the scan's collection time) before it.
   */
  collectedAt: Date;
  /** How the scan links it: its own row, or an entry of a manifest. */
  via: 'direct' | 'manifest';
  /** The document, when asked for. */
  content?: unknown;
}

type Row = Omit<ResolvedKey, 'errorCode' | 'collectedAt'> & { error_code: string | null; collected_at: Date };

// A direct row wins over a manifest entry (a scan never has both for one key).
const resolveSql = (withContent: boolean) => `
WITH wanted AS (SELECT * FROM unnest($2::text[], $3::text[]) AS w("key", "manifest_key")),
found AS (
  SELECT d."key", d."status"::text AS "status", d."evidence_hash" AS "hash", d."reason", d."error_code", d."collected_at", 'direct' AS "via"
  FROM wanted w JOIN "scan_evidence" d ON d."scan_id" = $1 AND d."key" = w."key"
  UNION ALL
  SELECT * FROM (
    SELECT w."key", 'ok', m."content"->'entries'->>w."key", NULL, NULL, l."collected_at", 'manifest'
    FROM wanted w
    JOIN "scan_evidence" l ON l."scan_id" = $1 AND l."key" = w."manifest_key"
    JOIN "evidence" m ON m."hash" = l."evidence_hash"
    WHERE NOT EXISTS (SELECT 1 FROM "scan_evidence" d WHERE d."scan_id" = $1 AND d."key" = w."key")
  ) listed("key", "status", "hash", "reason", "error_code", "collected_at", "via")
  WHERE listed."hash" IS NOT NULL
)
SELECT f.*, e."bytes"${withContent ? ', e."content"' : ''}
FROM found f LEFT JOIN "evidence" e ON e."hash" = f."hash"
ORDER BY f."key"`;

/** What the scan holds under these keys (absent keys are left out), in key order; with each document when `withContent`. */
export async function resolveKeys(query: RawQuery, scanId: number, keys: readonly string[], withContent = false): Promise<ResolvedKey[]> {
  if (keys.length === 0) return [];
  const unique = [...new Set(keys)];
  const rows = await query<Row>(resolveSql(withContent), [scanId, unique, unique.map(manifestKeyOf)]);
  return rows.map(({ error_code, collected_at, ...row }) => ({ ...row, errorCode: error_code, collectedAt: collected_at }));
}

const INDEX_SQL = `
SELECT DISTINCT ON (p."key" COLLATE "C") p."key", p."hash"
FROM (
  SELECT d."key", d."evidence_hash" AS "hash", 0 AS "rank"
  FROM "scan_evidence" d
  WHERE d."scan_id" = $1 AND d."status" = 'ok' AND d."evidence_hash" IS NOT NULL AND NOT starts_with(d."key", '${MANIFEST_KEY_PREFIX}')
  UNION ALL
  SELECT x."key", x."value", 1
  FROM "scan_evidence" l
  JOIN "evidence" m ON m."hash" = l."evidence_hash"
  CROSS JOIN LATERAL jsonb_each_text(m."content"->'entries') AS x
  WHERE l."scan_id" = $1 AND starts_with(l."key", '${MANIFEST_KEY_PREFIX}') AND m."kind" = '${MANIFEST_KIND}'
) p
WHERE ($2::text IS NOT NULL AND starts_with(p."key", $2::text)) OR p."key" = ANY($3::text[])
ORDER BY p."key" COLLATE "C", p."rank"`;

/** Which partition documents (and family documents) a scan holds: the keys of the scan, with a prefix or a key to choose them. */
export interface DocumentSelection {
  /** Keys that start with this (`inventory:`). */
  prefix?: string;
  /** And these keys (`inventory-owners`). */
  keys?: readonly string[];
}

/**
 * Which documents a scan stored under the selected keys: [key, hash] pairs in key order (by
 * code point, the same on every server's collation), small even for 10,000 environments.
 */
export async function documentIndex(query: RawQuery, scanId: number, select: DocumentSelection): Promise<[string, string][]> {
  const rows = await query<{ key: string; hash: string }>(INDEX_SQL, [scanId, select.prefix ?? null, [...(select.keys ?? [])]]);
  return rows.map((row) => [row.key, row.hash]);
}

/** The content of evidence documents by hash (hashes not stored are absent). */
export async function documentsByHash(query: RawQuery, hashes: readonly string[]): Promise<Map<string, unknown>> {
  if (hashes.length === 0) return new Map();
  const rows = await query<{ hash: string; content: unknown }>(`SELECT "hash", "content" FROM "evidence" WHERE "hash" = ANY($1::text[])`, [[...new Set(hashes)]]);
  return new Map(rows.map((row) => [row.hash, row.content]));
}
