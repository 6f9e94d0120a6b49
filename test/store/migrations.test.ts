/**
 * The migration runner: Prisma's `_prisma_migrations` bookkeeping, idempotence, and clear
 * refusals when the history on disk and in the database disagree.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, readMigrations } from '../../src/store/migrations.js';
import { MIGRATIONS_DIR } from '../../src/store/paths.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

const log = pino({ level: 'silent' });
const opened: TestDatabase[] = [];
const dirs: string[] = [];

async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ppmat-migrations-'));
  dirs.push(dir);
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

async function open(migrationsDir?: string): Promise<TestDatabase> {
  const db = await openTestDatabase(migrationsDir ? { migrationsDir } : {});
  opened.push(db);
  return db;
}

afterEach(async () => {
  for (const db of opened.splice(0)) await db.dispose();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('applyMigrations', () => {
  it('records each migration as Prisma Migrate does: name, sha256 checksum, finished, one step', async () => {
    const db = await open();
    const { rows } = await db.pool.query('SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name');
    const sql = await readFile(path.join(MIGRATIONS_DIR, '20261127000000_init', 'migration.sql'));
    const onDisk = await readMigrations(MIGRATIONS_DIR);
    expect(rows.map((r: { migration_name: string }) => r.migration_name)).toEqual(onDisk.map((m) => m.name));
    expect(rows[0]).toMatchObject({
      migration_name: '20261127000000_init',
      checksum: createHash('sha256').update(sql).digest('hex'),
      rolled_back_at: null,
      applied_steps_count: 1,
    });
    expect(rows[0].finished_at).toBeInstanceOf(Date);
    expect(db.migrations.applied).toEqual(onDisk.map((m) => m.name));
  });

  it('applies nothing the second time', async () => {
    const db = await open();
    const report = await applyMigrations(db.pool, MIGRATIONS_DIR, log);
    expect(report).toEqual({ applied: [], alreadyApplied: (await readMigrations(MIGRATIONS_DIR)).length });
  });

  it('applies a new migration after the ones already applied', async () => {
    const dir = await copyOfMigrations();
    const db = await open(dir);
    await mkdir(path.join(dir, '20261201000000_add_note'));
    await writeFile(path.join(dir, '20261201000000_add_note', 'migration.sql'), 'ALTER TABLE "tenant" ADD COLUMN "note" TEXT;\n');
    const report = await applyMigrations(db.pool, dir, log);
    expect(report.applied).toEqual(['20261201000000_add_note']);
    const { rows } = await db.pool.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'tenant' AND column_name = 'note'`);
    expect(rows).toHaveLength(1);
  });

  it('rolls back a failing migration whole and names its file', async () => {
    const dir = await copyOfMigrations();
    const db = await open(dir);
    await mkdir(path.join(dir, '20261201000000_broken'));
    await writeFile(path.join(dir, '20261201000000_broken', 'migration.sql'), 'CREATE TABLE "half" (id INT);\nSELECT * FROM "no_such_table";\n');
    await expect(applyMigrations(db.pool, dir, log)).rejects.toMatchObject({
      code: 'PPMAT_E_DB_MIGRATION',
      message: expect.stringMatching(/20261201000000_broken\/migration\.sql: migration 20261201000000_broken failed: .*no_such_table/),
    });
    const half = await db.pool.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half'`);
    expect(half.rows).toHaveLength(0);
    const recorded = await db.pool.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '20261201000000_broken'`);
    expect(recorded.rows).toHaveLength(0);
  });

  it('refuses a migration that was edited after it was applied', async () => {
    const dir = await copyOfMigrations();
    const db = await open(dir);
    const file = path.join(dir, '20261127000000_init', 'migration.sql');
    await writeFile(file, (await readFile(file, 'utf8')) + '\n-- edited\n');
    await expect(applyMigrations(db.pool, dir, log)).rejects.toMatchObject({
      code: 'PPMAT_E_DB_MIGRATION',
      message: expect.stringContaining('was modified after it was applied'),
    });
  });

  it('refuses a database migrated by a newer ppmat', async () => {
    const db = await open();
    await db.pool.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count) VALUES ('x', 'abc', '20990101000000_future', now(), 1)`,
    );
    await expect(applyMigrations(db.pool, MIGRATIONS_DIR, log)).rejects.toMatchObject({
      code: 'PPMAT_E_DB_MIGRATION',
      message: expect.stringContaining('20990101000000_future'),
    });
  });
});
