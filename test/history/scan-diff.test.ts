/** diffScans: levels moved, capabilities flipped with the new reason, checks changed with their messages, and the evidence changes. */
import { describe, expect, it } from 'vitest';
import { diffScans, type DiffableScan } from '../../src/history/scan-diff.js';
import type { CheckResult } from '../../src/rules/types.js';
import type { AreaScore, CapabilityResult } from '../../src/scoring/types.js';
import { baseData, patched, snapshotOf } from './evidence-fixtures.js';

const ruleSet = {
  areas: [
    { id: 'security', name: 'Security' },
    { id: 'governance', name: 'Governance' },
  ],
  catalogue: [
    { id: 'security.200.tenant-isolation', area: 'security', level: 200, statement: 'Tenant isolation is configured.', assessment: 'automated' },
    { id: 'governance.200.pp-admin-role-assigned', area: 'governance', level: 200, statement: 'The Power Platform admin role is assigned.', assessment: 'automated' },
  ],
} as const satisfies Parameters<typeof diffScans>[2];

const area = (name: AreaScore['area'], level: AreaScore['level'], maxLevel: AreaScore['maxLevel']): AreaScore => ({ area: name, level, maxLevel, met: 1, total: 2, unknown: 0, summary: '' });
const capability = (capabilityId: string, status: CapabilityResult['status'], reason: string): CapabilityResult => ({
  capabilityId,
  area: capabilityId.split('.')[0] as CapabilityResult['area'],
  level: 200,
  status,
  reason,
  checks: [],
});
const check = (checkId: string, outcome: CheckResult['outcome'], message: string): CheckResult => ({
  checkId,
  checkVersion: 1,
  title: checkId,
  capabilities: [],
  severity: 'high',
  outcome,
  message,
  actual: {},
  evidenceKeys: [],
});

function scan(id: number, overrides: Partial<DiffableScan>): DiffableScan {
  return {
    id,
    tenantId: 'tenant-1',
    tenantName: 'Contoso',
    trigger: 'schedule',
    status: 'succeeded',
    ruleSetVersion: 'abc',
    startedAt: new Date(`2026-11-${20 + id}T02:00:00Z`),
    finishedAt: new Date(`2026-11-${20 + id}T02:05:00Z`),
    error: null,
    areaScores: [],
    capabilityResults: [],
    checkResults: [],
    snapshot: snapshotOf(baseData()),
    ...overrides,
  };
}

describe('diffScans', () => {
  const before = scan(1, {
    areaScores: [area('security', 300, 400), area('governance', 200, 200)],
    capabilityResults: [capability('security.200.tenant-isolation', 'met', 'Tenant isolation is on; 1 tenant is allowed.'), capability('governance.200.pp-admin-role-assigned', 'met', 'Alex holds it.')],
    checkResults: [check('security.tenant-isolation-enabled', 'pass', 'Tenant isolation is on; 1 tenant is allowed.'), check('governance.pp-admin-role-assigned', 'pass', 'Alex holds it.')],
    adoption: { environments: { total: 3, byType: {} }, makers: 1, canvasApps: 1, cloudFlows: 1, modelDrivenApps: 0, agents: 0, customConnectors: 0, powerPagesSites: 0, sharedWithEveryone: 0 },
  });
  const after = scan(2, {
    areaScores: [area('security', 100, 100), area('governance', 200, 300)],
    capabilityResults: [capability('security.200.tenant-isolation', 'not_met', 'Tenant isolation is off, so makers can connect to any other tenant.'), capability('governance.200.pp-admin-role-assigned', 'met', 'Alex holds it.')],
    checkResults: [check('security.tenant-isolation-enabled', 'fail', 'Tenant isolation is off, so makers can connect to any other tenant.'), check('governance.pp-admin-role-assigned', 'pass', 'Alex holds it.')],
    snapshot: snapshotOf(patched((d) => void (d.tenantIsolation.enabled = false))),
    adoption: { environments: { total: 3, byType: {} }, makers: 1, canvasApps: 1, cloudFlows: 1, modelDrivenApps: 0, agents: 0, customConnectors: 0, powerPagesSites: 0, sharedWithEveryone: 4 },
  });

  it('names every level, capability, check and evidence change between the two scans', () => {
    const diff = diffScans(before, after, ruleSet);
    expect(diff).toMatchObject({ tenantId: 'tenant-1', tenantName: 'Contoso', before: { id: 1, at: '2026-11-21T02:05:00.000Z' }, after: { id: 2 }, ruleSetChanged: false });
    expect(diff.levels).toEqual([
      { area: 'security', areaName: 'Security', from: { level: 300, maxLevel: 400 }, to: { level: 100, maxLevel: 100 }, direction: 'down', label: 'Security fell from 300 to 100 (range 300-400 → 100).' },
      { area: 'governance', areaName: 'Governance', from: { level: 200, maxLevel: 200 }, to: { level: 200, maxLevel: 300 }, direction: 'up', label: 'Governance stayed at 200; its range moved from 200 to 200-300.' },
    ]);
    expect(diff.capabilities).toEqual([
      {
        capabilityId: 'security.200.tenant-isolation',
        area: 'security',
        level: 200,
        statement: 'Tenant isolation is configured.',
        from: 'met',
        to: 'not_met',
        direction: 'down',
        reason: 'Tenant isolation is off, so makers can connect to any other tenant.',
        label: 'security.200.tenant-isolation (Tenant isolation is configured.): met → not met. Tenant isolation is off, so makers can connect to any other tenant.',
      },
    ]);
    expect(diff.checks).toEqual([
      {
        checkId: 'security.tenant-isolation-enabled',
        title: 'security.tenant-isolation-enabled',
        severity: 'high',
        from: 'pass',
        to: 'fail',
        direction: 'down',
        beforeMessage: 'Tenant isolation is on; 1 tenant is allowed.',
        message: 'Tenant isolation is off, so makers can connect to any other tenant.',
        label: 'security.tenant-isolation-enabled: pass → fail. Tenant isolation is off, so makers can connect to any other tenant.',
      },
    ]);
    expect(diff.evidence.map((e) => e.key)).toEqual(['tenantIsolation:disabled', 'inventory:sharedWithEveryone:rose']);
  });

  it('gives nothing for a scan compared with itself', () => {
    const diff = diffScans(before, before, ruleSet);
    expect([diff.levels, diff.capabilities, diff.checks, diff.evidence]).toEqual([[], [], [], []]);
  });

  it('says when the rule sets differ, and names checks that appeared or disappeared', () => {
    const later = scan(2, { ...before, id: 2, ruleSetVersion: 'def', checkResults: [check('governance.pp-admin-role-assigned', 'pass', 'Alex holds it.'), check('security.new-check', 'unknown', 'Not collected.')] });
    const diff = diffScans(before, later, ruleSet);
    expect(diff.ruleSetChanged).toBe(true);
    expect(diff.checks.map((c) => c.label)).toEqual([
      'security.new-check: not run → unknown. Not collected.',
      'security.tenant-isolation-enabled: pass → not run. The check is no longer in the rule set (it said: Tenant isolation is on; 1 tenant is allowed.)',
    ]);
  });

  it('compares no evidence family that failed in either scan', () => {
    const failed = { ...after, snapshot: snapshotOf(patched((d) => void (d.tenantIsolation.enabled = false)), ['tenantIsolation']) };
    expect(diffScans(before, failed, ruleSet).evidence.map((e) => e.key)).toEqual(['inventory:sharedWithEveryone:rose']);
  });
});
