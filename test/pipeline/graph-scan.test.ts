/**
 * Microsoft Graph in the whole pipeline: the demo tenant's Graph endpoints collected next to
 * the Power Platform ones, accounted on their CollectorRuns, and a Graph refusal that leaves
 * everything that does not depend on Graph untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvidenceKey } from '../../src/evidence/schemas.js';
import { EVIDENCE_KEYS } from '../../src/evidence/schemas.js';
import type { Outcome } from '../../src/rules/types.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';
import { scanSimulator, shippedRuleSet } from '../support/scan-rig.js';

const GRAPH_KEYS: EvidenceKey[] = ['conditionalAccess', 'roleAssignments', 'pimSchedules'];

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.dispose();
});

const outcomes = (checks: { checkId: string; outcome: Outcome }[]) => Object.fromEntries(checks.map((c) => [c.checkId, c.outcome]));

describe('a demo scan with Microsoft Graph', () => {
  it('collects every evidence family, Graph included, and accounts Graph requests and pages on their CollectorRuns', async () => {
    const { outcome, simulatorRequests } = await scanSimulator(db, { profile: 'initial' });
    // Power Advisor refuses a tenant without managed environments: the tenant's posture, not a
    // failed collection, so the scan still succeeds.
    expect(outcome.status).toBe('succeeded');
    expect(Object.keys(outcome.snapshot.evidence).sort()).toEqual([...EVIDENCE_KEYS].sort());
    for (const key of EVIDENCE_KEYS) expect(outcome.snapshot.evidence[key]?.status, key).toBe(key === 'advisorRecommendations' ? 'unavailable' : 'ok');
    expect(outcome.collectorRuns.map((r) => r.collector)).toEqual([...EVIDENCE_KEYS]);

    const runs = Object.fromEntries(outcome.collectorRuns.map((r) => [r.collector, r]));
    expect(runs['conditionalAccess']).toMatchObject({ status: 'ok', requests: 1, pages: 1, retries: 0 });
    // 3 roles, the 6 Global Administrators on two pages of 5.
    expect(runs['roleAssignments']).toMatchObject({ status: 'ok', requests: 4, pages: 4 });
    // Eligible and active instances of 3 roles; the 6 standing GA instances on two pages.
    expect(runs['pimSchedules']).toMatchObject({ status: 'ok', requests: 7, pages: 7 });
    expect(runs['pimSchedules']!.bytes).toBeGreaterThan(1000);
    expect(runs['organization']).toMatchObject({ status: 'ok', requests: 1, pages: 1 });
    // Access review definitions and access packages: one (empty) page each.
    expect(runs['identityGovernance']).toMatchObject({ status: 'ok', requests: 2, pages: 2 });
    // Every request the simulator saw is on some CollectorRun.
    expect(outcome.collectorRuns.reduce((sum, r) => sum + r.requests, 0)).toBe(simulatorRequests);

    const stored = await db.prisma.scan.findUniqueOrThrow({ where: { id: outcome.scanId }, include: { evidence: true } });
    // 12 families, plus each environment's inventory document and the owner directory.
    expect(stored.evidence).toHaveLength(12 + 12 + 1);
  });

  it('a Graph 403 makes only the Graph evidence unavailable, naming the permission; checks that do not read it are unaffected', async () => {
    const ruleSet = await shippedRuleSet();
    const healthy = outcomes((await scanSimulator(db, { profile: 'capable' })).outcome.checkResults);
    const { outcome } = await scanSimulator(db, { profile: 'capable', faults: { pimSchedules: { status: 403 }, conditionalAccess: { status: 403 } } });
    expect(outcome.status).toBe('partial');

    const evidence = outcome.snapshot.evidence;
    expect(evidence.pimSchedules).toMatchObject({ status: 'unavailable', errorCode: 'PPMAT_E_HTTP_FORBIDDEN' });
    expect(evidence.pimSchedules?.reason).toMatch(/RoleEligibilitySchedule\.Read\.Directory|RoleAssignmentSchedule\.Read\.Directory/);
    expect(evidence.pimSchedules?.reason).toMatch(/admin consent/);
    expect(evidence.conditionalAccess?.reason).toMatch(/Policy\.Read\.All/);
    for (const key of EVIDENCE_KEYS.filter((k) => k !== 'pimSchedules' && k !== 'conditionalAccess')) expect(evidence[key]?.status, key).toBe('ok');

    const faulty = outcomes(outcome.checkResults);
    for (const check of ruleSet.checks) {
      const readsRefused = check.evidenceKeys.some((k) => k === 'pimSchedules' || k === 'conditionalAccess');
      if (readsRefused) expect(faulty[check.id], check.id).toBe('unknown');
      else expect(faulty[check.id], check.id).toBe(healthy[check.id]);
    }
    const runs = Object.fromEntries(outcome.collectorRuns.map((r) => [r.collector, r]));
    expect(runs['pimSchedules']).toMatchObject({ status: 'unavailable', errorCode: 'PPMAT_E_HTTP_FORBIDDEN', retries: 0 });
    expect((await db.prisma.scan.findUniqueOrThrow({ where: { id: outcome.scanId } })).error).toMatch(/pimSchedules: .*403/);
  });

  it('Graph throttling is retried after Retry-After and counted on the Graph CollectorRun', async () => {
    const { outcome } = await scanSimulator(db, { profile: 'defined', faults: { roleAssignments: { status: 429, times: 2, retryAfterSeconds: 1 } } });
    expect(outcome.status).toBe('succeeded');
    const run = outcome.collectorRuns.find((r) => r.collector === 'roleAssignments')!;
    expect(run).toMatchObject({ status: 'ok', requests: 5, retries: 2, throttled: 2, throttledMs: 2000 });
  });

  it('only the Graph families fail when Graph is down; the Power Platform evidence is still judged', async () => {
    const down = { status: 500 };
    const { outcome } = await scanSimulator(db, { profile: 'defined', faults: { conditionalAccess: down, roleAssignments: down, pimSchedules: down } });
    expect(outcome.status).toBe('partial');
    for (const key of GRAPH_KEYS) expect(outcome.snapshot.evidence[key], key).toMatchObject({ status: 'error', errorCode: 'PPMAT_E_HTTP_STATUS' });
    expect(outcome.snapshot.evidence.environments?.status).toBe('ok');
    expect(outcomes(outcome.checkResults)['security.tenant-isolation-enabled']).toBe('pass');
  });
});
