/**
 * The real HTTP API over real scans: demo scans stored by the CLI into a fresh database
 * (PGlite on disk, or a fresh PostgreSQL database under PPMAT_TEST_DATABASE_URL), then the
 * server built from that App, with a token per role. `openApiRig` is for `inject()` tests;
 * `startApiRig` also listens on 127.0.0.1 (a random port) for browser tests.
 */
import type { FastifyInstance } from 'fastify';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { apiFromApp } from '../../src/api/api-from-app.js';
import type { ApiDeps } from '../../src/api/api-deps.js';
import { createMetrics } from '../../src/api/metrics.js';
import { buildServer } from '../../src/api/server.js';
import { openApp, type App } from '../../src/cli/app.js';
import { demoTenantId } from '../../src/simulator/tenant-model.js';
import { runPpmat } from './cli-harness.js';
import { createEmptyServerDatabase } from './test-database.js';

export type RigRole = 'viewer' | 'attester' | 'admin';

/** The names the rig's tokens carry (an attestation records the name as its author). */
export const RIG_TOKEN_NAMES: Record<RigRole, string> = { viewer: 'Vera Viewer', attester: 'Ada Attester', admin: 'Alex Admin' };

export interface ApiRigOptions {
  /** How many demo scans to store first (default 2: a `defined` then a `capable` posture, so levels move). */
  scans?: number;
  /** ppmat.yaml lines (e.g. demo targets). */
  config?: string;
  /** Override dependencies (e.g. a scan trigger). */
  deps?: (deps: ApiDeps) => ApiDeps;
}

export interface ApiRig {
  app: App;
  deps: ApiDeps;
  server: FastifyInstance;
  tenantId: string;
  /** The stored scans, oldest first. */
  scanIds: number[];
  tokens: Record<RigRole, string>;
  /** An `Authorization` header for the role. */
  auth(role: RigRole): { authorization: string };
  close(): Promise<void>;
}

const DEMO_PROFILES = ['defined', 'capable', 'defined'];

export async function openApiRig(options: ApiRigOptions = {}): Promise<ApiRig> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ppmat-api-'));
  const database = await createEmptyServerDatabase();
  const env: NodeJS.ProcessEnv = { PPMAT_DATA_DIR: path.join(dir, 'data'), PPMAT_LOG_LEVEL: 'silent', ...(database ? { DATABASE_URL: database.url } : {}) };
  const cleanup = async () => {
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (options.config) await import('node:fs/promises').then((fs) => fs.writeFile(path.join(dir, 'ppmat.yaml'), options.config!));
    for (let i = 0; i < (options.scans ?? 2); i++) {
      const result = await runPpmat(['scan', '--demo', '--profile', DEMO_PROFILES[i % DEMO_PROFILES.length]!], { env, cwd: dir });
      if (result.code !== 0 && result.code !== 2) throw new Error(`demo scan ${i + 1} failed (${result.code}): ${result.stderr}`);
    }
    const app = await openApp({ cwd: dir, env, logToTerminal: false, defaultLogLevel: 'silent' });
    const tenantId = demoTenantId(app.config.demo.seed);
    const built = await apiFromApp(app, { env, metrics: createMetrics(app.db.prisma), demoTenantId: tenantId });
    const deps = options.deps ? options.deps(built) : built;
    const server = await buildServer(deps);
    const tokens = {} as Record<RigRole, string>;
    for (const role of ['viewer', 'attester', 'admin'] as const) {
      tokens[role] = (await deps.changes.createToken({ name: RIG_TOKEN_NAMES[role], role, tenants: null, expiresAt: null }, { kind: 'cli', id: 'test', name: 'cli:test' })).token;
    }
    const scanIds = (await app.db.prisma.scan.findMany({ where: { tenantId }, orderBy: { id: 'asc' }, select: { id: true } })).map((s) => s.id);
    return {
      app,
      deps,
      server,
      tenantId,
      scanIds,
      tokens,
      auth: (role) => ({ authorization: `Bearer ${tokens[role]}` }),
      async close() {
        await server.close();
        await app.close();
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

export interface ListeningApiRig extends ApiRig {
  url: string;
  apiGet(pathAndQuery: string, token: string): Promise<unknown>;
}

/** The rig, listening on 127.0.0.1 (a random port). */
export async function startApiRig(options: ApiRigOptions = {}): Promise<ListeningApiRig> {
  const rig = await openApiRig(options);
  await rig.server.listen({ host: '127.0.0.1', port: 0 });
  const address = rig.server.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    ...rig,
    url,
    async apiGet(pathAndQuery, token) {
      const response = await fetch(`${url}${pathAndQuery}`, { headers: { authorization: `Bearer ${token}` } });
      const body: unknown = await response.json();
      if (!response.ok) throw new Error(`GET ${pathAndQuery} answered ${response.status}: ${JSON.stringify(body)}`);
      return body;
    },
  };
}
