/**
 * Regressions: met -> not met capabilities, level drops that not-met statements explain,
 * critical weakening evidence changes; never an unknown; and when an open one recovered.
 */
import { describe, expect, it } from 'vitest';
import { detectRegressions, hasRecovered, undoingKeys, type JudgedScan } from '../../src/alerts/regressions.js';
import type { EvidenceChange } from '../../src/history/evidence-change.js';
import type { AreaScore, CapabilityResult, CapabilityStatus, Level } from '../../src/scoring/types.js';

const cap = (id: string, status: CapabilityStatus, reason = `${id} is ${status}`): CapabilityResult => ({
  capabilityId: id,
  area: 'security',
  level: Number(id.split('.')[1]) as Level,
  status,
  reason,
  checks: [],
});
const area = (level: Level, maxLevel: Level): AreaScore => ({ area: 'security', level, maxLevel, met: 0, total: 0, unknown: 0, summary: '' });

function scan(scanId: number, statuses: CapabilityStatus[], levels: [Level, Level], failing: { id: string; severity: 'low' | 'medium' | 'high' | 'critical' }[] = [], ruleSetVersion = 'v1'): JudgedScan {
  return {
    scanId,
    ruleSetVersion,
    areaScores: [area(levels[0], levels[1])],
    capabilityResults: [cap('security.200.a', statuses[0]!), cap('security.300.b', statuses[1]!)],
    checkResults: failing.map((f) => ({ checkId: `check.${f.id}`, severity: f.severity, outcome: 'fail' as const, message: `Check ${f.id} fails.`, capabilities: [f.id] })),
  };
}

const context = { areaNames: new Map([['security', 'Security']]), statements: new Map([['security.200.a', 'Tenant isolation'], ['security.300.b', 'DLP everywhere']]) };

describe('detectRegressions', () => {
  it('raises a met statement that a failing check made not met, with the check severity, and the level drop it explains', () => {
    const found = detectRegressions({
      previous: scan(1, ['met', 'met'], [300, 300]),
      current: scan(2, ['not_met', 'met'], [100, 100], [{ id: 'security.200.a', severity: 'high' }]),
      evidenceChanges: [],
      ...context,
    });
    expect(found.map((r) => [r.key, r.severity, r.title])).toEqual([
      ['capability:security.200.a', 'critical', 'No longer met: Tenant isolation'],
      ['level:security:300', 'warning', 'Security dropped from 300 to 100'],
    ]);
    expect(found[0]!.changes).toEqual([{ label: 'Check security.200.a fails.', before: 'pass', after: 'fail', evidence: 'check.security.200.a' }]);
    expect(found[1]!.changes.map((c) => c.label)).toEqual(['Security: level 300 → 100', 'Not met: Tenant isolation']);
  });

  it('raises nothing when statements only became unknown (collection failed): the range still reaches the old level', () => {
    expect(detectRegressions({ previous: scan(1, ['met', 'met'], [300, 300]), current: scan(2, ['unknown', 'unknown'], [100, 300]), evidenceChanges: [], ...context })).toEqual([]);
  });

  it('compares capabilities and levels only under the same rule set, evidence always', () => {
    const change: EvidenceChange = { key: 'tenantIsolation:disabled', family: 'tenantIsolation', severity: 'critical', direction: 'weaker', label: 'Tenant isolation was switched off.', before: 'on', after: 'off' };
    const found = detectRegressions({
      previous: scan(1, ['met', 'met'], [300, 300]),
      current: scan(2, ['not_met', 'met'], [100, 100], [{ id: 'security.200.a', severity: 'high' }], 'v2'),
      evidenceChanges: [change, { ...change, key: 'environments:x:added', severity: 'info', direction: 'neutral' }, { ...change, key: 'dlpPolicies:p:uncovers:e', severity: 'warning' }],
      ...context,
    });
    expect(found).toEqual([
      {
        key: 'evidence:tenantIsolation:disabled',
        kind: 'evidence',
        severity: 'critical',
        title: 'Tenant isolation was switched off.',
        summary: 'Tenant isolation was switched off.',
        changes: [{ label: 'Tenant isolation was switched off.', before: 'on', after: 'off', evidence: 'tenantIsolation' }],
      },
    ]);
  });
});

describe('recovery', () => {
  it('knows the change that undoes an evidence change', () => {
    expect(undoingKeys('tenantIsolation:disabled')).toEqual(['tenantIsolation:enabled']);
    expect(undoingKeys('dlpPolicies:p1:uncovers:env-1')).toEqual(['dlpPolicies:p1:covers:env-1']);
    expect(undoingKeys('roleAssignments:r:u:added')).toEqual(['roleAssignments:r:u:removed']);
    expect(undoingKeys('dlpPolicies:p1:deleted')).toEqual(['dlpPolicies:p1:added', 'dlpPolicies:p1:restored']);
  });

  it.each([
    ['capability:security.200.a', ['met', 'met'], true],
    ['capability:security.200.a', ['unknown', 'met'], false],
    ['capability:security.200.a', ['not_met', 'met'], false],
    ['level:security:300', ['met', 'met'], true],
    ['level:security:400', ['met', 'met'], false],
  ] as const)('%s recovers with %j: %s', (key, statuses, recovered) => {
    expect(hasRecovered(key, scan(3, [...statuses], statuses[0] === 'met' ? [300, 300] : [100, 300]), [])).toBe(recovered);
  });

  it('recovers an evidence regression when the opposite change appears', () => {
    const on: EvidenceChange = { key: 'tenantIsolation:enabled', family: 'tenantIsolation', severity: 'info', direction: 'stronger', label: 'on' };
    expect(hasRecovered('evidence:tenantIsolation:disabled', scan(3, ['met', 'met'], [300, 300]), [on])).toBe(true);
    expect(hasRecovered('evidence:tenantIsolation:disabled', scan(3, ['met', 'met'], [300, 300]), [])).toBe(false);
  });
});
