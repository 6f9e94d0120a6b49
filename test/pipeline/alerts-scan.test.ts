/**
 * Alerts through the whole pipeline, night after night: the demo tenant stable, then one DLP
 * policy deleted, then three nights where DLP policies answer 403, then collection recovered.
 * Exactly one regression (the deletion, with everything it caused), one "scans are degraded"
 * alert after the third 403 night, resolved by the recovered night, and no regression from
 * the 403 nights. Results and messages are written in one transaction (the outbox).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanAlertDeps } from '../../src/alerts/scan-alerts.js';
import { diffEvidence } from '../../src/history/evidence-diff.js';
import type { SimulatorOptions } from '../../src/simulator/server.js';
import { createAlertStore } from '../../src/store/alert-store.js';
import { createScanReader } from '../../src/store/scan-reader.js';
import { scanSimulator, shippedRuleSet } from '../support/scan-rig.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.dispose();
});

async function alertDeps(): Promise<ScanAlertDeps> {
  const ruleSet = await shippedRuleSet();
  return {
    alertStore: createAlertStore(db.prisma),
    reader: createScanReader(db.prisma),
    policy: { reminderHours: 24, degradedAfter: 3, publicUrl: 'https://ppmat.contoso.com', channels: [{ name: 'teams', minSeverity: 'warning' }] },
    diffEvidence,
    areaNames: new Map(ruleSet.areas.map((a) => [a.id, a.name])),
    statements: new Map(ruleSet.catalogue.map((c) => [c.id, c.statement])),
  };
}

const BASELINE = 'Tenant baseline (except Customer Service Sandbox)';
const policyDeleted: SimulatorOptions['adjust'] = (model) => {
  model.dlpPolicies = model.dlpPolicies.filter((p) => p.displayName !== BASELINE);
};

describe('alerts over nights of postures', () => {
  it('raises one regression for a deleted DLP policy, one degraded alert for three 403 nights, and resolves it on recovery', async () => {
    const alerts = await alertDeps();
    const night = (options: SimulatorOptions) => scanSimulator(db, { profile: 'defined', ...options }, { alerts });
    const all = () => db.prisma.alert.findMany({ orderBy: { id: 'asc' }, include: { messages: { orderBy: { id: 'asc' } } } });

    await night({});
    await night({});
    expect(await all()).toEqual([]);

    const deleted = await night({ adjust: policyDeleted });
    const [regression] = await all();
    expect(await db.prisma.alert.count()).toBe(1);
    expect(regression).toMatchObject({ kind: 'regression', status: 'open', severity: 'critical', openedScanId: deleted.outcome.scanId });
    // The demo's DLP statements were not met before (one environment uncovered): the deletion is the one change.
    expect(regression!.components).toEqual(['evidence:dlpPolicies:8e31064d-d90e-4957-8bd5-2173c89eab42:deleted']);
    expect(regression!.messages.map((m) => [m.channel, m.kind, m.status])).toEqual([['teams', 'raised', 'pending']]);
    const payload = regression!.messages[0]!.payload as { title: string; changes: { label: string }[]; scanUrl: string };
    expect(payload.title).toBe(`DLP policy '${BASELINE}' was deleted; it applied to all environments except 'Customer Service Sandbox'.`);
    expect(payload.changes.map((c) => c.label)).toEqual([payload.title]);
    expect(payload.scanUrl).toBe(`https://ppmat.contoso.com/scans/${deleted.outcome.scanId}`);

    const forbidden: SimulatorOptions = { adjust: policyDeleted, forbidden: ['dlpPolicies'] };
    const first403 = await night(forbidden);
    expect(first403.outcome.status).toBe('partial');
    await night(forbidden);
    expect(await db.prisma.alert.count()).toBe(1);
    const third403 = await night(forbidden);
    const recovered = await night({ adjust: policyDeleted });

    const final = await all();
    expect(final.map((a) => [a.kind, a.status])).toEqual([
      ['regression', 'open'],
      ['degraded', 'resolved'],
    ]);
    expect(final[1]).toMatchObject({ openedScanId: third403.outcome.scanId, resolvedScanId: recovered.outcome.scanId, title: 'Scans of Test tenant are degraded' });
    expect(final[1]!.messages.map((m) => m.kind)).toEqual(['raised', 'resolved']);
    expect(final[0]!.lastScanId).toBe(recovered.outcome.scanId);
    expect(final[0]!.messages).toHaveLength(1);
  });
});
