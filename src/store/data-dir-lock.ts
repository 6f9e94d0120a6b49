/**
 * One process at a time on an embedded database directory: PGlite is a single-process
 * PostgreSQL, and two processes writing one data directory would corrupt it. A lock
 * file holds the owner's pid; a lock left by a process that died is taken over.
 */
import { open, readFile, unlink, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PpmatError } from '../errors/catalogue.js';

export interface DataDirLock {
  release(): Promise<void>;
}

export async function lockDataDir(dataDir: string, pid = process.pid): Promise<DataDirLock> {
  const file = `${dataDir.replace(/[\\/]+$/, '')}.lock`;
  await mkdir(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(pid));
      await handle.close();
      return { release: () => unlink(file).catch(() => undefined) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
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

/** Whether a process of this machine runs under `pid` (EPERM: it runs, as another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
