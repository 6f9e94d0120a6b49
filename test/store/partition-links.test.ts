/**
 * Partition documents linked through manifests, against the store: a scan links its
 * documents with at most 64 rows, an unchanged rescan stores no evidence, one changed
 * environment changes one manifest; and every reader (the writer's `previous`, scanDocuments,
 * evidence meta and content, the batched replay reader) sees the documents through manifests
 * and through the direct rows older databases hold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalDocument } from '../../src/evidence/content-hash.js';
import type { EvidenceItem } from '../../src/evidence/snapshot.js';
import { createPartitionWriter } from '../../src/scheduler/partition-writer.js';
import { MANIFEST_BUCKETS, MANIFEST_KIND, manifestKeyOf } from '../../src/store/partition-manifest.js';
import { createScanDetailReader } from '../../src/store/scan-detail-reader.js';
import { createScanRepository, type ScanRepository, type ScanResults } from '../../src/store/scan-repository.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

const ENVIRONMENTS = 300;
const start = new Date('2026-11-27T02:00:00Z').getTime();

let db: TestDatabase;
let repo: ScanRepository;
let tick = 0;
/** Every call is one second later, so each link's time can be told apart. */
const clock = () => new Date(start + 1000 * tick++);

beforeAll(async () => {
  db = await openTestDatabase();
  repo = createScanRepository(db.prisma, { pool: db.pool });
  for (const id of ['t-manifest', 't-legacy']) await repo.upsertTenant({ id, displayName: id, cloud: 'public', schedule: '0 2 * * *', timezone: 'UTC', enabled: true });
});
afterAll(async () => {
  await db?.dispose();
});

const envKey = (i: number) => `inventory:env-${String(i).padStart(4, '0')}`;
const envDoc = (i: number, version = 1) => ({ environmentId: `env-${i}`, version, sections: { canvasApps: { status: 'ok', data: [{ id: `app-${i}` }] } } });
const dlp: EvidenceItem = { key: 'dlpPolicies', status: 'ok', data: { policies: [] } as never, collectedAt: new Date(start).toISOString() };

function results(partitions: { stored: number; new: number }): ScanResults {
  return { status: 'succeeded', finishedAt: clock(), collectorRuns: [], evidence: [dlp], checkResults: [], capabilityResults: [], areaScores: [], partitions };
}

/** A scan through the real partition writer: every environment's document (one of them changed, maybe) and the owner directory. */
async function scan(tenantId: string, changed?: number) {
  const scanId = await repo.startScan({ tenantId, trigger: 'manual', ruleSetVersion: 'v1', startedAt: clock() });
  const writer = createPartitionWriter({ store: repo, scanId, tenantId, kindOf: () => 'inventory', clock });
  const previous = await writer.previous([envKey(0), envKey(1), 'inventory-owners', 'dlpPolicies', 'inventory:none']);
  for (let i = 0; i < ENVIRONMENTS; i += 1) await writer.put(envKey(i), envDoc(i, i === changed ? 2 : 1));
  await writer.put('inventory-owners', { owners: ['ann'] });
  await writer.flush();
  const saved = await repo.saveResults(scanId, results(writer.counts));
  return { scanId, saved, counts: writer.counts, previous };
}

const links = async (scanId: number) =>
  db.prisma.scanEvidence.findMany({ where: { scanId }, orderBy: { key: 'asc' }, select: { key: true, evidenceHash: true, collectedAt: true } });
const evidenceRows = () => db.prisma.evidence.count();

