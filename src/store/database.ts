/**
 * Opens ppmat's database: an embedded PGlite (real PostgreSQL compiled to WASM,
 * persisted in a data directory) by default, or a PostgreSQL server when
 * `DATABASE_URL` is set. One schema and one SQL dialect for both.
 *
 * The embedded database is served on a loopback socket by pglite-socket so that the
 * same driver adapter (@prisma/adapter-pg over node-postgres) talks to both. pglite-socket
 * 0.1.x serves one connection at a time, so that pool has exactly one connection.
 */
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { Logger } from 'pino';
import { PrismaClient } from '../generated/prisma/client.js';
import { PpmatError } from '../errors/catalogue.js';
import { initialiseDataDir } from './embedded-initdb.js';
import { applyMigrations, type MigrationReport } from './migrations.js';
import { MIGRATIONS_DIR } from './paths.js';

export interface DatabaseOptions {
  /** A PostgreSQL connection string; when absent, the embedded PGlite is used. */
  databaseUrl?: string;
  /** PGlite data directory, or `memory://` for a throwaway in-memory database (tests). */
  dataDir: string;
  /** Connections to a PostgreSQL server (the embedded database always uses one). */
  poolSize?: number;
  log: Logger;
  migrationsDir?: string;
}

export interface Database {
  prisma: PrismaClient;
  /** A node-postgres pool on the same database, for migrations and raw checks. */
  pool: pg.Pool;
  kind: 'embedded' | 'postgresql';
  /** Where the data is, for logs and messages (never includes a password). */
  location: string;
  migrations: MigrationReport;
  close(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const migrationsDir = options.migrationsDir ?? MIGRATIONS_DIR;
  const connection = options.databaseUrl
    ? await connectServer(options.databaseUrl, options.poolSize ?? 4)
    : await startEmbedded(options.dataDir);
  const log = options.log;
  // Not `err: error`: pg-pool hangs the whole client on the error (`err.client`), kilobytes per line.
  connection.pool.on('error', (error: Error & { code?: string }) =>
    log.warn({ type: error.name, code: error.code, message: error.message }, 'idle database connection failed'),
  );
  let migrations: MigrationReport;
  try {
    migrations = await applyMigrations(connection.pool, migrationsDir, log);
  } catch (error) {
    await connection.shutdown().catch(() => undefined);
    if (error instanceof PpmatError) throw error;
    throw new PpmatError('PPMAT_E_DB_CONNECT', `could not open the database at ${connection.location}: ${describe(error)}`, { cause: error });
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg(connection.pool) });
  let closed = false;
  return {
    prisma,
    pool: connection.pool,
    kind: connection.kind,
    location: connection.location,
    migrations,
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      await connection.shutdown();
    },
  };
}

interface Connection {
  pool: pg.Pool;
  kind: Database['kind'];
  location: string;
  shutdown(): Promise<void>;
}

async function connectServer(databaseUrl: string, poolSize: number): Promise<Connection> {
  const location = redactUrl(databaseUrl);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, connectionTimeoutMillis: 10_000 });
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new PpmatError('PPMAT_E_DB_CONNECT', `could not connect to PostgreSQL at ${location}: ${describe(error)}`, {
      where: 'DATABASE_URL',
      cause: error,
    });
  }
  return { pool, kind: 'postgresql', location, shutdown: () => pool.end() };
}

/**
 * PostgreSQL settings of the embedded database, after PGlite's own start parameters (`-c`,
 * not written to postgresql.conf: a directory created before keeps working and gets them too).
 *
 * shared_buffers: PGlite's initdb leaves PostgreSQL's 128MB, and PGlite's PostgreSQL touches
 * all of its shared memory when it starts, so the whole buffer pool is resident in the
 * WebAssembly memory (which never shrinks) before the first query: 147 MB of the 184 MB memory
 * on opening, 31 MB of 128 MB with 16MB (PGlite 0.4.3). It also leaves the memory room for
 * the large statements at the end of a scan (saving the 10,000-environment evidence grows it
 * 184 -> 319 MB with 128MB, 128 -> 221 MB with 16MB). The collect bench's database is 15 MiB
 * (2,000 environments) and 73 MiB (10,000); what is not in the pool is read from the operating
 * system's page cache. Inserting 3,000 20 KB documents, one 14 MB insert, reading everything
 * back, CHECKPOINT: the same CPU time with 16MB as with 128MB.
 * wal_buffers: kept at the 4MB that 128MB gave (it is 1/32 of shared_buffers unless set).
 *
 * With the child-process initdb (embedded-initdb.ts), the collect bench's peak RSS on HEAD
 * b4a5826: 2,000 environments 936 -> 575 MB; 10,000 environments 1,140 -> 977 MB (two runs
 * side by side; 1,091 -> 946 MB one after the other); scan times unchanged within the noise.
 */
export const EMBEDDED_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '16MB',
  wal_buffers: '4MB',
};

const EMBEDDED_START_PARAMS = [...PGlite.defaultStartParams, ...Object.entries(EMBEDDED_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`])];

async function startEmbedded(dataDir: string): Promise<Connection> {
  const inMemory = dataDir.startsWith('memory://');
  let db: PGlite;
  try {
    if (!inMemory) {
      await mkdir(dataDir, { recursive: true });
      // A new directory's initdb runs in a child process (embedded-initdb.ts): in this one it peaks at ~1 GB RSS and leaves 150-200 MB behind.
      await initialiseDataDir(dataDir, EMBEDDED_START_PARAMS);
    }
    db = await PGlite.create(inMemory ? { startParams: EMBEDDED_START_PARAMS } : { dataDir, startParams: EMBEDDED_START_PARAMS });
  } catch (error) {
    throw new PpmatError('PPMAT_E_DB_CONNECT', `could not open the embedded database in ${dataDir}: ${describe(error)}`, {
      where: 'database.dataDir',
      cause: error,
    });
  }
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  await server.start();
  const address = server.getServerConn();
  const pool = new pg.Pool({ connectionString: `postgresql://postgres@${address}/postgres`, max: 1, connectionTimeoutMillis: 10_000 });
  return {
    pool,
    kind: 'embedded',
    location: inMemory ? 'embedded (in memory)' : `embedded (${dataDir})`,
    async shutdown() {
      await pool.end().catch(() => undefined);
      await server.stop().catch(() => undefined);
      await db.close();
    },
  };
}

/** The connection string without its password, for messages. */
export function redactUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(an unparsable DATABASE_URL)';
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
