/** planRetention: which scans to delete, each with why; never a running scan, a tenant's newest scans or a pinned one. */
import { describe, expect, it } from 'vitest';
import { isoWeek, planRetention, retentionSchema, type RetentionScan } from '../../src/history/retention-policy.js';

const NOW = new Date('2026-11-27T12:00:00Z');
const policy = retentionSchema.parse(undefined);
const DAY = 86_400_000;

let nextId = 1;
/** A scan of `tenant` started `daysAgo` days before NOW (at that hour), finished five minutes later. */
function scan(daysAgo: number, overrides: Partial<RetentionScan> = {}): RetentionScan {
  const startedAt = new Date(NOW.getTime() - daysAgo * DAY);
  return { id: nextId++, tenantId: 't1', status: 'succeeded', startedAt, finishedAt: new Date(startedAt.getTime() + 300_000), ...overrides };
}

describe('retentionSchema', () => {
  it('defaults to two years, weekly after 90 days, and refuses thinning after deletion', () => {
    expect(retentionSchema.parse(undefined)).toEqual({ keepDays: 730, weeklyAfterDays: 90 });
    expect(retentionSchema.parse({ keepDays: 365 })).toEqual({ keepDays: 365, weeklyAfterDays: 90 });
    expect(retentionSchema.safeParse({ keepDays: 30, weeklyAfterDays: 90 }).error?.issues[0]).toMatchObject({ path: ['weeklyAfterDays'], message: 'must not be greater than keepDays' });
    expect(retentionSchema.safeParse({ keepDays: 30, extra: 1 }).success).toBe(false);
  });
});

describe('isoWeek', () => {
  it.each([
    ['2026-11-27T00:00:00Z', '2026-W48'],
    ['2021-01-03T23:59:00Z', '2020-W53'],
    ['2024-12-30T00:00:00Z', '2025-W01'],
    ['2026-01-01T00:00:00Z', '2026-W01'],
  ])('%s is in %s', (date, week) => expect(isoWeek(new Date(date))).toBe(week));
});

describe('planRetention', () => {
  it('keeps every scan younger than weeklyAfterDays', () => {
    const scans = [scan(0), scan(1), scan(2), scan(89)];
    expect(planRetention(scans, policy, NOW)).toEqual({ delete: [], kept: 4, protected: [] });
  });

  it('deletes scans older than keepDays, with why', () => {
    const old = scan(800);
    const plan = planRetention([old, scan(0)], policy, NOW);
    expect(plan.delete).toEqual([{ scanId: old.id, tenantId: 't1', startedAt: old.startedAt, reason: `It started ${old.startedAt.toISOString().slice(0, 10)}, more than 730 days ago.` }]);
    expect(plan.kept).toBe(1);
  });

  it('thins scans older than weeklyAfterDays to the last scan with results of each ISO week', () => {
    // 2026-07-20 is a Monday: a full week of nightly scans, 130-124 days before NOW.
    const week = [130, 129, 128, 127, 126, 125, 124].map((d) => scan(d + 0.5));
    week[6]!.status = 'failed';
    const plan = planRetention([...week, scan(0)], policy, NOW);
    const keeper = week[5]!;
    expect(new Set(week.map((s) => isoWeek(s.startedAt))).size).toBe(1);
    expect(plan.delete.map((d) => d.scanId)).toEqual(week.filter((s) => s !== keeper).map((s) => s.id));
    expect(plan.delete[0]!.reason).toBe(`It was thinned to one scan a week after 90 days: week ${isoWeek(keeper.startedAt)} keeps scan #${keeper.id}.`);
  });

  it('keeps the last finished scan of a week with no scan with results', () => {
    const week = [scan(130.5, { status: 'failed' }), scan(129.5, { status: 'aborted' })];
    const plan = planRetention([...week, scan(0)], policy, NOW);
    expect(plan.delete.map((d) => d.scanId)).toEqual([week[0]!.id]);
  });

  it('keeps one scan per week per tenant', () => {
    const a = [scan(130.5), scan(129.5)];
    const b = [scan(130.5, { tenantId: 't2' }), scan(129.5, { tenantId: 't2' })];
    const plan = planRetention([...a, ...b, scan(0), scan(0, { tenantId: 't2' })], policy, NOW);
    expect(plan.delete.map((d) => d.scanId)).toEqual([a[0]!.id, b[0]!.id]);
  });

  it('never deletes a running scan, the newest scan of a tenant, its newest scan with results, or a pinned scan', () => {
    const running = scan(900, { status: 'running', finishedAt: null });
    const pinned = scan(850);
    const lastWithResults = scan(800);
    const newest = scan(790, { status: 'failed' });
    const other = scan(900, { tenantId: 't2' });
    const plan = planRetention([running, pinned, lastWithResults, newest, other], policy, NOW, new Set([pinned.id]));
    expect(plan.delete).toEqual([]);
    expect(plan.protected.map((p) => p.reason.split(';')[0])).toEqual([
      `Scan #${running.id} is still running`,
      `Scan #${pinned.id} is referenced by an open alert`,
      `Scan #${lastWithResults.id} is the newest scan with results of tenant t1`,
      `Scan #${newest.id} is the newest scan of tenant t1`,
      `Scan #${other.id} is the newest scan with results of tenant t2`,
    ]);
    expect(plan.kept).toBe(5);
  });

  it('gives the same plan whatever the order of its input', () => {
    const scans = [scan(900), scan(200.5), scan(199.5), scan(150.5), scan(10), scan(0)];
    const plan = planRetention(scans, policy, NOW);
    expect(planRetention([...scans].reverse(), policy, NOW)).toEqual(plan);
  });
});
