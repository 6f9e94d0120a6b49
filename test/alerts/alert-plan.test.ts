/**
 * The alert plan: raise once, remind after the interval, resolve on recovery, degraded after
 * N partial or failed scans in a row; messages only to the channels whose filters match.
 */
import { describe, expect, it } from 'vitest';
import { DEGRADED_KEY, idempotencyKeyOf, planAlerts, type OpenAlert, type PlanInput } from '../../src/alerts/alert-plan.js';
import type { JudgedScan, Regression } from '../../src/alerts/regressions.js';

const NOW = new Date('2026-11-27T02:00:00Z');
const tenant = { id: 'contoso.onmicrosoft.com', displayName: 'Contoso' };
const regression: Regression = { key: 'capability:security.200.a', kind: 'capability', severity: 'critical', title: 'No longer met: Tenant isolation', summary: 'It was met.', changes: [{ label: 'Tenant isolation is off.' }] };
const judged = (status: 'met' | 'not_met'): JudgedScan => ({
  scanId: 9,
  ruleSetVersion: 'v1',
  areaScores: [],
  capabilityResults: [{ capabilityId: 'security.200.a', area: 'security', level: 200, status, reason: '', checks: [] }],
  checkResults: [],
});
const open = (overrides: Partial<OpenAlert> = {}): OpenAlert => ({
  id: 5,
  key: 'regression:7',
  components: [regression.key],
  kind: 'regression',
  severity: 'critical',
  title: regression.title,
  summary: regression.summary,
  changes: regression.changes,
  openedScanId: 7,
  openedAt: new Date('2026-11-25T02:00:00Z'),
  lastNotifiedAt: new Date('2026-11-26T12:00:00Z'),
  ...overrides,
});

function input(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    tenant,
    scanId: 9,
    now: NOW,
    current: judged('not_met'),
    regressions: [],
    evidenceChanges: [],
    degradedStreak: 0,
    open: [],
    policy: {
      reminderHours: 24,
      degradedAfter: 3,
      publicUrl: 'https://ppmat.contoso.com/',
      channels: [
        { name: 'teams', minSeverity: 'warning' },
        { name: 'pager', minSeverity: 'critical', tenants: ['fabrikam.onmicrosoft.com'] },
        { name: 'log', minSeverity: 'info' },
      ],
    },
    ...overrides,
  };
}

