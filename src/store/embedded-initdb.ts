/**
 * Creates a new embedded database directory (PGlite's initdb) in a child Node process.
 *
 * PGlite 0.4 runs initdb inside the opening process: next to the database's own WebAssembly
 * instance it starts a second PGlite on an in-memory file system plus the initdb WebAssembly
 * program, and copies the result in as a tarball. That peaks at 900-1,020 MB RSS (measured
 * with Node 20, PGlite 0.4.3; 760 MB in the child with the settings of database.ts) and
 * leaves 150-200 MB behind once it is collected (freed but not returned to the system, and
 * the initdb code), which every later scan of that process carries. In a child process all
 * of it ends with the child; the server then opens the existing directory at 270-390 MB RSS.
 * Only the first start on a new directory pays it, about 1 s more than in-process.
 */
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** CommonJS, so it needs no loader: `require` of PGlite's CommonJS build, resolved by the parent. */
const CHILD = `
const { PGlite } = require(process.env.PPMAT_PGLITE_MODULE);
PGlite.create(process.env.PPMAT_PGLITE_DATA_DIR, { startParams: JSON.parse(process.env.PPMAT_PGLITE_START_PARAMS) })
  .then((db) => db.close())
  .catch((error) => { process.stderr.write(String((error && error.stack) || error)); process.exit(1); });
`;

/** True when `dataDir` already holds a database (PostgreSQL writes PG_VERSION into every data directory). */
export async function hasDatabase(dataDir: string): Promise<boolean> {
  return access(path.join(dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
}

/** Runs PGlite's initdb for `dataDir` in a child process, unless the directory holds a database already. */
export async function initialiseDataDir(dataDir: string, startParams: readonly string[]): Promise<void> {
  if (await hasDatabase(dataDir)) return;
  // A plain node: no loaders or debugger flags of the parent (tsx, --inspect) in the child.
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  try {
    await run(process.execPath, ['-e', CHILD], {
      env: {
        ...env,
        PPMAT_PGLITE_MODULE: createRequire(import.meta.url).resolve('@electric-sql/pglite'),
        PPMAT_PGLITE_DATA_DIR: path.resolve(dataDir),
        PPMAT_PGLITE_START_PARAMS: JSON.stringify(startParams),
      },
      timeout: 180_000,
      maxBuffer: 4 * 1024 * 1024,
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`initdb failed${stderr ? `: ${stderr.split('\n')[0]}` : ''}`, { cause: error });
  }
}
