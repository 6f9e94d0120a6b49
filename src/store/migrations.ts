/**
 * Applies prisma/migrations/<name>/migration.sql files in order, with Prisma's own
 * `_prisma_migrations` bookkeeping, so `prisma migrate deploy` on a connected machine
 * agrees about what has been applied. (Prisma's CLI needs a schema-engine binary that
 * cannot be downloaded here; see DEVELOPERS.md.)
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { PpmatError } from '../errors/catalogue.js';

/** The advisory lock key Prisma Migrate takes, so ppmat and Prisma never migrate at once. */
const PRISMA_MIGRATE_ADVISORY_LOCK = 72707369;

/** Prisma's bookkeeping table, as Prisma Migrate creates it on PostgreSQL. */
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  name: string;
  sql: string;
  /** sha256 hex of the file's bytes, as Prisma records it. */
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

export async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    const file = path.join(migrationsDir, name, 'migration.sql');
    const bytes = await readFile(file);
    files.push({ name, sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') });
  }
  return files;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** Applies every migration not yet applied, each in its own transaction. Safe to call at every start. */
export async function applyMigrations(pool: Pool, migrationsDir: string, log: Logger): Promise<MigrationReport> {
  const migrations = await readMigrations(migrationsDir);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_ADVISORY_LOCK]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const { rows } = await client.query<AppliedRow>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
      );
      const applied = new Map(rows.filter((r) => r.rolled_back_at === null).map((r) => [r.migration_name, r]));
      checkHistory(applied, migrations);
      const report: MigrationReport = { applied: [], alreadyApplied: applied.size };
      for (const migration of migrations) {
        if (applied.has(migration.name)) continue;
        await applyOne(client, migration);
        log.info({ migration: migration.name }, 'applied database migration');
        report.applied.push(migration.name);
      }
      return report;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_ADVISORY_LOCK]);
    }
  } finally {
    client.release();
  }
}

function checkHistory(applied: Map<string, AppliedRow>, migrations: MigrationFile[]): void {
  const known = new Map(migrations.map((m) => [m.name, m]));
  for (const row of applied.values()) {
    if (row.finished_at === null) {
      throw new PpmatError(
        'PPMAT_E_DB_MIGRATION',
        `migration ${row.migration_name} started earlier but never finished; inspect the database, then mark it rolled back (prisma migrate resolve --rolled-back ${row.migration_name}).`,
        { where: '_prisma_migrations' },
      );
    }
    const file = known.get(row.migration_name);
    if (!file) {
      throw new PpmatError(
        'PPMAT_E_DB_MIGRATION',
        `the database has migration ${row.migration_name} applied, which this version of ppmat does not know; it was written by a newer ppmat.`,
        { where: '_prisma_migrations' },
      );
    }
    if (file.checksum !== row.checksum) {
      throw new PpmatError(
        'PPMAT_E_DB_MIGRATION',
        `migration ${row.migration_name} was modified after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ${file.checksum.slice(0, 12)}… on disk).`,
        { where: `prisma/migrations/${row.migration_name}/migration.sql` },
      );
    }
  }
}

async function applyOne(client: PoolClient, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  await client.query('BEGIN');
  try {
    await client.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    const reason = error instanceof Error ? error.message : String(error);
    throw new PpmatError('PPMAT_E_DB_MIGRATION', `migration ${migration.name} failed: ${reason}`, {
      where: `prisma/migrations/${migration.name}/migration.sql`,
      cause: error,
    });
  }
}