describe('planAlerts', () => {
  it('raises a new regression to every channel whose filters match, with a stable id and one idempotency key per channel', () => {
    const plan = planAlerts(input({ regressions: [regression] }));
    expect(plan.create.map((a) => [a.key, a.components, a.title])).toEqual([['regression:9', ['capability:security.200.a'], 'No longer met: Tenant isolation']]);
    const messages = plan.create[0]!.messages;
    expect(messages.map((m) => [m.channel, m.kind, m.idempotencyKey])).toEqual([
      ['teams', 'raised', idempotencyKeyOf('contoso.onmicrosoft.com:regression:9:9', 'raised', 9, 'teams')],
      ['log', 'raised', idempotencyKeyOf('contoso.onmicrosoft.com:regression:9:9', 'raised', 9, 'log')],
    ]);
    expect(messages[0]!.idempotencyKey).toMatch(/^ppmat-[0-9a-f]{40}$/);
    expect(new Set(messages.map((m) => m.idempotencyKey)).size).toBe(2);
    expect(messages[0]!.payload).toMatchObject({
      id: 'contoso.onmicrosoft.com:regression:9:9',
      kind: 'raised',
      severity: 'critical',
      tenant,
      title: 'No longer met: Tenant isolation',
      scanUrl: 'https://ppmat.contoso.com/scans/9',
      occurredAt: NOW.toISOString(),
      idempotencyKey: messages[0]!.idempotencyKey,
    });
  });

  it('makes one alert of the regressions one scan finds, titled by the worst, with every change', () => {
    const level: Regression = { key: 'level:security:300', kind: 'level', severity: 'warning', title: 'Security dropped from 300 to 100', summary: 's', changes: [{ label: 'Security: level 300 → 100' }] };
    const plan = planAlerts(input({ regressions: [level, regression] }));
    expect(plan.create).toHaveLength(1);
    expect(plan.create[0]).toMatchObject({
      key: 'regression:9',
      components: ['level:security:300', 'capability:security.200.a'],
      severity: 'critical',
      title: 'No longer met: Tenant isolation, and 1 more regression',
      summary: 'Scan #9 of Contoso found 2 regressions: Security dropped from 300 to 100; No longer met: Tenant isolation.',
      changes: [{ label: 'Security: level 300 → 100' }, { label: 'Tenant isolation is off.' }],
    });
    // Only what no open alert covers is new.
    const next = planAlerts(input({ regressions: [level, regression], open: [open({ components: ['capability:security.200.a'] })] }));
    expect(next.create.map((a) => a.components)).toEqual([['level:security:300']]);
  });

  it('keeps an alert open until every component recovered', () => {
    const both = open({ components: ['capability:security.200.a', 'level:security:300'] });
    const current: JudgedScan = { ...judged('met'), areaScores: [{ area: 'security', level: 200, maxLevel: 200, met: 0, total: 0, unknown: 0, summary: '' }] };
    expect(planAlerts(input({ current, open: [both] })).resolve).toEqual([]);
    expect(planAlerts(input({ current: { ...current, areaScores: [{ ...current.areaScores[0]!, level: 300 }] }, open: [both] })).resolve.map((r) => r.id)).toEqual([5]);
  });

  it('does not raise a regression that is already open, and keeps it open', () => {
    const plan = planAlerts(input({ regressions: [regression], open: [open()] }));
    expect(plan.create).toEqual([]);
    expect(plan.stillOpen).toEqual([5]);
    expect(plan.remind).toEqual([]);
  });

  it('reminds an open alert once the interval passed since the last message', () => {
    const plan = planAlerts(input({ open: [open({ lastNotifiedAt: new Date('2026-11-26T01:59:00Z') })] }));
    expect(plan.remind).toHaveLength(1);
    expect(plan.remind[0]!.messages.map((m) => [m.channel, m.kind])).toEqual([
      ['teams', 'reminder'],
      ['log', 'reminder'],
    ]);
    expect(plan.remind[0]!.messages[0]!.payload.summary).toBe('Still open since 2026-11-25 02:00 UTC (scan #7): It was met.');
    expect(planAlerts(input({ open: [open()], policy: { ...input().policy, reminderHours: 0 } })).remind).toEqual([]);
  });

  it('resolves an alert when the statement is met again, and says so on its channels', () => {
    const plan = planAlerts(input({ current: judged('met'), open: [open()] }));
    expect(plan.resolve.map((r) => r.id)).toEqual([5]);
    expect(plan.resolve[0]!.messages[0]!.payload).toMatchObject({ kind: 'resolved', id: 'contoso.onmicrosoft.com:regression:7:7', summary: 'Resolved in scan #9: No longer met: Tenant isolation no longer holds.' });
  });

  it('does not resolve anything after a scan that failed before judging', () => {
    const plan = planAlerts(input({ current: null, open: [open()] }));
    expect(plan.resolve).toEqual([]);
    expect(plan.stillOpen).toEqual([5]);
  });

  it('raises "degraded" after the configured run of partial or failed scans, once, and resolves it with a succeeded scan', () => {
    expect(planAlerts(input({ degradedStreak: 2 })).create).toEqual([]);
    const raised = planAlerts(input({ degradedStreak: 3, degradedReason: 'dlpPolicies: 500' }));
    expect(raised.create.map((a) => [a.key, a.severity, a.title])).toEqual([[DEGRADED_KEY, 'warning', 'Scans of Contoso are degraded']]);
    expect(raised.create[0]!.summary).toBe('The last 3 scans were partial or failed, so some capabilities are unknown; this is not a posture change.');
    const degradedOpen = open({ id: 6, key: DEGRADED_KEY, components: [DEGRADED_KEY], kind: 'degraded', severity: 'warning', lastNotifiedAt: NOW });
    expect(planAlerts(input({ degradedStreak: 4, open: [degradedOpen] })).create).toEqual([]);
    expect(planAlerts(input({ degradedStreak: 0, open: [degradedOpen] })).resolve.map((r) => r.id)).toEqual([6]);
  });
});
