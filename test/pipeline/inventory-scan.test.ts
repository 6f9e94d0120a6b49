/**
 * The inventory end to end: the simulator's inventory endpoints, the real section
 * collectors, the partition writer and the streamed fact, stored in the database; then an
 * unchanged rescan that reuses the last scan's answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVENTORY_SECTIONS, type EnvironmentInventory, type InventoryEvidence } from '../../src/evidence/inventory.schemas.js';
import { MANIFEST_BUCKETS, MANIFEST_KEY_PREFIX } from '../../src/store/partition-manifest.js';
import { createScanDetailReader } from '../../src/store/scan-detail-reader.js';
import { createScanRepository } from '../../src/store/scan-repository.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';
import { scanSimulator } from '../support/scan-rig.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.dispose();
});

const inventoryRun = (runs: { collector: string; requests: number }[]) => runs.find((r) => r.collector === 'inventory');

describe('inventory scan of the demo tenant', () => {
  it('stores a document per environment, judges sharing and orphans, and a rescan reuses what did not change', async () => {
    const details = createScanDetailReader(db.prisma);
    const repo = createScanRepository(db.prisma, { pool: db.pool });
    const first = await scanSimulator(db, { profile: 'initial' });
    const index = first.outcome.snapshot.evidence.inventory;
    expect(index?.status).toBe('ok');
    const data = index?.data as InventoryEvidence;
    const environments = first.outcome.snapshot.evidence.environments?.data?.environments ?? [];
    expect(data.environments.map((e) => e.id).sort()).toEqual(environments.map((e) => e.id).sort());
    for (const section of INVENTORY_SECTIONS) expect(data.sections[section].error, section).toBe(0);
    expect(data.owners.unknown).toBe(0);
    expect(data.owners.deleted).toBeGreaterThan(0);

    const stored: [string, unknown][] = [];
    for await (const batch of repo.partitionDocuments(first.outcome.scanId, { prefix: 'inventory:' })) stored.push(...batch);
    expect(stored).toHaveLength(environments.length);
    const [key, content] = stored[0]!;
    const doc = content as EnvironmentInventory;
    expect(doc.sections.canvasApps.status).toBe('ok');
    const [meta] = await details.evidenceMeta(first.outcome.scanId, [key]);
    expect(data.environments.find((e) => e.id === doc.environmentId)?.hash).toBe(meta?.hash);
    // Linked through at most 64 manifests, not a row per environment.
    const links = await db.prisma.scanEvidence.findMany({ where: { scanId: first.outcome.scanId }, select: { key: true } });
    expect(links.filter((l) => l.key.startsWith('inventory:') || l.key === 'inventory-owners').length).toBe(0);
    expect(links.filter((l) => l.key.startsWith(MANIFEST_KEY_PREFIX)).length).toBeLessThanOrEqual(MANIFEST_BUCKETS);

    const results = Object.fromEntries(first.outcome.checkResults.map((r) => [r.checkId, r]));
    expect(results['governance.orphaned-resources']?.outcome).toBe('fail');
    expect(results['governance.orphaned-resources']?.message).toMatch(/resources belong to \d+ owners who left or are disabled, e\.g\. /);
    expect(results['governance.no-overshared-apps']?.outcome).toBe('fail');

    const rescan = await scanSimulator(db, { profile: 'initial' });
    const firstRequests = inventoryRun(first.outcome.collectorRuns)?.requests ?? 0;
    const rescanRequests = inventoryRun(rescan.outcome.collectorRuns)?.requests ?? 0;
    expect(rescanRequests).toBeLessThan(firstRequests / 2);
    // No owner is looked up again within ownerRecheckDays: the rescan's owner directory is the
    // first scan's document (a new lookup would carry a new checkedAt, so another hash).
    const ownerDirectory = async (scanId: number) => (await details.evidenceMeta(scanId, ['inventory-owners']))[0]?.hash;
    expect(await ownerDirectory(first.outcome.scanId)).toMatch(/^[0-9a-f]{64}$/);
    expect(await ownerDirectory(rescan.outcome.scanId)).toBe(await ownerDirectory(first.outcome.scanId));
    // An unchanged tenant stores nothing new: every document hashes as before.
    expect(rescan.outcome.saved.evidenceNew).toBe(0);
    expect(rescan.outcome.checkResults.map((r) => [r.checkId, r.outcome])).toEqual(first.outcome.checkResults.map((r) => [r.checkId, r.outcome]));
  });
});
