/**
 * A PostgreSQL server of a test's own, which the test may stop and start again (the database
 * fault tests): initdb into a temporary directory, listening on a free port of 127.0.0.1 only.
 * As root, the server's programs run as the `postgres` user (PostgreSQL refuses to run as root).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where Debian's postgresql-15 puts the server's programs; PPMAT_PG_BIN overrides it. */
export const POSTGRES_BIN = process.env.PPMAT_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export function postgresBinariesPresent(): boolean {
  return ['initdb', 'pg_ctl', 'postgres'].every((program) => existsSync(path.join(POSTGRES_BIN, program)));
}

export interface PostgresServer {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres` (trust authentication, loopback only). */
  url: string;
  port: number;
  /** Stops the server: `fast` disconnects clients and shuts down cleanly, `immediate` is a crash (recovery at the next start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** The server's log so far. */
  log(): Promise<string>;
  /** Stops the server (if running) and removes its directory. */
  dispose(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'ppmat-pg-'));
  const data = path.join(root, 'data');
  const sockets = path.join(root, 'sockets');
  const logFile = path.join(root, 'server.log');
  await mkdir(sockets);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    for (const dir of [root, sockets]) await chown(dir, Number(stdout.trim()), Number(gid.trim()));
    await chmod(root, 0o700);
  }
  const pg = (program: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(POSTGRES_BIN, program), ...args], { cwd: root }) : run(path.join(POSTGRES_BIN, program), args, { cwd: root });
  await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  const options = `-p ${port} -k ${sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50`;
  let running = false;
  const server: PostgresServer = {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await pg('pg_ctl', ['-D', data, '-o', options, '-l', logFile, '-w', '-t', '60', 'start']);
      running = true;
    },
    async stop(mode = 'fast') {
      await pg('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
      running = false;
    },
    log: () => readFile(logFile, 'utf8').catch(() => ''),
    async dispose() {
      if (running) await server.stop('immediate').catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
