/**
 * The bytes each table of ppmat's schema takes now: pg_total_relation_size (heap, indexes and
 * TOAST) of every base table information_schema lists. Real file sizes, so two measurements
 * tell what a scan stored, where pg_database_size would also count the catalogue and WAL.
 */
import type pg from 'pg';
import type { TableBytes } from './stats.js';

const TABLE_BYTES = `
SELECT table_name AS name, pg_total_relation_size(format('%I.%I', table_schema, table_name)::regclass)::text AS bytes
FROM information_schema.tables
WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
ORDER BY table_name`;

export async function tableBytes(pool: pg.Pool): Promise<TableBytes> {
  const { rows } = await pool.query<{ name: string; bytes: string }>(TABLE_BYTES);
  return Object.fromEntries(rows.map((row) => [row.name, Number(row.bytes)]));
}
