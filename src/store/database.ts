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
  connection.pool.on('error', (error) => log.warn({ err: error }, 'idle database connection failed'));
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

async function startEmbedded(dataDir: string): Promise<Connection> {
  const inMemory = dataDir.startsWith('memory://');
  let db: PGlite;
  try {
    if (!inMemory) await mkdir(dataDir, { recursive: true });
    db = await PGlite.create(inMemory ? undefined : dataDir);
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
