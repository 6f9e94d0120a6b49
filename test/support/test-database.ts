/**
 * A throwaway database for a test file: embedded PGlite in memory by default, or a fresh
 * database on a real PostgreSQL server when PPMAT_TEST_DATABASE_URL is set (CI does both).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { openDatabase, type Database } from '../../src/store/database.js';

export interface TestDatabase extends Database {
  dispose(): Promise<void>;
}

export const usingPostgres = Boolean(process.env.PPMAT_TEST_DATABASE_URL);

export async function openTestDatabase(options: { migrationsDir?: string } = {}): Promise<TestDatabase> {
  const log = pino({ level: 'silent' });
  const serverUrl = process.env.PPMAT_TEST_DATABASE_URL;
  if (!serverUrl) {
    const db = await openDatabase({ dataDir: 'memory://', log, ...options });
    return Object.assign(db, { dispose: () => db.close() });
  }
  const name = `ppmat_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString(), dataDir: 'unused', log, ...options }).catch(async (error: unknown) => {
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    throw error;
  });
  return Object.assign(db, {
    async dispose() {
      await db.close();
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  });
}

/** A fresh, empty database URL on the test server (or null for the embedded database). */
export async function createEmptyServerDatabase(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const serverUrl = process.env.PPMAT_TEST_DATABASE_URL;
  return serverUrl ? createDatabaseOn(serverUrl, 'ppmat_test') : null;
}

/** A fresh, empty database on the server at `serverUrl` (tests, and the workers bench), dropped by `drop`. */
export async function createDatabaseOn(serverUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
