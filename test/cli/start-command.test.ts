/**
 * `ppmat start` as a user runs it (a child process): scans the demo tenant at once,
 * prints its levels, keeps running on its schedule, and exits 0 on Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { PACKAGE_ROOT } from '../../src/store/paths.js';
import { createEmptyServerDatabase } from '../support/test-database.js';

let dir: string;
let server: Awaited<ReturnType<typeof createEmptyServerDatabase>>;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ppmat-start-'));
  server = await createEmptyServerDatabase();
});
afterEach(async () => {
  await server?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('ppmat start', () => {
  it('prints the demo levels, keeps running, and exits 0 on SIGINT with the scan stored', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PPMAT_DATA_DIR: path.join(dir, 'data'), ...(server ? { DATABASE_URL: server.url } : {}) };
    delete env.PPMAT_CONFIG;
    const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'ppmat.js'), 'start'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no levels within 60 s; stderr:\n${stderr}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('Press Ctrl-C to stop.')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`exited early; stderr:\n${stderr}`)));
    });
    expect(stdout).toMatch(/Security\s+200\s+/);
    expect(stdout).toMatch(/Governance\s+200\s+/);
    expect(stdout).toMatch(/Next scan of Demo tenant \(defined profile\): \S+ \(0 2 \* \* \*, UTC\)/);
    // Still running a moment later: it is a service.
    await new Promise((r) => setTimeout(r, 500));
    expect(child.exitCode).toBeNull();
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/"msg":"stopped"/);
    const db = await openDatabase({ dataDir: env.PPMAT_DATA_DIR!, log: pino({ level: 'silent' }), ...(server ? { databaseUrl: server.url } : {}) });
    try {
      const scans = await db.prisma.scan.findMany();
      expect(scans.map((s) => [s.trigger, s.status])).toEqual([['startup', 'succeeded']]);
    } finally {
      await db.close();
    }
  });
});
