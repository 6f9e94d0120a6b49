/**
 * One process at a time on an embedded database directory: PGlite is a single-process
 * PostgreSQL, and two processes writing one data directory would corrupt it. A lock
 * file holds the owner's host and pid; a lock left by a process of this host that died is
 * taken over. A lock of another host (two containers on one volume are both pid 1, on two
 * hostnames) cannot be checked from here, so it is refused, saying how to clear it.
 */
import { open, readFile, unlink, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PpmatError } from '../errors/catalogue.js';

export interface DataDirLock {
  release(): Promise<void>;
}

export async function lockDataDir(dataDir: string, pid = process.pid, host = os.hostname()): Promise<DataDirLock> {
  const file = `${dataDir.replace(/[\\/]+$/, '')}.lock`;
  await mkdir(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(`${host}:${pid}`);
      await handle.close();
      return { release: () => unlink(file).catch(() => undefined) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const { ownerHost, owner } = parseLock(await readFile(file, 'utf8').catch(() => ''));
      if (ownerHost !== null && ownerHost !== host) {
        throw new PpmatError(
          'PPMAT_E_DB_CONNECT',
          `the embedded database is locked by ppmat on host ${ownerHost} (pid ${owner}), which this host (${host}) cannot check. Two hosts (or containers) must not share an embedded database: use PostgreSQL (DATABASE_URL). If that process is gone, delete ${file}.`,
          { where: dataDir },
        );
      }
      if (Number.isInteger(owner) && owner > 0 && owner !== pid && isAlive(owner)) {
        throw new PpmatError(
          'PPMAT_E_DB_CONNECT',
          `the embedded database is in use by another ppmat process (pid ${owner}). Stop it first, or point both at a PostgreSQL server with DATABASE_URL.`,
          { where: dataDir },
        );
      }
      await unlink(file).catch(() => undefined);
    }
  }
  throw new PpmatError('PPMAT_E_DB_CONNECT', `could not take the lock file ${file}.`, { where: dataDir });
}

/** `host:pid`, or a bare pid (lock files of earlier versions: this host's). */
function parseLock(text: string): { ownerHost: string | null; owner: number } {
  const at = text.lastIndexOf(':');
  return at < 0 ? { ownerHost: null, owner: Number.parseInt(text, 10) } : { ownerHost: text.slice(0, at), owner: Number.parseInt(text.slice(at + 1), 10) };
}

/** Whether a process of this machine runs under `pid` (EPERM: it runs, as another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