describe('partition documents linked through manifests', () => {
  let first: Awaited<ReturnType<typeof scan>>;
  let rescan: Awaited<ReturnType<typeof scan>>;
  let changed: Awaited<ReturnType<typeof scan>>;

  it('links a scan\'s documents with one row per bucket, each a manifest of that bucket\'s keys', async () => {
    const before = await evidenceRows();
    first = await scan('t-manifest');
    const rows = await links(first.scanId);
    const manifestRows = rows.filter((r) => r.key.startsWith('partitions/'));
    // The dlpPolicies family is linked as before; no partition document has a row of its own.
    expect(rows.map((r) => r.key).filter((k) => !k.startsWith('partitions/'))).toEqual(['dlpPolicies']);
    const buckets = new Set([...Array.from({ length: ENVIRONMENTS }, (_, i) => envKey(i)), 'inventory-owners'].map(manifestKeyOf));
    expect(manifestRows.map((r) => r.key)).toEqual([...buckets].sort());
    expect(manifestRows.length).toBeLessThanOrEqual(MANIFEST_BUCKETS);
    const manifests = await db.prisma.evidence.findMany({ where: { hash: { in: manifestRows.map((r) => r.evidenceHash!) } } });
    expect(manifests.every((m) => m.kind === MANIFEST_KIND)).toBe(true);
    const listed = manifests.flatMap((m) => Object.keys((m.content as { entries: Record<string, string> }).entries));
    expect(listed).toHaveLength(ENVIRONMENTS + 1);
    // Documents, the family and the manifests: each stored once.
    expect(await evidenceRows()).toBe(before + ENVIRONMENTS + 1 + 1 + manifestRows.length);
    expect(first.counts).toEqual({ stored: ENVIRONMENTS + 1, new: ENVIRONMENTS + 1 });
    expect(first.saved).toMatchObject({ evidenceCount: ENVIRONMENTS + 2, evidenceNew: ENVIRONMENTS + 2 });
    expect(await repo.countEvidence()).toBe(ENVIRONMENTS + 2);
  });

  it('stores no evidence for an unchanged rescan, only the same links again', async () => {
    const before = await evidenceRows();
    rescan = await scan('t-manifest');
    expect(await evidenceRows()).toBe(before);
    expect(rescan.counts).toEqual({ stored: ENVIRONMENTS + 1, new: 0 });
    expect(rescan.saved).toMatchObject({ evidenceCount: ENVIRONMENTS + 2, evidenceNew: 0 });
    const [a, b] = [await links(first.scanId), await links(rescan.scanId)];
    expect(b.length).toBeLessThanOrEqual(MANIFEST_BUCKETS + 1);
    expect(b.map((r) => [r.key, r.evidenceHash])).toEqual(a.map((r) => [r.key, r.evidenceHash]));
  });

  it('stores one document and one manifest when one environment changed', async () => {
    const before = await evidenceRows();
    changed = await scan('t-manifest', 7);
    expect(await evidenceRows()).toBe(before + 2);
    expect(changed.counts).toEqual({ stored: ENVIRONMENTS + 1, new: 1 });
    const [a, b] = [await links(rescan.scanId), await links(changed.scanId)];
    const differing = b.filter((row, i) => row.evidenceHash !== a[i]!.evidenceHash).map((r) => r.key);
    expect(differing).toEqual([manifestKeyOf(envKey(7))]);
  });

  it('gives the partition writer the last scan\'s documents through its manifests, families directly', async () => {
    expect(first.previous.size).toBe(0);
    expect([...changed.previous.keys()].sort()).toEqual(['dlpPolicies', 'inventory-owners', envKey(0), envKey(1)]);
    expect(changed.previous.get(envKey(1))).toEqual(envDoc(1));
    expect(changed.previous.get('dlpPolicies')).toEqual({ policies: [] });
    const read = await repo.scanDocuments(changed.scanId, [envKey(7), envKey(8), 'inventory:none']);
    expect(read).toEqual(new Map([[envKey(7), envDoc(7, 2)], [envKey(8), envDoc(8)]]));
  });

  it('answers evidence meta and content for a document listed in a manifest, with the link\'s time', async () => {
    const details = createScanDetailReader(db.prisma);
    const meta = await details.evidenceMeta(changed.scanId, [envKey(7), 'dlpPolicies', 'inventory:none']);
    const doc = canonicalDocument(envDoc(7, 2));
    const link = (await links(changed.scanId)).find((r) => r.key === manifestKeyOf(envKey(7)))!;
    expect(meta).toEqual([
      { key: 'dlpPolicies', status: 'ok', hash: canonicalDocument({ policies: [] }).hash, bytes: expect.any(Number), reason: null, errorCode: null, collectedAt: new Date(start) },
      { key: envKey(7), status: 'ok', hash: doc.hash, bytes: doc.bytes, reason: null, errorCode: null, collectedAt: link.collectedAt },
    ]);
    expect((await details.evidenceContent([doc.hash])).get(doc.hash)).toEqual(envDoc(7, 2));
  });

  it('reads a scan\'s partition documents in key order, a batch at a time', async () => {
    const batches: [string, unknown][][] = [];
    for await (const batch of repo.partitionDocuments(changed.scanId, { prefix: 'inventory:', keys: ['inventory-owners'] }, 64)) batches.push(batch);
    expect(batches.map((b) => b.length)).toEqual([64, 64, 64, 64, 45]);
    const keys = batches.flat().map(([key]) => key);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys)).toEqual(new Set([...Array.from({ length: ENVIRONMENTS }, (_, i) => envKey(i)), 'inventory-owners']));
    expect(new Map(batches.flat()).get(envKey(7))).toEqual(envDoc(7, 2));
  });
});

describe('partition documents of older databases (one scan_evidence row each)', () => {
  let legacyScan: number;
  const legacyDocs = [3, 1, 2].map((i) => ({ key: envKey(i), doc: canonicalDocument(envDoc(i, 9)) }));

  beforeAll(async () => {
    legacyScan = await repo.startScan({ tenantId: 't-legacy', trigger: 'manual', ruleSetVersion: 'v0', startedAt: clock() });
    await repo.putPartitions(legacyScan, legacyDocs.map(({ key, doc }) => ({ key, kind: 'inventory', doc })));
    await db.prisma.scanEvidence.createMany({ data: legacyDocs.map(({ key, doc }) => ({ scanId: legacyScan, key, status: 'ok', evidenceHash: doc.hash, collectedAt: new Date(start + 42_000) })) });
    await repo.saveResults(legacyScan, results({ stored: 3, new: 3 }));
  });

  it('reads them as before: previous, scanDocuments, evidence meta and the batched reader', async () => {
    const scanId = await repo.startScan({ tenantId: 't-legacy', trigger: 'manual', ruleSetVersion: 'v1', startedAt: clock() });
    const writer = createPartitionWriter({ store: repo, scanId, tenantId: 't-legacy', kindOf: () => 'inventory', clock });
    expect(await writer.previous([envKey(1), envKey(4)])).toEqual(new Map([[envKey(1), envDoc(1, 9)]]));
    expect(await repo.scanDocuments(legacyScan, [envKey(2), 'dlpPolicies'])).toEqual(new Map<string, unknown>([[envKey(2), envDoc(2, 9)], ['dlpPolicies', { policies: [] }]]));
    const [meta] = await createScanDetailReader(db.prisma).evidenceMeta(legacyScan, [envKey(3)]);
    expect(meta).toMatchObject({ key: envKey(3), status: 'ok', hash: legacyDocs[0]!.doc.hash, collectedAt: new Date(start + 42_000) });
    const read: [string, unknown][] = [];
    for await (const batch of repo.partitionDocuments(legacyScan, { prefix: 'inventory:' }, 2)) read.push(...batch);
    expect(read).toEqual([1, 2, 3].map((i) => [envKey(i), envDoc(i, 9)]));
  });
});
