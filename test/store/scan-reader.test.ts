/**
 * A stored scan reads back as it was judged: levels, capability statuses, check results and
 * the evidence families (a snapshot the SCuBA crosswalk and replays can use).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE_KEYS } from '../../src/evidence/schemas.js';
import { createScanReader } from '../../src/store/scan-reader.js';
import { scanSimulator } from '../support/scan-rig.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.dispose();
});

describe('scan reader', () => {
  it('gives back the judgement and the evidence families of the latest finished scan', async () => {
    const reader = createScanReader(db.prisma);
    const { outcome } = await scanSimulator(db, { profile: 'defined', forbidden: ['tenantSettings'] });
    expect(outcome.status).toBe('partial');
    expect(await reader.latestResultScanId(outcome.tenantId)).toBe(outcome.scanId);
    const stored = await reader.loadScan(outcome.scanId);
    expect(stored).not.toBeNull();
    expect(stored!).toMatchObject({ id: outcome.scanId, tenantId: outcome.tenantId, status: 'partial', trigger: 'manual' });
    expect(stored!.areaScores).toEqual(outcome.areaScores);
    expect(stored!.capabilityResults).toEqual(outcome.capabilityResults);
    expect(stored!.checkResults).toEqual(outcome.checkResults.map(({ remediation: _remediation, ...rest }) => rest));
    // Every family, ok or not, with its content or its reason; never the per-environment documents.
    expect(Object.keys(stored!.snapshot.evidence).sort()).toEqual([...EVIDENCE_KEYS].sort());
    for (const key of EVIDENCE_KEYS) {
      const before = outcome.snapshot.evidence[key]!;
      const after = stored!.snapshot.evidence[key]!;
      expect(after.status, key).toBe(before.status);
      expect(after.data, key).toEqual(before.data === undefined ? undefined : JSON.parse(JSON.stringify(before.data)));
      expect(after.reason, key).toBe(before.reason);
    }
  });

  it('says null for a scan that does not exist and for a tenant never scanned', async () => {
    const reader = createScanReader(db.prisma);
    expect(await reader.loadScan(987654)).toBeNull();
    expect(await reader.latestResultScanId('00000000-0000-0000-0000-000000000000')).toBeNull();
  });
});
