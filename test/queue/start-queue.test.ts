/**
 * `ppmat start` in distributed mode schedules and serves, and leaves scanning to the workers:
 * it queues a tenant's missed run without reading the tenant's credential, which only a
 * worker needs. Runs on a real PostgreSQL (PPMAT_TEST_DATABASE_URL), where the queue lives.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUEUE_SCHEMA, SCAN_QUEUE } from '../../src/queue/scan-queue.js';
import { simulatorTenantConfig, startThenStop, useCliSandbox } from '../support/cli-harness.js';

const sandbox = useCliSandbox('ppmat-start-queue-');
const TENANT = { tenantId: '4f1d2c3b-0000-4000-8000-00000000abcd', url: 'http://127.0.0.1:9' };

describe.skipIf(!process.env.PPMAT_TEST_DATABASE_URL)('ppmat start in queue mode', () => {
  it('queues the missed run of a tenant whose secret only the workers hold', async () => {
    await writeFile(
      path.join(sandbox.dir, 'ppmat.yaml'),
      ['scans: { mode: queue }', simulatorTenantConfig(TENANT, '    schedule: "0 2 * * *"\n    timezone: UTC')].join('\n'),
    );
    // FABRIKAM_TOKEN, the tenant's credential, is deliberately not set here.
    const { code, stdout, stderr } = await startThenStop({ ...sandbox.env, PPMAT_LOG_LEVEL: 'silent' }, sandbox.dir);

    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/Next scan of Fabrikam: \S+ \(0 2 \* \* \*, UTC\)/);
    const jobs = await sandbox.withDatabase((db) => db.pool.query<{ data: { tenantId: string; trigger: string } }>(`SELECT data FROM ${QUEUE_SCHEMA}.job WHERE name = $1`, [SCAN_QUEUE]));
    expect(jobs.rows.map((row) => row.data)).toEqual([expect.objectContaining({ tenantId: TENANT.tenantId, trigger: 'startup' })]);
    expect(await sandbox.withDatabase((db) => db.prisma.scan.count())).toBe(0);
  }, 60_000);
});
