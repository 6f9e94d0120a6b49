/**
 * The embedded database on disk: a new directory is initialised (in a child process, see
 * src/store/embedded-initdb.ts), opened with the settings of database.ts, and what was
 * written is there again after a restart.
 */
import { access, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { EMBEDDED_SETTINGS, openDatabase } from '../../src/store/database.js';
import { hasDatabase } from '../../src/store/embedded-initdb.js';

const log = pino({ level: 'silent' });
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the embedded database on disk', () => {
  it('initialises a new directory, applies its settings and keeps the data across a restart', async () => {
    const parent = await mkdtemp(path.join(os.tmpdir(), 'ppmat-embedded-'));
    dirs.push(parent);
    const dataDir = path.join(parent, 'data');
    expect(await hasDatabase(dataDir)).toBe(false);

    const first = await openDatabase({ dataDir, log });
    try {
      expect(first.kind).toBe('embedded');
      for (const [name, value] of Object.entries(EMBEDDED_SETTINGS)) {
        const { rows } = await first.pool.query<Record<string, string>>(`SHOW ${name}`);
        expect(rows[0]?.[name]).toBe(value);
      }
      await first.prisma.tenant.create({ data: { id: 'tenant-restart', displayName: 'Kept across a restart' } });
    } finally {
      await first.close();
    }
    await access(path.join(dataDir, 'PG_VERSION'));

    const second = await openDatabase({ dataDir, log });
    try {
      expect(second.migrations.applied).toEqual([]);
      const tenant = await second.prisma.tenant.findUnique({ where: { id: 'tenant-restart' } });
      expect(tenant?.displayName).toBe('Kept across a restart');
    } finally {
      await second.close();
    }
  }, 120_000);
});
