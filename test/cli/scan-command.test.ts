/**
 * `ppmat scan` in-process: output formats, storage, exit codes and clear errors.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FABRIKAM_TOKEN, simulatorTenantConfig, useCliSandbox } from '../support/cli-harness.js';
import { startSimulator, type SimulatorOptions } from '../../src/simulator/server.js';
import { MANIFEST_KIND } from '../../src/store/partition-manifest.js';

const sandbox = useCliSandbox('ppmat-cli-');
const cli = sandbox.cli;

describe('ppmat scan', () => {
  it('run twice with --demo --format json stores two scans, and the second adds no evidence', async () => {
    const first = await cli('scan', '--demo', '--format', 'json');
    const second = await cli('scan', '--demo', '--format', 'json');
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    const a = JSON.parse(first.stdout);
    const b = JSON.parse(second.stdout);
    expect(b.scanId).toBeGreaterThan(a.scanId);
    // 12 families, 12 environments' inventory documents and the owner directory.
    expect(a.evidence).toEqual({ count: 25, new: 25 });
    expect(b.evidence).toEqual({ count: 25, new: 0 });
    expect(a.areas.map((x: { area: string; level: number }) => `${x.area}:${x.level}`)).toEqual([
      'strategy:200',
      'business-value:200',
      'security:200',
      'governance:200',
      'operations:300',
      'community:200',
      'responsible-ai:200',
      'automation:200',
      'fusion-teams:200',
    ]);
    expect(a.checks.length).toBeGreaterThanOrEqual(8);
    await sandbox.withDatabase(async (db) => {
      expect(await db.prisma.scan.count()).toBe(2);
      // The 25 documents, plus the manifests that link the 13 partition documents (at most one per key).
      expect(await db.prisma.evidence.count({ where: { kind: { not: MANIFEST_KIND } } })).toBe(25);
      expect(await db.prisma.evidence.count({ where: { kind: MANIFEST_KIND } })).toBeLessThanOrEqual(13);
    });
  });

  it('prints a readable table: areas with level and range, then every check with its message', async () => {
    const { code, stdout } = await cli('scan', '--demo', '--profile', 'initial');
    // Power Advisor refuses a tenant without managed environments: an answer about the tenant,
    // not a failed collection, so the scan succeeds and the table says why.
    expect(code).toBe(0);
    expect(stdout).toMatch(/! advisorRecommendations: unavailable - Power Advisor gives recommendations only when at least one environment is managed/);
    expect(stdout).toMatch(/Area\s+Level\s+Range\s+Met\/Total\/Unknown\s+Summary/);
    expect(stdout).toMatch(/Security\s+100\s+/);
    expect(stdout).toMatch(/FAIL\s+security\.tenant-isolation-enabled\s+Tenant isolation/);
    expect(stdout).not.toContain('\x1b['); // no colours when not on a terminal
  });

  it('exits 4 with the file, line and key of a bad configuration, and writes nothing', async () => {
    await writeFile(path.join(sandbox.dir, 'ppmat.yaml'), 'demo:\n  profile: expert\n');
    const { code, stderr } = await cli('scan');
    expect(code).toBe(4);
    expect(stderr).toMatch(/PPMAT_E_CONFIG_INVALID: .*ppmat\.yaml: line 2, demo\.profile: /);
  });

  it('exits 4 for an unknown tenant and lists the configured ones', async () => {
    await writeFile(
      path.join(sandbox.dir, 'ppmat.yaml'),
      'tenants:\n  - id: contoso.onmicrosoft.com\n    credential:\n      kind: static\n      tokenEnv: TEST_TOKEN\n',
    );
    const { code, stderr } = await cli('scan', '--tenant', 'fabrikam');
    expect(code).toBe(4);
    expect(stderr).toMatch(/PPMAT_E_TENANT_UNKNOWN: --tenant: no tenant fabrikam is configured \(configured: contoso\.onmicrosoft\.com\)/);
  });

  describe('a configured tenant (the simulator standing in for the real admin API)', () => {
    async function configuredScan(simulatorOptions: SimulatorOptions, attestations = '') {
      const simulator = await startSimulator(simulatorOptions);
      try {
        await writeFile(path.join(sandbox.dir, 'ppmat.yaml'), simulatorTenantConfig(simulator, attestations));
        sandbox.env.FABRIKAM_TOKEN = FABRIKAM_TOKEN;
        return { ...(await cli('scan', '--format', 'json')), simulatorRequests: simulator.requests() };
      } finally {
        await simulator.close();
      }
    }

    it('scans with the credential and endpoints of the configuration, and counts its attestations', async () => {
      const plain = await configuredScan({ profile: 'defined' });
      expect(plain.code).toBe(0);
      const result = JSON.parse(plain.stdout);
      expect(result.tenantName).toBe('Fabrikam');
      expect(plain.simulatorRequests).toBe(result.collectors.reduce((s: number, c: { requests: number }) => s + c.requests, 0));
      const security = (r: { areas: { area: string; met: number }[] }) => r.areas.find((a) => a.area === 'security')!;
      const attested = await configuredScan(
        { profile: 'defined' },
        [
          '    attestations:',
          '      - capability: security.200.workload-compliance-awareness',
          '        by: jane.doe@fabrikam.example',
          '        at: 2026-11-20',
          '        reason: Reviewed with each workload team.',
        ].join('\n'),
      );
      const capability = JSON.parse(attested.stdout).capabilities.find((c: { capabilityId: string }) => c.capabilityId === 'security.200.workload-compliance-awareness');
      expect(capability).toMatchObject({ status: 'met', attestation: { by: 'jane.doe@fabrikam.example' } });
      expect(security(JSON.parse(attested.stdout)).met).toBe(security(result).met + 1);
    });

    it('refuses an attestation of a statement the model does not have, and lists those it has', async () => {
      const run = await configuredScan(
        { profile: 'defined' },
        ['    attestations:', '      - capability: security.200.compliance-understood', '        by: jane', '        at: 2026-11-20', '        reason: r'].join('\n'),
      );
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(
        /tenants\[0\]\.attestations\[0\]\.capability: "security\.200\.compliance-understood" is not a statement of the model \(security has: .*security\.200\.workload-compliance-awareness/,
      );
      expect(run.simulatorRequests).toBe(0);
    });

    it('exits 2 (partial) when the admin API refuses one family, and says why', async () => {
      const run = await configuredScan({ profile: 'defined', faults: { tenantSettings: { status: 403 } } });
      expect(run.code).toBe(2);
      const result = JSON.parse(run.stdout);
      expect(result.status).toBe('partial');
      expect(result.collectors.find((c: { collector: string }) => c.collector === 'tenantSettings')).toMatchObject({
        status: 'unavailable',
        errorCode: 'PPMAT_E_HTTP_FORBIDDEN',
      });
    });

    it('exits 4 when the token variable is not set', async () => {
      const simulator = await startSimulator();
      await simulator.close();
      await writeFile(path.join(sandbox.dir, 'ppmat.yaml'), `tenants:\n  - id: ${simulator.tenantId}\n    credential:\n      kind: static\n      tokenEnv: MISSING_TOKEN\n`);
      const run = await cli('scan');
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/the environment variable MISSING_TOKEN is not set/);
    });
  });

  it('exits 4 on an unknown option', async () => {
    const { code, stderr } = await cli('scan', '--colour');
    expect(code).toBe(4);
    expect(stderr).toMatch(/unknown option '--colour'/);
  });
});
