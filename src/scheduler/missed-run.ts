/**
 * The scheduled run a tenant missed while the service was down: node-cron only looks
 * forward, so the most recent scheduled instant before now comes from cron-parser, and
 * each of its candidates is confirmed by node-cron's own matcher. The two libraries read
 * some expressions differently, and node-cron is the one that runs them:
 * - node-cron requires day-of-month AND day-of-week when both are given (`0 2 1 * 1` is
 *   "the 1st, if a Monday"); cron-parser follows Vixie cron's OR;
 * - node-cron also accepts `15W`, `LW`, `L-2` and full day names, which cron-parser refuses;
 * - on the night clocks spring forward, node-cron skips a 02:30 that does not exist;
 *   cron-parser moves it to 03:30.
 * So cron-parser is given node-cron's parsed fields, with any day field it cannot express
 * widened to `*`: its candidates are then a superset of node-cron's runs, in order, and
 * the first that node-cron matches is the answer.
 *
 * One difference remains: in the hour that repeats when clocks fall back, node-cron's
 * matcher accepts both 02:30s while it fires only at the second. Between the two, the first
 * counts as scheduled: at worst a service started in that hour scans once more.
 */
import { CronExpressionParser, type CronExpression } from 'cron-parser';
import { createTask, parse, type ParsedFields } from 'node-cron';

/** Candidates tried before giving up (an expression like "Feb 29, if a Monday" needs about 150). */
const MAX_CANDIDATES = 10_000;

export interface Schedule {
  cron: string;
  /** An IANA time zone, as node-cron takes it. */
  timezone: string;
}

/** The most recent instant before `now` at which node-cron runs the schedule; null when none is found. */
export function previousRun(schedule: Schedule, now: Date): Date | null {
  let candidates: CronExpression;
  try {
    candidates = CronExpressionParser.parse(candidateExpression(parse(schedule.cron)), { currentDate: now, tz: schedule.timezone });
  } catch {
    return null; // An expression that never matches (e.g. Feb 31): nothing was missed.
  }
  const matcher = createTask(schedule.cron, () => undefined, { timezone: schedule.timezone, name: `previous-run:${schedule.cron}` });
  try {
    for (let i = 0; i < MAX_CANDIDATES; i += 1) {
      const at = earlier(candidates);
      if (at === null) return null;
      if (matcher.match(at)) return at;
    }
    return null;
  } finally {
    void matcher.destroy();
  }
}

/** The candidate before the last one; null past cron-parser's range. */
function earlier(candidates: CronExpression): Date | null {
  try {
    return candidates.prev().toDate();
  } catch {
    return null;
  }
}

/**
 * The scheduled instant a tenant missed, or null: a tenant missed its last scheduled run
 * when its last scan (of any outcome) started before it, or when it was never scanned.
 */
export function missedRun(schedule: Schedule, lastScanStart: Date | null, now: Date): Date | null {
  const previous = previousRun(schedule, now);
  if (previous === null) return null;
  return lastScanStart === null || lastScanStart.getTime() < previous.getTime() ? previous : null;
}

const FIELDS: { key: keyof ParsedFields; min: number; max: number }[] = [
  { key: 'second', min: 0, max: 59 },
  { key: 'minute', min: 0, max: 59 },
  { key: 'hour', min: 0, max: 23 },
  { key: 'dayOfMonth', min: 1, max: 31 },
  { key: 'month', min: 1, max: 12 },
  { key: 'dayOfWeek', min: 0, max: 6 },
];

/** A 6-field cron-parser expression whose runs include every node-cron run of `fields`. */
export function candidateExpression(fields: ParsedFields): string {
  return FIELDS.map(({ key, min, max }) => {
    const values: readonly (number | string)[] = fields[key];
    // L, W, # and L-n tokens: node-cron's matcher decides; every day is a candidate.
    if (!values.every((v): v is number => typeof v === 'number')) return '*';
    const unique = [...new Set(values as number[])].sort((a, b) => a - b);
    return unique.length === max - min + 1 ? '*' : unique.join(',');
  }).join(' ');
}
