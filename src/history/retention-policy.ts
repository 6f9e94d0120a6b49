/**
 * How long scans are kept: every scan for `weeklyAfterDays`, then one scan per ISO week per
 * tenant until `keepDays`, then none. Two years of nightly history stays queryable while the
 * store grows by about 52 scans a year per tenant after the first quarter.
 *
 * The plan is pure: the scans (id, tenant, status, times), the policy and the instant in; the
 * scans to delete, each with why, out. src/store/retention.ts executes it.
 */
import { z } from 'zod';
import type { ScanStatus } from '../store/scan-repository.js';

/**
 * `retention:` in ppmat.yaml. Wire it into the config schema as `retention: retentionSchema`;
 * undefined parses to the defaults.
 */
export const retentionSchema = z
  .strictObject({
    /** Scans older than this are deleted (except the protected ones, see {@link planRetention}). */
    keepDays: z.number().int().min(1).default(730),
    /** Scans older than this are thinned to the last finished scan of each ISO week. */
    weeklyAfterDays: z.number().int().min(0).default(90),
  })
  .refine((r) => r.weeklyAfterDays <= r.keepDays, { message: 'must not be greater than keepDays', path: ['weeklyAfterDays'] })
  .default({ keepDays: 730, weeklyAfterDays: 90 });
export type RetentionPolicy = z.infer<typeof retentionSchema>;

/** What the plan needs to know of a scan. */
export interface RetentionScan {
  id: number;
  tenantId: string;
  status: ScanStatus;
  startedAt: Date;
  finishedAt: Date | null;
}

export interface RetentionDeletion {
  scanId: number;
  tenantId: string;
  startedAt: Date;
  /** Why, in one sentence: "started 2024-01-03, more than 730 days ago." */
  reason: string;
}

export interface RetentionPlan {
  /** By scan id. */
  delete: RetentionDeletion[];
  /** How many scans are kept. */
  kept: number;
  /** Scans the policy would have deleted but may not, with why (running, newest of its tenant, referenced by an open alert). */
  protected: { scanId: number; reason: string }[];
}

const DAY_MS = 86_400_000;
const WITH_RESULTS: ReadonlySet<ScanStatus> = new Set(['succeeded', 'partial']);

/**
 * Plans which scans to delete. Never deleted: a scan still `running`, the newest scan of each
 * tenant and its newest scan with results (what reports and `ppmat diff` read), and the
 * `pinned` ones (e.g. scans an open alert points at).
 * Thinning keeps, per tenant and ISO week (UTC), the last scan with results, or when the week
 * has none, its last finished scan.
 */
export function planRetention(scans: readonly RetentionScan[], policy: RetentionPolicy, now: Date, pinned: ReadonlySet<number> = new Set()): RetentionPlan {
  const deleteBefore = now.getTime() - policy.keepDays * DAY_MS;
  const thinBefore = now.getTime() - policy.weeklyAfterDays * DAY_MS;
  const guarded = guards(scans, pinned);
  const deletions: RetentionDeletion[] = [];
  const protectedScans: RetentionPlan['protected'] = [];
  const weeks = new Map<string, { week: string; members: RetentionScan[] }>();

  for (const scan of scans) {
    const started = scan.startedAt.getTime();
    if (started >= thinBefore) continue;
    if (started < deleteBefore) {
      const reason = `started ${day(scan.startedAt)}, more than ${policy.keepDays} days ago.`;
      const guard = guarded.get(scan.id);
      if (guard) protectedScans.push({ scanId: scan.id, reason: `${guard}; kept although it ${reason}` });
      else deletions.push({ scanId: scan.id, tenantId: scan.tenantId, startedAt: scan.startedAt, reason: `It ${reason}` });
      continue;
    }
    const week = isoWeek(scan.startedAt);
    const bucket = weeks.get(`${scan.tenantId}|${week}`) ?? { week, members: [] };
    bucket.members.push(scan);
    weeks.set(`${scan.tenantId}|${week}`, bucket);
  }

  for (const { week, members } of weeks.values()) {
    const keeper = weekKeeper(members);
    for (const scan of members) {
      if (scan === keeper) continue;
      const guard = guarded.get(scan.id);
      const reason = `thinned to one scan a week after ${policy.weeklyAfterDays} days: week ${week} keeps scan #${keeper?.id ?? '?'}.`;
      if (guard) protectedScans.push({ scanId: scan.id, reason: `${guard}; kept although it would be ${reason}` });
      else deletions.push({ scanId: scan.id, tenantId: scan.tenantId, startedAt: scan.startedAt, reason: `It was ${reason}` });
    }
  }

  deletions.sort((a, b) => a.scanId - b.scanId);
  protectedScans.sort((a, b) => a.scanId - b.scanId);
  return { delete: deletions, kept: scans.length - deletions.length, protected: protectedScans };
}

/** Why a scan may not be deleted, by id. */
function guards(scans: readonly RetentionScan[], pinned: ReadonlySet<number>): Map<number, string> {
  const guarded = new Map<number, string>();
  const newest = new Map<string, RetentionScan>();
  const newestWithResults = new Map<string, RetentionScan>();
  for (const scan of scans) {
    if (scan.status === 'running') guarded.set(scan.id, `Scan #${scan.id} is still running`);
    if (pinned.has(scan.id)) guarded.set(scan.id, `Scan #${scan.id} is referenced by an open alert`);
    if (later(scan, newest.get(scan.tenantId), (s) => s.startedAt)) newest.set(scan.tenantId, scan);
    if (WITH_RESULTS.has(scan.status) && later(scan, newestWithResults.get(scan.tenantId), finishedOrStarted)) newestWithResults.set(scan.tenantId, scan);
  }
  for (const scan of newestWithResults.values()) guarded.set(scan.id, `Scan #${scan.id} is the newest scan with results of tenant ${scan.tenantId}`);
  for (const scan of newest.values()) if (!guarded.has(scan.id)) guarded.set(scan.id, `Scan #${scan.id} is the newest scan of tenant ${scan.tenantId}`);
  return guarded;
}

/** The scan a week keeps: its last scan with results, else its last finished one; null when every scan of the week is running. */
function weekKeeper(members: readonly RetentionScan[]): RetentionScan | null {
  const pick = (candidates: RetentionScan[]) => candidates.reduce<RetentionScan | null>((best, scan) => (later(scan, best ?? undefined, finishedOrStarted) ? scan : best), null);
  return pick(members.filter((s) => WITH_RESULTS.has(s.status))) ?? pick(members.filter((s) => s.status !== 'running'));
}

const finishedOrStarted = (scan: RetentionScan): Date => scan.finishedAt ?? scan.startedAt;

function later(scan: RetentionScan, than: RetentionScan | undefined, time: (s: RetentionScan) => Date): boolean {
  if (!than) return true;
  const a = time(scan).getTime();
  const b = time(than).getTime();
  return a > b || (a === b && scan.id > than.id);
}

/** `2025-W07`: the ISO 8601 week (Monday first; week 1 holds the year's first Thursday), in UTC. */
export function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / DAY_MS + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

const day = (date: Date): string => date.toISOString().slice(0, 10);
