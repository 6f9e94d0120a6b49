/**
 * The scan store: results written in one transaction, evidence content-addressed so an
 * unchanged document is stored once, and scans that died marked aborted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalDocument } from '../../src/evidence/content-hash.js';
import { createManifestBuilder } from '../../src/store/partition-manifest.js';
import type { EvidenceItem } from '../../src/evidence/snapshot.js';
import { createScanRepository, type ScanRepository, type ScanResults } from '../../src/store/scan-repository.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

const tenant = { id: 'tenant-1', displayName: 'Contoso', cloud: 'public', schedule: '0 2 * * *', timezone: 'UTC', enabled: true };
const at = new Date('2026-11-27T02:00:00Z');

function results(evidence: EvidenceItem[], overrides: Partial<ScanResults> = {}): ScanResults {
  return {
    status: 'succeeded',
    finishedAt: at,
    collectorRuns: [
      { collector: 'tenantIsolation', status: 'ok', startedAt: at, durationMs: 12, requests: 1, retries: 0, throttled: 0, throttledMs: 0, bytes: 120, pages: 1 },
    ],
    evidence,
    checkResults: [
      {
        checkId: 'security.tenant-isolation-enabled',
        checkVersion: 1,
        title: 'Tenant isolation',
        capabilities: ['security.200.tenant-isolation'],
        severity: 'high',
        outcome: 'pass',
        message: 'Tenant isolation is on.',
        actual: { enabled: true },
        evidenceKeys: ['tenantIsolation'],
      },
    ],
    capabilityResults: [
      { capabilityId: 'security.200.tenant-isolation', area: 'security', level: 200, status: 'met', reason: 'Tenant isolation is on.', checks: [{ checkId: 'security.tenant-isolation-enabled', outcome: 'pass' }] },
    ],
    areaScores: [{ area: 'security', level: 100, maxLevel: 200, met: 1, total: 5, unknown: 4, summary: '100; up to 200 if the 4 unknown statements are met' }],
    ...overrides,
  };
}

const isolation = (allowed: string[]): EvidenceItem => ({
  key: 'tenantIsolation',
  status: 'ok',
  data: { configured: true, enabled: true, allowedTenants: allowed.map((tenantId) => ({ tenantId, inbound: true, outbound: true })) },
  collectedAt: at.toISOString(),
});

describe('scan repository', () => {
  let db: TestDatabase;
  let store: ScanRepository;
  beforeAll(async () => {
    db = await openTestDatabase();
    store = createScanRepository(db.prisma, { pool: db.pool });
    await store.upsertTenant(tenant);
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it('stores an unchanged evidence document once and references it again', async () => {
    const first = await store.startScan({ tenantId: tenant.id, trigger: 'manual', ruleSetVersion: 'v1', startedAt: at });
    const saved1 = await store.saveResults(first, results([isolation(['a', 'b'])]));
    const second = await store.startScan({ tenantId: tenant.id, trigger: 'manual', ruleSetVersion: 'v1', startedAt: at });
    // The same document with keys in another order: the same canonical JSON.
    const reordered: EvidenceItem = {
      key: 'tenantIsolation',
      status: 'ok',
      data: { allowedTenants: [{ outbound: true, inbound: true, tenantId: 'a' }, { tenantId: 'b', inbound: true, outbound: true }], enabled: true, configured: true },
      collectedAt: at.toISOString(),
    };
    const saved2 = await store.saveResults(second, results([reordered]));
    expect(saved1).toMatchObject({ evidenceCount: 1, evidenceNew: 1 });
    expect(saved2).toMatchObject({ evidenceCount: 1, evidenceNew: 0 });
    const refs = await db.prisma.scanEvidence.findMany({ where: { scanId: { in: [first, second] } } });
    expect(new Set(refs.map((r) => r.evidenceHash)).size).toBe(1);
    const third = await store.startScan({ tenantId: tenant.id, trigger: 'manual', ruleSetVersion: 'v1', startedAt: at });
    expect(await store.saveResults(third, results([isolation(['a'])]))).toMatchObject({ evidenceNew: 1 });
    expect(await store.countEvidence()).toBe(2);
  });

  it('records evidence that could not be collected, with its reason and no document', async () => {
    const scanId = await store.startScan({ tenantId: tenant.id, trigger: 'manual', ruleSetVersion: 'v1', startedAt: at });
    await store.saveResults(
      scanId,
      results([{ key: 'tenantSettings', status: 'unavailable', reason: '403: not a Power Platform admin management application', errorCode: 'PPMAT_E_HTTP_FORBIDDEN', collectedAt: at.toISOString() }], { status: 'partial' }),
    );
    const row = await db.prisma.scanEvidence.findUniqueOrThrow({ where: { scanId_key: { scanId, key: 'tenantSettings' } } });
    expect(row).toMatchObject({ status: 'unavailable', evidenceHash: null, errorCode: 'PPMAT_E_HTTP_FORBIDDEN' });
    const scan = await db.prisma.scan.findUniqueOrThrow({ where: { id: scanId } });
    expect(scan).toMatchObject({ status: 'partial', evidenceCount: 0, checksTotal: 1, checksPassed: 1, requests: 1 });
  });

  it('writes nothing of a scan whose results fail to save, and leaves it running for recovery', async () => {
    const scanId = await store.startScan({ tenantId: tenant.id, trigger: 'manual', ruleSetVersion: 'v1', startedAt: at });
    const broken = results([isolation(['z'])]);
    broken.checkResults = [...broken.checkResults, broken.checkResults[0]!]; // a duplicate check id violates the unique key
    await expect(store.saveResults(scanId, broken)).rejects.toThrow();
    expect(await db.prisma.checkResult.count({ where: { scanId } })).toBe(0);
    expect(await db.prisma.scanEvidence.count({ where: { scanId } })).toBe(0);
    expect((await db.prisma.scan.findUniqueOrThrow({ where: { id: scanId } })).status).toBe('running');
    const aborted = await store.abortOrphanedScans(new Date(), 'the process stopped');
    expect(aborted).toBeGreaterThanOrEqual(1);
    expect(await db.prisma.scan.findUniqueOrThrow({ where: { id: scanId } })).toMatchObject({ status: 'aborted', error: 'the process stopped' });
  });

  it('ends a scan as failed or aborted only while it is running', async () => {
    const scanId = await store.startScan({ tenantId: tenant.id, trigger: 'schedule', ruleSetVersion: 'v1', startedAt: at });
    await store.endScan(scanId, 'aborted', 'interrupted', at);
    await store.endScan(scanId, 'failed', 'late failure', at);
    expect(await db.prisma.scan.findUniqueOrThrow({ where: { id: scanId } })).toMatchObject({ status: 'aborted', error: 'interrupted' });
    const listed = await store.listScans(tenant.id, 2);
    expect(listed[0]).toMatchObject({ id: scanId, trigger: 'schedule', status: 'aborted' });
  });

  it('stores partition documents through node-postgres, once each, links them through manifests, and reads them back from the last finished scan', async () => {
    const repo = store;
    const doc = (n: number) => canonicalDocument({ environmentId: `env-${n}`, sections: { canvasApps: { status: 'ok', data: [{ id: `app-${n}`, name: "O'Brien \"quoted\" ✓" }] } } });
    const first = await repo.startScan({ tenantId: tenant.id, trigger: 'manual', ruleSetVersion: 'v1', startedAt: at });
    const docs = [1, 2, 3].map((n) => ({ key: `inventory:env-${n}`, kind: 'inventory', doc: doc(n) }));
    const manifests = () => {
      const builder = createManifestBuilder();
      for (const d of docs) builder.add(d.key, d.doc.hash, at);
      return builder.build();
    };
    expect(await repo.putPartitions(first, docs)).toBe(3);
    // Stored, not yet linked: the manifests link them.
    expect(await repo.scanDocuments(first, [docs[0]!.key])).toEqual(new Map());
    expect(await repo.linkPartitions(first, manifests())).toBe(manifests().length);
    await repo.saveResults(first, results([isolation(['p'])]));
    const stored = await db.prisma.evidence.count();
    const second = await repo.startScan({ tenantId: tenant.id, trigger: 'manual', ruleSetVersion: 'v1', startedAt: at });
    expect(await repo.putPartitions(second, docs)).toBe(0);
    expect(await repo.linkPartitions(second, manifests())).toBe(0);
    expect(await db.prisma.evidence.count()).toBe(stored);
    expect(await repo.lastFinishedScanId(tenant.id, second)).toBe(first);
    const read = await repo.scanDocuments(first, [docs[0]!.key, 'inventory:none']);
    expect([...read.keys()]).toEqual([docs[0]!.key]);
    expect(read.get(docs[0]!.key)).toEqual(JSON.parse(docs[0]!.doc.json));
  });
});
