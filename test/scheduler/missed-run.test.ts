/**
 * The scheduled run missed while the service was down: the most recent instant before now
 * at which node-cron runs a tenant's schedule, in its time zone (DST nights included), and
 * whether the tenant's last scan started before it.
 */
import { parse } from 'node-cron';
import { describe, expect, it } from 'vitest';
import { candidateExpression, missedRun, previousRun } from '../../src/scheduler/missed-run.js';

describe('previousRun', () => {
  it.each([
    // cron, time zone, now, the previous run, why
    ['0 2 * * *', 'UTC', '2026-11-27T12:00:00Z', '2026-11-27T02:00:00Z', 'earlier today'],
    ['0 2 * * *', 'UTC', '2026-11-27T02:00:00Z', '2026-11-26T02:00:00Z', 'strictly before now'],
    ['0 2 * * *', 'UTC', '2026-11-27T01:59:59Z', '2026-11-26T02:00:00Z', 'yesterday, before today’s run'],
    ['0 2 * * *', 'Europe/Berlin', '2026-11-27T12:00:00Z', '2026-11-27T01:00:00Z', '02:00 CET is 01:00 UTC'],
    ['0 2 * * *', 'Europe/Berlin', '2026-07-01T12:00:00Z', '2026-07-01T00:00:00Z', '02:00 CEST is 00:00 UTC'],
    ['0 2 * * *', 'Europe/Berlin', '2026-03-29T12:00:00Z', '2026-03-28T01:00:00Z', 'spring forward: 02:00 does not exist, node-cron skips the night'],
    ['0 2 * * *', 'Europe/Berlin', '2026-03-30T12:00:00Z', '2026-03-30T00:00:00Z', 'the night after, in summer time'],
    ['0 2 * * *', 'Europe/Berlin', '2026-10-25T12:00:00Z', '2026-10-25T01:00:00Z', 'fall back: 02:00 happens twice, node-cron runs the second'],
    ['30 2 * * *', 'Europe/Berlin', '2026-10-25T01:00:00Z', '2026-10-25T00:30:00Z', 'fall back, between the two 02:30s: the first counts'],
    ['0 2 * * *', 'America/New_York', '2026-03-08T12:00:00Z', '2026-03-07T07:00:00Z', 'spring forward in New York'],
    ['0 2 * * *', 'Asia/Kolkata', '2026-11-27T00:00:00Z', '2026-11-26T20:30:00Z', 'a half-hour offset'],
    ['@daily', 'Europe/Berlin', '2026-11-27T12:00:00Z', '2026-11-26T23:00:00Z', 'a nickname'],
    ['*/10 * * * * *', 'UTC', '2026-11-27T12:00:07Z', '2026-11-27T12:00:00Z', 'six fields, with seconds'],
    ['0 2 * * monday', 'UTC', '2026-11-27T12:00:00Z', '2026-11-23T02:00:00Z', 'a day name cron-parser refuses'],
    ['0 2 * jan,FEB mon-fri', 'UTC', '2026-11-27T12:00:00Z', '2026-02-27T02:00:00Z', 'month and day ranges by name'],
    ['0 2 1 * 1', 'UTC', '2026-03-07T12:00:00Z', '2025-12-01T02:00:00Z', 'node-cron: the 1st AND a Monday (cron-parser would say OR)'],
    ['0 0 LW * *', 'UTC', '2026-03-07T12:00:00Z', '2026-02-27T00:00:00Z', 'the last weekday of the month'],
    ['0 0 15W * *', 'UTC', '2026-03-20T12:00:00Z', '2026-03-16T00:00:00Z', 'the weekday nearest the 15th'],
    ['0 0 * * 5L', 'UTC', '2026-03-20T12:00:00Z', '2026-02-27T00:00:00Z', 'the last Friday'],
    ['0 0 * * 1#2', 'UTC', '2026-03-20T12:00:00Z', '2026-03-09T00:00:00Z', 'the second Monday'],
    ['0 0 29 2 1', 'UTC', '2026-11-27T12:00:00Z', '2016-02-29T00:00:00Z', 'a rare day, years back'],
  ])('%s in %s at %s: %s (%s)', (cron, timezone, now, expected) => {
    expect(previousRun({ cron, timezone }, new Date(now))?.toISOString()).toBe(new Date(expected).toISOString());
  });

  it('finds none for a schedule that never runs', () => {
    expect(previousRun({ cron: '0 0 31 2 *', timezone: 'UTC' }, new Date('2026-11-27T12:00:00Z'))).toBeNull();
  });
});

describe('missedRun', () => {
  const nightly = { cron: '0 2 * * *', timezone: 'Europe/Berlin' };
  const now = new Date('2026-03-30T12:00:00Z');
  const scheduled = new Date('2026-03-30T00:00:00Z');
  it.each<[string, string | null, Date | null]>([
    ['a tenant never scanned', null, scheduled],
    ['a last scan the night before', '2026-03-29T00:00:00Z', scheduled],
    ['a last scan a millisecond before the run', '2026-03-29T23:59:59.999Z', scheduled],
    ['a last scan at the scheduled run', '2026-03-30T00:00:00Z', null],
    ['a last scan after it (manual, this morning)', '2026-03-30T08:00:00Z', null],
  ])('%s', (_, last, expected) => {
    expect(missedRun(nightly, last === null ? null : new Date(last), now)).toEqual(expected);
  });
});

describe('candidateExpression', () => {
  it.each([
    ['0 2 * * *', '0 0 2 * * *'],
    ['*/15 9-17 * * mon-fri', '0 0,15,30,45 9,10,11,12,13,14,15,16,17 * * 1,2,3,4,5'],
    ['0 0 LW * 1', '0 0 0 * * 1'],
    ['0 0 1 * 7', '0 0 0 1 * 0'],
  ])('gives cron-parser %s as %s', (cron, expected) => {
    expect(candidateExpression(parse(cron))).toBe(expected);
  });
});
