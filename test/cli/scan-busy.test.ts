/**
 * `ppmat scan` takes the tenant's lease like the service: a tenant another process is
 * scanning is refused with a sentence that names the holder, and exit code 6.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/errors/catalogue.js';
import { demoTenantId } from '../../src/simulator/tenant-model.js';
import { useCliSandbox } from '../support/cli-harness.js';

const sandbox = useCliSandbox('ppmat-busy-');

const withDatabase = sandbox.withDatabase;

describe('ppmat scan of a tenant another process is scanning', () => {
  it('refuses with the holder and since when, stores no scan, and leaves the lease alone', async () => {
    const tenantId = demoTenantId(42);
    const since = new Date();
    const time = since.toISOString().slice(11, 19);
    await withDatabase((db) => db.prisma.scanLease.create({ data: { tenantId, holder: 'host-1:4242:ab12cd34', acquiredAt: since, expiresAt: new Date(since.getTime() + 3_600_000) } }));
    const run = await sandbox.cli('scan', '--demo');
    expect(run.code).toBe(EXIT.busy);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      `ppmat: PPMAT_E_TENANT_BUSY: Demo tenant (defined profile) (${tenantId}) is being scanned by host-1:4242:ab12cd34 since ${time} UTC; try again when it ends`,
    );
    expect(await withDatabase((db) => db.prisma.scan.count())).toBe(0);
    expect(await withDatabase((db) => db.prisma.scanLease.findMany())).toMatchObject([{ tenantId, holder: 'host-1:4242:ab12cd34' }]);
  });

  it('scans once that lease has expired, takes it over and frees it after', async () => {
    const tenantId = demoTenantId(42);
    const long = new Date(Date.now() - 3_600_000);
    await withDatabase((db) => db.prisma.scanLease.create({ data: { tenantId, holder: 'host-1:4242:ab12cd34', acquiredAt: long, expiresAt: new Date(long.getTime() + 120_000) } }));
    const run = await sandbox.cli('scan', '--demo', '--format', 'json');
    expect(run.code).toBe(EXIT.ok);
    expect(await withDatabase((db) => db.prisma.scan.findMany())).toMatchObject([{ status: 'succeeded', trigger: 'manual' }]);
    expect(await withDatabase((db) => db.prisma.scanLease.count())).toBe(0);
  });

  it('takes over at once the lease of a process of this host that no longer runs (embedded database)', async () => {
    if (sandbox.env.DATABASE_URL) return; // On PostgreSQL such a lease is waited out: hosts may share a name.
    const tenantId = demoTenantId(42);
    const gone = spawnSync(process.execPath, ['-e', '']).pid; // a process of this host that has ended
    const since = new Date();
    await withDatabase(async (db) => {
      await db.prisma.tenant.create({ data: { id: tenantId, displayName: 'Demo', schedule: '0 2 * * *', timezone: 'UTC' } });
      const orphan = await db.prisma.scan.create({ data: { tenantId, trigger: 'schedule', ruleSetVersion: 'v0', startedAt: since } });
      await db.prisma.scanLease.create({ data: { tenantId, holder: `${os.hostname()}:${gone}:deadbeef`, scanId: orphan.id, acquiredAt: since, expiresAt: new Date(since.getTime() + 120_000) } });
    });
    const run = await sandbox.cli('scan', '--demo', '--format', 'json');
    expect(run.code).toBe(EXIT.ok);
    const scans = await withDatabase((db) => db.prisma.scan.findMany({ orderBy: { id: 'asc' } }));
    expect(scans).toMatchObject([
      { status: 'aborted', error: 'the process running this scan stopped before it finished (no live lease on the tenant covers it)' },
      { status: 'succeeded', trigger: 'manual' },
    ]);
  });
});
