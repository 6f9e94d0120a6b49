/**
 * Retention against the store: old scans and their results deleted, the evidence no kept scan
 * references deleted with them, and evidence a kept scan still references never deleted.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { canonicalDocument } from '../../src/evidence/content-hash.js';
import { retentionSchema } from '../../src/history/retention-policy.js';
import { createPartitionWriter } from '../../src/scheduler/partition-writer.js';
import { MANIFEST_KIND } from '../../src/store/partition-manifest.js';
import { createRetention } from '../../src/store/retention.js';
import { createScanRepository } from '../../src/store/scan-repository.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

const NOW = new Date('2026-11-27T12:00:00Z');
const DAY = 86_400_000;
const policy = retentionSchema.parse(undefined);

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.dispose();
});

/** Ids of the seeded scans: `old` (800 days), `thinned` and `weekKeeper` (same week, 130 days), `recent` (1 day). */
let ids: { old: number; thinned: number; weekKeeper: number; recent: number };

async function scan(tenantId: string, daysAgo: number, status: 'succeeded' | 'running' = 'succeeded', evidence: string[] = []): Promise<number> {
  const startedAt = new Date(NOW.getTime() - daysAgo * DAY);
  const created = await db.prisma.scan.create({
    data: {
      tenantId,
      trigger: 'schedule',
      status,
      startedAt,
      ruleSetVersion: 'v1',
      ...(status === 'running' ? {} : { finishedAt: new Date(startedAt.getTime() + 60_000) }),
      areaScores: { create: [{ area: 'security', level: 200, maxLevel: 300, met: 1, total: 2, unknown: 1, summary: '200' }] },
      evidence: { create: evidence.map((hash, i) => ({ key: `family${i}`, status: 'ok', evidenceHash: hash, collectedAt: startedAt })) },
    },
    select: { id: true },
  });
  return created.id;
}

beforeEach(async () => {
  await db.prisma.tenant.deleteMany();
  await db.prisma.evidence.deleteMany();
  await db.prisma.tenant.create({ data: { id: 't1', displayName: 'Contoso' } });
  await db.prisma.evidence.createMany({
    data: ['shared', 'only-old', 'only-thinned', 'only-recent', 'orphan'].map((hash) => ({ hash, kind: 'environments', content: { hash }, bytes: 10 })),
  });
  const old = await scan('t1', 800, 'succeeded', ['shared', 'only-old']);
  const thinned = await scan('t1', 130.5, 'succeeded', ['only-thinned']);
  const weekKeeper = await scan('t1', 129.5, 'succeeded', ['shared']);
  const recent = await scan('t1', 1, 'succeeded', ['only-recent']);
  ids = { old, thinned, weekKeeper, recent };
});

