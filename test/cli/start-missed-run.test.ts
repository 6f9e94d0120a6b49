/**
 * `ppmat start` in-process with a configured tenant (the simulator standing in for the admin
 * API): the tenant is scanned at start only when it missed its last scheduled run.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/server.js';
import { FABRIKAM_TOKEN, simulatorTenantConfig, startThenStop, useCliSandbox } from '../support/cli-harness.js';

const sandbox = useCliSandbox('ppmat-missed-');
let simulator: Awaited<ReturnType<typeof startSimulator>>;
beforeAll(async () => {
  simulator = await startSimulator({ profile: 'defined' });
});
afterAll(async () => {
  await simulator?.close();
});

const startService = () => startThenStop({ ...sandbox.env, FABRIKAM_TOKEN, PPMAT_LOG_LEVEL: 'silent' }, sandbox.dir);

const withDatabase = sandbox.withDatabase;

describe('ppmat start with a configured tenant', () => {
  it('scans at start a tenant that missed its last scheduled run, and not one that did not', async () => {
    await writeFile(path.join(sandbox.dir, 'ppmat.yaml'), simulatorTenantConfig(simulator, '    schedule: "0 2 * * *"\n    timezone: Europe/Berlin'));
    const tenantId = simulator.tenantId;

    const never = await startService();
    expect(never.code).toBe(0);
    expect(never.stdout).toMatch(/Security\s+\d00\s+/);
    expect(never.stdout).toMatch(/Next scan of Fabrikam: \S+ \(0 2 \* \* \*, Europe\/Berlin\)/);
    expect(await withDatabase((db) => db.prisma.scan.findMany({ select: { trigger: true, status: true } }))).toEqual([{ trigger: 'startup', status: 'succeeded' }]);

    const current = await startService();
    expect(current.code).toBe(0);
    expect(current.stdout).not.toMatch(/Security\s+\d00\s+/);
    expect(await withDatabase((db) => db.prisma.scan.count())).toBe(1);

    // As if the service had been down since the day before yesterday.
    await withDatabase((db) => db.prisma.scan.updateMany({ where: { tenantId }, data: { startedAt: new Date(Date.now() - 2 * 86_400_000) } }));
    const missed = await startService();
    expect(missed.stdout).toMatch(/Security\s+\d00\s+/);
    expect(await withDatabase((db) => db.prisma.scan.findMany({ orderBy: { id: 'asc' }, select: { trigger: true } }))).toEqual([{ trigger: 'startup' }, { trigger: 'startup' }]);
  });
});
