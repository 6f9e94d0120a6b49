/**
 * A tenant's history read back from real stored scans (the demo tenant scanned with three
 * postures), and two stored scans compared: levels, capabilities and evidence moved the way the
 * simulator's profiles differ.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffScans, type DiffableScan } from '../../src/history/scan-diff.js';
import type { ScanOutcome } from '../../src/scheduler/run-scan.js';
import type { SimulatorOptions } from '../../src/simulator/server.js';
import { createHistoryRepository, type HistoryRepository } from '../../src/store/history-repository.js';
import { createScanReader } from '../../src/store/scan-reader.js';
import { createScanRepository } from '../../src/store/scan-repository.js';
import { scanSimulator, shippedRuleSet } from '../support/scan-rig.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let history: HistoryRepository;
/** capable, defined, initial, then capable with tenant isolation refused (partial). */
const scans: ScanOutcome[] = [];
let failedScanId: number;

beforeAll(async () => {
  db = await openTestDatabase();
  history = createHistoryRepository(db.prisma);
  const postures: SimulatorOptions[] = [{ profile: 'capable' }, { profile: 'defined' }, { profile: 'initial' }, { profile: 'capable', forbidden: ['tenantIsolation'] }];
  for (const options of postures) scans.push((await scanSimulator(db, options)).outcome);
  const store = createScanRepository(db.prisma, { pool: db.pool });
  failedScanId = await store.startScan({ tenantId: scans[0]!.tenantId, trigger: 'schedule', ruleSetVersion: 'x', startedAt: new Date() });
  await store.endScan(failedScanId, 'failed', 'no token', new Date());
}, 120_000);
afterAll(async () => {
  await db?.dispose();
});

const tenant = () => scans[0]!.tenantId;

async function stored(outcome: ScanOutcome): Promise<DiffableScan> {
  const scan = await createScanReader(db.prisma).loadScan(outcome.scanId);
  const adoption = await history.adoptionOf([outcome.scanId]);
  return { ...scan!, adoption: adoption.get(outcome.scanId) ?? null };
}

describe('history repository', () => {
  it('lists every scan of the tenant in the range, oldest first, whatever its status', async () => {
    const listed = await history.listScans(tenant());
    expect(listed.map((s) => [s.id, s.status])).toEqual([...scans.map((s) => [s.scanId, s.status]), [failedScanId, 'failed']]);
    expect(scans.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'partial']);
    expect(await history.listScans(tenant(), { from: new Date(Date.now() + 86_400_000) })).toEqual([]);
    expect(await history.listScans(tenant(), { to: new Date(0) })).toEqual([]);
    expect(await history.listScans('another-tenant')).toEqual([]);
    expect(await history.tenantName(tenant())).toBe('Test tenant');
  });

  it("gives each area's level and range per scan with results, oldest first", async () => {
    const trends = await history.areaTrends(tenant());
    expect(trends.map((t) => t.area)).toEqual(scans[0]!.areaScores.map((a) => a.area));
    for (const trend of trends) {
      expect(trend.points.map((p) => p.scanId)).toEqual(scans.map((s) => s.scanId));
      expect(trend.points.map((p) => [p.level, p.maxLevel])).toEqual(scans.map((s) => {
        const score = s.areaScores.find((a) => a.area === trend.area)!;
        return [score.level, score.maxLevel];
      }));
      for (const point of trend.points) expect(point.finishedAt).toBeInstanceOf(Date);
    }
    const security = await history.areaTrends(tenant(), {}, ['security']);
    expect(security.map((t) => t.area)).toEqual(['security']);
    // The capable tenant is more mature than the initial one.
    const levels = security[0]!.points.map((p) => p.level);
    expect(levels[0]!).toBeGreaterThan(levels[2]!);
  });

  it("gives one capability statement's status and reason per scan", async () => {
    const trend = await history.capabilityTrend(tenant(), 'security.200.tenant-isolation');
    expect(trend.map((p) => [p.scanId, p.status])).toEqual(scans.map((s) => [s.scanId, s.capabilityResults.find((c) => c.capabilityId === 'security.200.tenant-isolation')!.status]));
    expect(trend.map((p) => p.status)).toEqual(['met', 'met', 'not_met', 'unknown']);
    expect(trend[2]!.reason).toMatch(/Tenant isolation is not configured/);
    expect(await history.capabilityTrend(tenant(), 'no.such.statement')).toEqual([]);
  });

  it('gives the adoption counts per scan, and the last two scans with results', async () => {
    const adoption = await history.adoptionTrend(tenant());
    expect(adoption.map((p) => p.scanId)).toEqual(scans.map((s) => s.scanId));
    const shared = adoption.map((p) => p.adoption?.sharedWithEveryone);
    expect(shared[0]).toBe(0);
    expect(shared[2]!).toBeGreaterThan(0);
    expect(adoption[0]!.adoption?.environments?.total).toBe(12);
    expect(await history.lastResultScanIds(tenant(), 2)).toEqual([scans[3]!.scanId, scans[2]!.scanId]);
    expect(await history.adoptionOf([])).toEqual(new Map());
  });
});

describe('diffScans on stored scans', () => {
  it('from capable to initial: levels fall, tenant isolation switched off, DLP policies deleted, admins added', async () => {
    const diff = diffScans(await stored(scans[0]!), await stored(scans[2]!), await shippedRuleSet());
    expect(diff.ruleSetChanged).toBe(false);
    expect(diff.levels.find((l) => l.area === 'security')).toMatchObject({ direction: 'down' });
    expect(diff.capabilities.find((c) => c.capabilityId === 'security.200.tenant-isolation')).toMatchObject({ from: 'met', to: 'not_met', direction: 'down' });
    expect(diff.checks.find((c) => c.checkId === 'security.tenant-isolation-enabled')).toMatchObject({ from: 'pass', to: 'fail' });
    const keys = diff.evidence.map((e) => e.key);
    expect(keys).toContain('tenantIsolation:disabled');
    expect(keys).toContain('dlpPolicies:default-environment:uncovered');
    expect(keys).toContain('tenantSettings:powerPlatform.powerApps.disableShareWithEveryone:off');
    expect(keys).toContain('inventory:sharedWithEveryone:rose');
    expect(keys.filter((k) => /^dlpPolicies:.*:deleted$/.test(k))).toHaveLength(3);
    expect(diff.evidence.filter((e) => e.key.startsWith('roleAssignments:') && e.key.endsWith(':added')).every((e) => e.severity === 'critical' && e.direction === 'weaker')).toBe(true);
    expect(diff.evidence[0]!.severity).toBe('critical');
  });

  it('from initial to a capable scan that could not read tenant isolation: no tenant isolation change', async () => {
    const diff = diffScans(await stored(scans[2]!), await stored(scans[3]!), await shippedRuleSet());
    expect(diff.after.status).toBe('partial');
    expect(diff.evidence.filter((e) => e.family === 'tenantIsolation')).toEqual([]);
    expect(diff.evidence.map((e) => e.key)).toContain('dlpPolicies:default-environment:covered');
    expect(diff.capabilities.find((c) => c.capabilityId === 'security.200.tenant-isolation')).toMatchObject({ from: 'not_met', to: 'unknown', direction: 'up' });
  });

  it('a stored scan compared with itself shows no change', async () => {
    const diff = diffScans(await stored(scans[0]!), await stored(scans[0]!), await shippedRuleSet());
    expect([diff.levels, diff.capabilities, diff.checks, diff.evidence]).toEqual([[], [], [], []]);
  });
});
