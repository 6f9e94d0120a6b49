/**
 * `ppmat start` as a user runs it (a child process): scans the demo tenant at once,
 * prints its levels, keeps running on its schedule, and exits 0 on Ctrl-C — also through
 * `npm start`, where one Ctrl-C reaches ppmat twice (from the terminal and from npm).
 * SIGTERM during a scan lets it finish within the grace period, else ends it `aborted`; a
 * tenant whose lease another process holds is not scanned.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoTenantId } from '../../src/simulator/tenant-model.js';
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

/**
 * Runs the command in its own process group until `ready` holds for its output, then sends
 * `signal` to the group; its exit code and output.
 */
async function runUntil(command: string, args: string[], env: NodeJS.ProcessEnv, ready: (out: { stdout: string; stderr: string }) => boolean, signal: NodeJS.Signals) {
  const child = spawn(command, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const out = { stdout: '', stderr: '' };
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready within 60 s; stderr:\n${out.stderr}`)), 60_000);
      const check = () => {
        if (!ready(out)) return;
        clearTimeout(timer);
        resolve();
      };
      child.stdout.on('data', (d: Buffer) => ((out.stdout += d.toString()), check()));
      child.stderr.on('data', (d: Buffer) => ((out.stderr += d.toString()), check()));
      child.on('exit', () => reject(new Error(`exited early; stderr:\n${out.stderr}`)));
    });
    process.kill(-child.pid!, signal);
    const code = await exited;
    return { code, ...out };
  } finally {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
  }
}

async function withDatabase<T>(dataDir: string, use: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const db = await openDatabase({ dataDir, log: pino({ level: 'silent' }), ...(server ? { databaseUrl: server.url } : {}) });
  try {
    return await use(db);
  } finally {
    await db.close();
  }
}

async function storedScans(dataDir: string) {
  return withDatabase(dataDir, async (db) => (await db.prisma.scan.findMany()).map((s) => [s.trigger, s.status]));
}

function serviceEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PPMAT_DATA_DIR: path.join(dir, 'data'), PPMAT_API_PORT: '0', PPMAT_LOG_LEVEL: 'info', ...(server ? { DATABASE_URL: server.url } : {}) };
  delete env.PPMAT_CONFIG;
  return env;
}

const scanStarted = ({ stderr }: { stderr: string }) => stderr.includes('"msg":"scan started"');
const ppmat = path.join(PACKAGE_ROOT, 'bin', 'ppmat.js');

describe('ppmat start', () => {
  it('prints the demo levels, keeps running, and exits 0 on Ctrl-C with the scan stored', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PPMAT_DATA_DIR: path.join(dir, 'data'), PPMAT_API_PORT: '0', ...(server ? { DATABASE_URL: server.url } : {}) };
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
    const env: NodeJS.ProcessEnv = { ...process.env, PPMAT_DATA_DIR: path.join(dir, 'data'), PPMAT_API_PORT: '0', ...(server ? { DATABASE_URL: server.url } : {}) };
    delete env.PPMAT_CONFIG;
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const run = await startThenCtrlC(npm, ['start', '--silent'], PACKAGE_ROOT, env);
    expect(run.code).toBe(0);
    expect(run.stderr()).not.toMatch(/again, exiting now/);
  });

  it('on SIGTERM during a scan, lets it finish within the grace period, then exits 0', async () => {
    const env = serviceEnv();
    const run = await runUntil(process.execPath, [ppmat, 'start'], env, scanStarted, 'SIGTERM');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Security\s+200\s+/);
    expect(await storedScans(env.PPMAT_DATA_DIR!)).toEqual([['startup', 'succeeded']]);
    expect(await withDatabase(env.PPMAT_DATA_DIR!, (db) => db.prisma.scanLease.count())).toBe(0);
  });

  it('on SIGTERM during a scan, ends it aborted once the grace period is over, releases the lease and exits 0', async () => {
    const env = serviceEnv();
    const run = await runUntil(process.execPath, [path.join(PACKAGE_ROOT, 'test', 'support', 'start-child.mjs'), '0'], env, scanStarted, 'SIGTERM');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/"msg":"the grace period is over: aborting the running scans"/);
    expect(run.stderr).toMatch(/"msg":"stopped"/);
    const scans = await withDatabase(env.PPMAT_DATA_DIR!, (db) => db.prisma.scan.findMany());
    expect(scans).toMatchObject([{ trigger: 'startup', status: 'aborted', error: 'the service stopped, and the scan did not finish within the 0 s grace period' }]);
    expect(await withDatabase(env.PPMAT_DATA_DIR!, (db) => db.prisma.scanLease.count())).toBe(0);
  });

  it('does not scan a tenant another process holds, says who holds it, and keeps running', async () => {
    const env = serviceEnv();
    const tenantId = demoTenantId(42);
    const since = new Date();
    await withDatabase(env.PPMAT_DATA_DIR!, (db) =>
      db.prisma.scanLease.create({ data: { tenantId, holder: 'host-1:4242:ab12cd34', acquiredAt: since, expiresAt: new Date(since.getTime() + 3_600_000) } }),
    );
    const run = await runUntil(process.execPath, [ppmat, 'start'], env, ({ stdout }) => stdout.includes('Press Ctrl-C to stop.'), 'SIGINT');
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/Security\s+200\s+/);
    const skipped = run.stderr.split('\n').find((line) => line.includes('another process is scanning the tenant'));
    expect(JSON.parse(skipped!)).toMatchObject({ level: 30, tenantId, trigger: 'startup', holder: 'host-1:4242:ab12cd34', since: since.toISOString() });
    expect(await storedScans(env.PPMAT_DATA_DIR!)).toEqual([]);
    expect(await withDatabase(env.PPMAT_DATA_DIR!, (db) => db.prisma.scanLease.findMany())).toMatchObject([{ tenantId, holder: 'host-1:4242:ab12cd34' }]);
  });
});