const hashes = async () => (await db.prisma.evidence.findMany({ select: { hash: true }, orderBy: { hash: 'asc' } })).map((e) => e.hash);
const scanIds = async () => (await db.prisma.scan.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((s) => s.id);

describe('retention', () => {
  it('a dry run says what it would delete and deletes nothing', async () => {
    const result = await createRetention(db.prisma).prune({ policy, now: NOW, dryRun: true });
    expect(result.plan.delete.map((d) => d.scanId)).toEqual([ids.old, ids.thinned]);
    expect(result).toMatchObject({ dryRun: true, deletedScans: 2, deletedEvidence: 3 });
    expect(await scanIds()).toEqual([ids.old, ids.thinned, ids.weekKeeper, ids.recent]);
    expect(await hashes()).toHaveLength(5);
  });

  it('deletes old and thinned scans with their results, then the evidence no kept scan references', async () => {
    const result = await createRetention(db.prisma).prune({ policy, now: NOW });
    expect(result).toMatchObject({ dryRun: false, deletedScans: 2, deletedEvidence: 3 });
    expect(result.sweepSkipped).toBeUndefined();
    expect(await scanIds()).toEqual([ids.weekKeeper, ids.recent]);
    expect(await db.prisma.areaScore.count({ where: { scanId: { in: [ids.old, ids.thinned] } } })).toBe(0);
    expect(await db.prisma.scanEvidence.count({ where: { scanId: { in: [ids.old, ids.thinned] } } })).toBe(0);
    // `shared` was referenced by the deleted old scan too, but the kept week keeper still references it.
    expect(await hashes()).toEqual(['only-recent', 'shared']);
    // A second run finds nothing more to do.
    expect(await createRetention(db.prisma).prune({ policy, now: NOW })).toMatchObject({ deletedScans: 0, deletedEvidence: 0 });
  });

  it('keeps scans an open alert points at', async () => {
    await db.prisma.alert.create({
      data: {
        tenantId: 't1',
        key: 'capability:x',
        openKey: 't1|capability:x',
        kind: 'capability',
        severity: 'critical',
        title: 't',
        summary: 's',
        changes: [],
        openedScanId: ids.old,
        lastScanId: ids.recent,
        openedAt: NOW,
        lastNotifiedAt: NOW,
      },
    });
    const result = await createRetention(db.prisma).prune({ policy, now: NOW });
    expect(result.plan.delete.map((d) => d.scanId)).toEqual([ids.thinned]);
    expect(result.plan.protected[0]!.reason).toMatch(new RegExp(`^Scan #${ids.old} is referenced by an open alert; kept although it started`));
    expect(await hashes()).toEqual(['only-old', 'only-recent', 'shared']);
  });

  it('deletes scans but leaves the evidence sweep for later while a scan is running', async () => {
    const running = await scan('t1', 0, 'running');
    const result = await createRetention(db.prisma).prune({ policy, now: NOW });
    expect(result.deletedScans).toBe(2);
    expect(result.deletedEvidence).toBe(0);
    expect(result.sweepSkipped).toBe(`scan #${running} is running and may be linking evidence documents; the next prune sweeps them.`);
    expect(await hashes()).toHaveLength(5);
  });
});

describe('retention of partition documents linked through manifests', () => {
  const doc = (name: string) => ({ environmentId: name });
  const hashOf = (name: string) => canonicalDocument(doc(name)).hash;

  /** A scan `daysAgo` through the partition writer; `linked: false` stores its documents and dies before the flush links them. */
  async function partitionScan(daysAgo: number, names: string[], linked = true): Promise<number> {
    const repo = createScanRepository(db.prisma, { pool: db.pool });
    const at = new Date(NOW.getTime() - daysAgo * DAY);
    const scanId = await repo.startScan({ tenantId: 't1', trigger: 'schedule', ruleSetVersion: 'v1', startedAt: at });
    if (!linked) {
      await repo.putPartitions(scanId, names.map((name) => ({ key: `inventory:${name}`, kind: 'inventory', doc: canonicalDocument(doc(name)) })));
      await repo.endScan(scanId, 'aborted', 'the process stopped', at);
      return scanId;
    }
    const writer = createPartitionWriter({ store: repo, scanId, tenantId: 't1', kindOf: () => 'inventory', clock: () => at });
    for (const name of names) await writer.put(`inventory:${name}`, doc(name));
    await writer.flush();
    const partitions = writer.counts;
    await repo.saveResults(scanId, { status: 'succeeded', finishedAt: at, collectorRuns: [], evidence: [], checkResults: [], capabilityResults: [], areaScores: [], partitions });
    return scanId;
  }

  it('never deletes a document a kept scan\'s manifest lists; deletes those only a deleted scan listed, and an aborted scan\'s unlinked documents', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `env-${i}`);
    await partitionScan(800, [...names, 'only-old-env']);
    const kept = await partitionScan(1, names);
    await partitionScan(0.5, ['aborted-env'], false);
    const keptManifests = (await db.prisma.scanEvidence.findMany({ where: { scanId: kept, key: { startsWith: 'partitions/' } } })).map((r) => r.evidenceHash!);
    const manifestsBefore = await db.prisma.evidence.count({ where: { kind: MANIFEST_KIND } });
    // The old scan's manifests that differ from the kept scan's: those listing `only-old-env`.
    const oldOnlyManifests = manifestsBefore - keptManifests.length;
    expect(oldOnlyManifests).toBe(1);

    const dry = await createRetention(db.prisma).prune({ policy, now: NOW, dryRun: true });
    // only-old, only-thinned, orphan; only-old-env, its manifest; aborted-env.
    expect(dry.deletedEvidence).toBe(3 + 2 + 1);
    const result = await createRetention(db.prisma).prune({ policy, now: NOW });
    expect(result).toMatchObject({ deletedEvidence: 6 });
    const left = new Set(await hashes());
    for (const name of names) expect(left.has(hashOf(name)), name).toBe(true);
    for (const hash of keptManifests) expect(left.has(hash)).toBe(true);
    expect(left.has(hashOf('only-old-env'))).toBe(false);
    expect(left.has(hashOf('aborted-env'))).toBe(false);
    expect(await db.prisma.evidence.count({ where: { kind: MANIFEST_KIND } })).toBe(keptManifests.length);
    expect(await createRetention(db.prisma).prune({ policy, now: NOW })).toMatchObject({ deletedEvidence: 0 });
  });
});
