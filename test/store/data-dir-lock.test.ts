/** One process at a time on an embedded database: the lock file names host and pid. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockDataDir } from '../../src/store/data-dir-lock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ppmat-lock-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('the data directory lock', () => {
  it('writes host and pid, and is released', async () => {
    const lock = await lockDataDir(path.join(dir, 'data'), 4242, 'app-1');
    expect(await readFile(path.join(dir, 'data.lock'), 'utf8')).toBe('app-1:4242');
    await lock.release();
    await (await lockDataDir(path.join(dir, 'data'), 4343, 'app-1')).release();
  });

  it('refuses while a live process of this host holds it', async () => {
    await writeFile(path.join(dir, 'data.lock'), `${os.hostname()}:${process.pid}`);
    await expect(lockDataDir(path.join(dir, 'data'), process.pid + 1)).rejects.toThrow(`in use by another ppmat process (pid ${process.pid})`);
  });

  it('takes over the lock of a dead process of this host, and an old bare-pid lock', async () => {
    for (const content of [`${os.hostname()}:999999999`, '999999999']) {
      await writeFile(path.join(dir, 'data.lock'), content);
      const lock = await lockDataDir(path.join(dir, 'data'));
      await lock.release();
    }
  });

  it('refuses a lock of another host (two containers on one volume are both pid 1), saying how to clear it', async () => {
    await writeFile(path.join(dir, 'data.lock'), 'container-a:1');
    await expect(lockDataDir(path.join(dir, 'data'), 1, 'container-b')).rejects.toThrow(/locked by ppmat on host container-a \(pid 1\).*delete .*data\.lock/);
  });
});
