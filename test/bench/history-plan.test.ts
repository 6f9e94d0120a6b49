/** The api bench's planned history: every tenant every night, maturing, with a few alerts each. */
import { describe, expect, it } from 'vitest';
import { planHistory } from '../../bench/history-plan.js';

const LAST_NIGHT = new Date('2026-11-26T02:00:00Z');
const full = planHistory({ tenants: 50, days: 730, stages: 3, lastNight: LAST_NIGHT });

describe('planHistory', () => {
  it('plans one scan per tenant per night, night by night, the last one on the last night', () => {
    expect(full.scans).toHaveLength(36_500);
    expect(full.scans.slice(0, 3).map((s) => [s.day, s.tenant])).toEqual([[0, 0], [0, 1], [0, 2]]);
    expect(full.scans.at(-1)).toMatchObject({ day: 729, tenant: 49 });
    const lastOfTenant0 = full.scans.find((s) => s.day === 729 && s.tenant === 0)!;
    expect(lastOfTenant0.startedAt.toISOString()).toBe(LAST_NIGHT.toISOString());
    const firstOfTenant1 = full.scans.find((s) => s.day === 0 && s.tenant === 1)!;
    expect(firstOfTenant1.startedAt.toISOString()).toBe('2024-11-27T02:00:37.000Z');
  });

  it('is the same plan every time', () => {
    expect(planHistory({ tenants: 50, days: 730, stages: 3, lastNight: LAST_NIGHT })).toEqual(full);
  });

  it('uses every template and moves each tenant between them, so trends are not flat', () => {
    expect(new Set(full.scans.map((s) => s.stage))).toEqual(new Set([0, 1, 2]));
    for (let tenant = 0; tenant < 50; tenant++) {
      const stages = full.scans.filter((s) => s.tenant === tenant).map((s) => s.stage);
      expect(stages.every((stage) => stage >= 0 && stage < 3)).toBe(true);
      expect(new Set(stages).size).toBeGreaterThan(1);
    }
  });

  it('raises a few alerts per tenant: each opens on a night that regressed and resolves on the first that recovered', () => {
    const perTenant = Array.from({ length: 50 }, (_, t) => full.alerts.filter((a) => a.tenant === t).length);
    expect(Math.min(...perTenant)).toBeGreaterThanOrEqual(1);
    expect(full.alerts.length / 50).toBeGreaterThanOrEqual(3);
    expect(full.alerts.length / 50).toBeLessThanOrEqual(12);
    const stage = (tenant: number, day: number) => full.scans[day * 50 + tenant]!.stage;
    for (const alert of full.alerts) {
      expect(stage(alert.tenant, alert.openedDay)).toBeLessThan(stage(alert.tenant, alert.openedDay - 1));
      if (alert.resolvedDay !== null) {
        expect(alert.resolvedDay).toBeGreaterThan(alert.openedDay);
        expect(stage(alert.tenant, alert.resolvedDay)).toBeGreaterThan(stage(alert.tenant, alert.resolvedDay - 1));
      }
    }
  });

  it('leaves every fifth tenant with an alert open from the last night', () => {
    const open = full.alerts.filter((a) => a.resolvedDay === null);
    expect(open.map((a) => a.tenant)).toEqual([...new Set(open.map((a) => a.tenant))]);
    for (let tenant = 0; tenant < 50; tenant += 5) expect(open.some((a) => a.tenant === tenant && a.openedDay === 729)).toBe(true);
  });

  it('plans a single template without regressions', () => {
    const plan = planHistory({ tenants: 3, days: 10, stages: 1, lastNight: LAST_NIGHT });
    expect(plan.scans.every((s) => s.stage === 0)).toBe(true);
    expect(plan.alerts).toEqual([]);
  });
});
