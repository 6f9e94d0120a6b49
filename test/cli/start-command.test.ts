/**
 * `ppmat start` as a user runs it (a child process): scans the demo tenant at once,
 * prints its levels, keeps running on its schedule, and exits 0 on Ctrl-C — also through
 * `npm start`, where one Ctrl-C reaches ppmat twice (from the terminal and from npm).
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

/**
 * Runs the command in its own process group (as a terminal does), waits for the levels and
 * the next scheduled run, then sends SIGINT to the whole group, like Ctrl-C.
 */
async function startThenCtrlC(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
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
    // Still running a moment later: it is a service.
    await new Promise((r) => setTimeout(r, 500));
    expect(child.exitCode).toBeNull();
    process.kill(-child.pid!, 'SIGINT');
    return { code: await exited, stdout, stderr: () => stderr };
  } finally {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
  }
}

async function storedScans(dataDir: string) {
  const db = await openDatabase({ dataDir, log: pino({ level: 'silent' }), ...(server ? { databaseUrl: server.url } : {}) });
  try {
    return (await db.prisma.scan.findMany()).map((s) => [s.trigger, s.status]);
  } finally {
    await db.close();
  }
}

describe('ppmat start', () => {
  it('prints the demo levels, keeps running, and exits 0 on Ctrl-C with the scan stored', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PPMAT_DATA_DIR: path.join(dir, 'data'), ...(server ? { DATABASE_URL: server.url } : {}) };
    delete env.PPMAT_CONFIG;
    const run = await startThenCtrlC(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'ppmat.js'), 'start'], dir, env);
    expect(run.stdout).toMatch(/Security\s+200\s+/);
    expect(run.stdout).toMatch(/Governance\s+200\s+/);
    expect(run.stdout).toMatch(/Next scan of Demo tenant \(defined profile\): \S+ \(0 2 \* \* \*, UTC\)/);
    expect(run.code).toBe(0);
    expect(run.stderr()).toMatch(/"msg":"stopped"/);
    expect(await storedScans(env.PPMAT_DATA_DIR!)).toEqual([['startup', 'succeeded']]);
  });

  it('exits 0 on Ctrl-C through `npm start` too', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PPMAT_DATA_DIR: path.join(dir, 'data'), ...(server ? { DATABASE_URL: server.url } : {}) };
    delete env.PPMAT_CONFIG;
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const run = await startThenCtrlC(npm, ['start', '--silent'], PACKAGE_ROOT, env);
    expect(run.code).toBe(0);
    expect(run.stderr()).not.toMatch(/again, exiting now/);
  });
});
