/**
 * The api bench's history, planned before it is written: which of the real template scans
 * (least mature first) each tenant's scan of each night copies, and the alerts that history
 * raises. Each tenant matures at its own pace (a stage every 180 to 480 nights, from its own
 * starting stage) with rare one-night regressions, so trends are not flat and every tenant has
 * a few alerts: one per regression, resolved the next night, and, for every fifth tenant, one
 * still open from the last night. Pure and deterministic (tested in test/bench/history-plan.test.ts).
 */
import { hashSeed } from '../src/simulator/prng.js';

export interface HistoryPlanOptions {
  tenants: number;
  /** Nights of history per tenant. */
  days: number;
  /** How many template scans there are, least mature first. */
  stages: number;
  /** When the last night's scans start (tenant 0; each next tenant 37 seconds later). */
  lastNight: Date;
}

export interface PlannedScan {
  tenant: number;
  /** 0 is the oldest night. */
  day: number;
  /** The template scan it copies (its index, least mature first). */
  stage: number;
  startedAt: Date;
}

export interface PlannedAlert {
  tenant: number;
  /** The night whose scan found the regression. */
  openedDay: number;
  /** The night whose scan found it recovered; null while it is open. */
  resolvedDay: number | null;
}

export interface HistoryPlan {
  /** Night by night, tenant by tenant within a night (the order of their scan ids). */
  scans: PlannedScan[];
  alerts: PlannedAlert[];
}

const DAY_MS = 86_400_000;
/** One night in this many regresses (one stage down, for that night only). */
const REGRESSION_ODDS = 100;

/** The stage of a tenant's scan on a night, before regressions: rises with time, at the tenant's own pace. */
function maturity(tenant: number, day: number, stages: number): number {
  const period = 180 + (hashSeed(7, tenant) % 300);
  const phase = hashSeed(11, tenant) % period;
  return Math.min(stages - 1, (tenant % 2) + Math.floor((day + phase) / period));
}

function regresses(tenant: number, day: number, days: number): boolean {
  return hashSeed(13, tenant, day) % REGRESSION_ODDS === 0 || (day === days - 1 && tenant % 5 === 0);
}

export function planHistory(options: HistoryPlanOptions): HistoryPlan {
  const { tenants, days, stages } = options;
  if (stages < 1) throw new Error('a history needs at least one template scan');
  const scans: PlannedScan[] = [];
  const dipped: boolean[][] = Array.from({ length: tenants }, () => []);
  for (let day = 0; day < days; day++) {
    const night = options.lastNight.getTime() - (days - 1 - day) * DAY_MS;
    for (let tenant = 0; tenant < tenants; tenant++) {
      const normal = maturity(tenant, day, stages);
      // Not on a night the tenant matured: a regression is a step down from the night before.
      const dip = normal > 0 && (day === 0 || maturity(tenant, day - 1, stages) === normal) && regresses(tenant, day, days);
      dipped[tenant]![day] = dip;
      scans.push({ tenant, day, stage: dip ? normal - 1 : normal, startedAt: new Date(night + tenant * 37_000) });
    }
  }
  const alerts: PlannedAlert[] = [];
  for (let tenant = 0; tenant < tenants; tenant++) {
    const dips = dipped[tenant]!;
    for (let day = 0; day < days; day++) {
      if (!dips[day] || dips[day - 1]) continue;
      let resolved = day + 1;
      while (resolved < days && dips[resolved]) resolved++;
      alerts.push({ tenant, openedDay: day, resolvedDay: resolved < days ? resolved : null });
    }
  }
  return { scans, alerts };
}
