/**
 * The whole pipeline on real parts: the demo simulator over loopback HTTP, the real
 * collectors, rules and scoring, and the database (PGlite, or PostgreSQL in CI).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/rules/types.js';
import { AREAS } from '../../src/scoring/types.js';
import { MANIFEST_KEY_PREFIX } from '../../src/store/partition-manifest.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';
import { scanSimulator } from '../support/scan-rig.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.dispose();
});

const outcomes = (checks: { checkId: string; outcome: Outcome }[]) => Object.fromEntries(checks.map((c) => [c.checkId, c.outcome]));

/** The checks that read tenant settings, from their `requires` (the rule files). */
const TENANT_SETTINGS_CHECKS = [
  'governance.developer-environment-creation-restricted',
  'governance.environment-creation-restricted',
  'governance.trial-environment-creation-restricted',
  'security.share-with-everyone-disabled',
  'automation.environment-routing',
  'governance.capacity-monitoring',
  'governance.usage-insights',
];

describe('runScan on the demo tenant', () => {
  it('stores a succeeded scan with levels, checks, capabilities and collector accounting', async () => {
    const { outcome } = await scanSimulator(db, { profile: 'defined' });
    expect(outcome.status).toBe('succeeded');
    expect(Object.fromEntries(outcome.areaScores.map((a) => [a.area, a.level]))).toEqual({
      strategy: 200,
      'business-value': 200,
      security: 200,
      governance: 200,
      operations: 300,
      community: 200,
      'responsible-ai': 200,
      automation: 200,
      'fusion-teams': 200,
    });
    const scan = await db.prisma.scan.findUniqueOrThrow({
      where: { id: outcome.scanId },
      include: { collectorRuns: true, checkResults: true, areaScores: true, capabilityResults: true, evidence: true },
    });
    expect(scan.status).toBe('succeeded');
    expect(scan.finishedAt).not.toBeNull();
    expect(scan.checkResults.length).toBe(outcome.checkResults.length);
    expect(scan.checkResults.length).toBeGreaterThanOrEqual(8);
    expect(scan.areaScores.map((a) => a.area).sort()).toEqual([...AREAS].sort());
    // The partition documents (each environment's inventory, the owner directory) are linked through manifests.
    expect(scan.evidence.filter((e) => e.key.startsWith('inventory:') || e.key === 'inventory-owners')).toEqual([]);
    expect(scan.evidence.filter((e) => e.key.startsWith(MANIFEST_KEY_PREFIX)).length).toBeGreaterThan(0);
    expect(scan.evidence.filter((e) => !e.key.startsWith(MANIFEST_KEY_PREFIX)).map((e) => [e.key, e.status]).sort()).toEqual([
      ['advisorRecommendations', 'ok'],
      ['conditionalAccess', 'ok'],
      ['dlpPolicies', 'ok'],
      ['environmentGroups', 'ok'],
      ['environments', 'ok'],
      ['identityGovernance', 'ok'],
      ['inventory', 'ok'],
      ['organization', 'ok'],
      ['pimSchedules', 'ok'],
      ['roleAssignments', 'ok'],
      ['tenantIsolation', 'ok'],
      ['tenantSettings', 'ok'],
    ]);
    const environments = scan.collectorRuns.find((r) => r.collector === 'environments')!;
    // 12 environments at 5 per page: 3 pages, each one request.
    expect(environments).toMatchObject({ status: 'ok', pages: 3, requests: 3, retries: 0 });
    expect(scan.requests).toBe(scan.collectorRuns.reduce((s, r) => s + r.requests, 0));
    for (const result of scan.checkResults) expect(result.message.length).toBeGreaterThan(10);
    // Each result points at the exact evidence documents it judged.
    const dlp = scan.checkResults.find((r) => r.checkId === 'security.dlp-all-environments')!;
    expect(dlp.evidenceRefs.map((ref) => ref.split(':')[0]).sort()).toEqual(['dlpPolicies', 'environments']);
    for (const ref of dlp.evidenceRefs) {
      const [key, hash] = ref.split(':');
      expect(await db.prisma.evidence.findUnique({ where: { hash: hash! }, select: { kind: true } })).toEqual({ kind: key });
    }
  });

  it('adds no evidence rows when nothing changed since the last scan', async () => {
    await scanSimulator(db, { profile: 'capable', seed: 7 });
    const before = await db.prisma.evidence.count();
    const { outcome } = await scanSimulator(db, { profile: 'capable', seed: 7 });
    // 12 families, 12 environments' inventory documents and the owner directory.
    expect(outcome.saved).toMatchObject({ evidenceCount: 25, evidenceNew: 0 });
    expect(await db.prisma.evidence.count()).toBe(before);
  });

  it('shows different levels for different postures', async () => {
    const levels = async (profile: 'initial' | 'capable') =>
      Object.fromEntries((await scanSimulator(db, { profile })).outcome.areaScores.map((a) => [a.area, a.level]));
    expect(await levels('initial')).toEqual(Object.fromEntries(AREAS.map((area) => [area, 100])));
    const capable = await levels('capable');
    for (const area of AREAS) expect(capable[area], area).toBeGreaterThanOrEqual(300);
  });

  it('turns a 403 into unavailable evidence, unknown checks with the reason, and a partial scan; other checks are unaffected', async () => {
    const healthy = outcomes((await scanSimulator(db, { profile: 'defined' })).outcome.checkResults);
    const { outcome } = await scanSimulator(db, { profile: 'defined', faults: { tenantSettings: { status: 403 } } });
    expect(outcome.status).toBe('partial');
    const evidence = outcome.snapshot.evidence.tenantSettings!;
    expect(evidence).toMatchObject({ status: 'unavailable', errorCode: 'PPMAT_E_HTTP_FORBIDDEN' });
    expect(evidence.reason).toMatch(/403/);
    const faulty = outcomes(outcome.checkResults);
    for (const id of TENANT_SETTINGS_CHECKS) {
      expect(faulty[id], id).toBe('unknown');
      expect(outcome.checkResults.find((c) => c.checkId === id)!.message).toMatch(/tenant settings/i);
    }
    for (const [id, result] of Object.entries(healthy)) {
      if (!TENANT_SETTINGS_CHECKS.includes(id)) expect(faulty[id], id).toBe(result);
    }
    // Unknown is never counted as a failure.
    expect(outcome.checkResults.filter((c) => c.outcome === 'fail').length).toBe(
      Object.entries(healthy).filter(([id, o]) => o === 'fail' && !TENANT_SETTINGS_CHECKS.includes(id)).length,
    );
    const stored = await db.prisma.checkResult.findFirstOrThrow({ where: { scanId: outcome.scanId, checkId: TENANT_SETTINGS_CHECKS[0] } });
    expect(stored.evidenceRefs).toEqual(['tenantSettings']);
    const run = await db.prisma.collectorRun.findFirstOrThrow({ where: { scanId: outcome.scanId, collector: 'tenantSettings' } });
    expect(run).toMatchObject({ status: 'unavailable', errorCode: 'PPMAT_E_HTTP_FORBIDDEN' });
    expect((await db.prisma.scan.findUniqueOrThrow({ where: { id: outcome.scanId } })).error).toMatch(/tenantSettings: .*403/);
  });

  it('turns a malformed body into a collection error and a partial scan', async () => {
    const { outcome } = await scanSimulator(db, { profile: 'defined', faults: { dlpPolicies: { status: 200, body: '{"value": [ {"policyDefinition": ' } } });
    expect(outcome.status).toBe('partial');
    expect(outcome.snapshot.evidence.dlpPolicies).toMatchObject({ status: 'error', errorCode: 'PPMAT_E_MALFORMED_RESPONSE' });
    expect(outcomes(outcome.checkResults)['security.dlp-default-environment']).toBe('unknown');
    expect(outcomes(outcome.checkResults)['security.tenant-isolation-enabled']).toBe('pass');
  });

  it('retries a 429 after Retry-After and counts it', async () => {
    const { outcome } = await scanSimulator(db, { profile: 'defined', faults: { tenantIsolation: { status: 429, times: 2, retryAfterSeconds: 1 } } });
    expect(outcome.status).toBe('succeeded');
    const run = outcome.collectorRuns.find((r) => r.collector === 'tenantIsolation')!;
    expect(run).toMatchObject({ status: 'ok', requests: 3, retries: 2, throttled: 2 });
    expect(run.throttledMs).toBe(2000);
  });

  it('fails the scan when no evidence at all can be collected', async () => {
    const down = { status: 500 };
    const { outcome } = await scanSimulator(db, {
      faults: {
        environments: down,
        tenantSettings: down,
        dlpPolicies: down,
        tenantIsolation: down,
        conditionalAccess: down,
        roleAssignments: down,
        pimSchedules: down,
        environmentGroups: down,
        advisorRecommendations: down,
        organization: down,
        identityGovernance: down,
      },
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.checkResults.every((c) => c.outcome === 'unknown' || c.outcome === 'not_applicable')).toBe(true);
    // Nothing is met from telemetry: only what a person attested.
    const met = outcome.capabilityResults.filter((c) => c.status === 'met');
    expect(met.every((c) => c.attestation !== undefined)).toBe(true);
    expect(outcome.capabilityResults.some((c) => c.status === 'not_met')).toBe(false);
  });

  it('marks an interrupted scan aborted and stores none of its results', async () => {
    const controller = new AbortController();
    const before = await db.prisma.scan.count();
    await expect(scanSimulator(db, { profile: 'defined' }, { signal: controller.signal, abortAfterCollect: controller })).rejects.toThrow();
    const scan = await db.prisma.scan.findFirstOrThrow({ orderBy: { id: 'desc' }, include: { checkResults: true, evidence: true } });
    expect(await db.prisma.scan.count()).toBe(before + 1);
    expect(scan).toMatchObject({ status: 'aborted', error: 'interrupted before the scan finished' });
    expect(scan.checkResults).toHaveLength(0);
    // Only what was streamed while collecting stays (the inventory documents, linked through
    // their manifests once collection ended; evidence, not results); a later scan never reuses
    // an aborted scan's documents.
    expect(scan.evidence.length).toBeGreaterThan(0);
    expect(scan.evidence.filter((e) => !e.key.startsWith(MANIFEST_KEY_PREFIX))).toHaveLength(0);
  });
});
