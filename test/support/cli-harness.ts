/** Runs the ppmat CLI in-process with captured output, as the CLI tests need it. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { openDatabase, type Database } from '../../src/store/database.js';
import { createEmptyServerDatabase } from './test-database.js';

/** A stand-in for a non-terminal stdout/stderr that keeps what was written. */
export function captureStream(): NodeJS.WriteStream & { text(): string } {
  const s = new PassThrough();
  let text = '';
  s.on('data', (d: Buffer) => (text += d.toString()));
  return Object.assign(s as unknown as NodeJS.WriteStream, { isTTY: false, text: () => text });
}

/** `ppmat <args>` with this environment and working directory; its exit code and output. */
export async function runPpmat(args: string[], options: { env: NodeJS.ProcessEnv; cwd: string }) {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await runCli(['node', 'ppmat', ...args], { stdout, stderr, env: options.env, cwd: options.cwd, signal: new AbortController().signal });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** The token a simulator-backed tenant reads from its environment variable (tests check it never leaks). */
export const FABRIKAM_TOKEN = 'token-from-the-environment';

/**
 * A ppmat.yaml for a configured tenant "Fabrikam" whose admin APIs are a simulator at
 * `url`, with a static token read from FABRIKAM_TOKEN; `extra` lines are appended under the tenant.
 */
export function simulatorTenantConfig(simulator: { tenantId: string; url: string }, extra = ''): string {
  return [
    'tenants:',
    `  - id: ${simulator.tenantId}`,
    '    displayName: Fabrikam',
    '    endpoints:',
    `      bap: ${simulator.url}`,
    `      powerApps: ${simulator.url}`,
    `      flow: ${simulator.url}`,
    `      powerPlatform: ${simulator.url}`,
    `      graph: ${simulator.url}`,
    `      dataverse: ${simulator.url}/dataverse`,
    '    credential:',
    '      kind: static',
    '      tokenEnv: FABRIKAM_TOKEN',
    extra,
  ].join('\n');
}

/**
 * A fresh working directory (and, under PPMAT_TEST_DATABASE_URL, a fresh PostgreSQL
 * database) for each test of a CLI test file, removed after it. Call at the top level.
 */
export interface CliSandbox {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  cli: (...args: string[]) => ReturnType<typeof runPpmat>;
  /** The sandbox's database, opened between two CLI runs (the CLI holds its lock while it runs), closed after `use`. */
  withDatabase<T>(use: (db: Database) => Promise<T>): Promise<T>;
}

export function useCliSandbox(prefix: string): CliSandbox {
  const state = { dir: '', env: {} as NodeJS.ProcessEnv, drop: undefined as (() => Promise<void>) | undefined };
  beforeEach(async () => {
    state.dir = await mkdtemp(path.join(os.tmpdir(), prefix));
    const server = await createEmptyServerDatabase();
    state.drop = server?.drop;
    // Port 0: a service started by a test listens on a free port, never on another test's.
    state.env = { PPMAT_DATA_DIR: path.join(state.dir, 'data'), PPMAT_API_PORT: '0', ...(server ? { DATABASE_URL: server.url } : {}) };
  });
  afterEach(async () => {
    await state.drop?.();
    await rm(state.dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return state.dir;
    },
    get env() {
      return state.env;
    },
    cli: (...args) => runPpmat(args, { env: state.env, cwd: state.dir }),
    async withDatabase(use) {
      const db = await openDatabase({ dataDir: state.env.PPMAT_DATA_DIR!, log: pino({ level: 'silent' }), ...(state.env.DATABASE_URL ? { databaseUrl: state.env.DATABASE_URL } : {}) });
      try {
        return await use(db);
      } finally {
        await db.close();
      }
    },
  };
}

/**
 * Runs `ppmat start` in this process and stops it (as Ctrl-C does) once it says when the next
 * scan runs; its exit code and output.
 */
export async function startThenStop(env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const { startCommand } = await import('../../src/cli/start.command.js');
  const stdout = captureStream();
  const stderr = captureStream();
  const controller = new AbortController();
  const ready = setInterval(() => {
    if (stdout.text().includes('Press Ctrl-C to stop.')) controller.abort(new Error('interrupted by SIGINT'));
  }, 20);
  try {
    const code = await startCommand({}, { stdout, stderr, env, cwd, signal: controller.signal });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  } finally {
    clearInterval(ready);
  }
}
