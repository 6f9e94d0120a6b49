/**
 * What `ppmat history`, `ppmat diff` and `ppmat prune` share: opening the app for reading the
 * store, the tenants a command is about (by id: the demo tenant's id comes from its seed, so
 * its history is found without starting the simulator), and the --since/--until range.
 */
import { z } from 'zod';
import { PpmatError } from '../errors/catalogue.js';
import { demoTenantId } from '../simulator/tenant-model.js';
import type { TimeRange } from '../store/history-repository.js';
import { withApp, type App } from './app.js';
import { selectTenants } from './scan.command.js';

/** Opens the app (config, rules, database), runs `run`, and closes it whatever happens. */
/** See {@link withApp}. */
export const withStoredApp = withApp;

/** The ids of the tenants a command is about: the demo tenant's, the one named, or every enabled configured tenant. */
export function historyTenantIds(config: App['config'], options: { demo?: boolean; tenant?: string }): string[] {
  const selected = selectTenants(config, options);
  return selected === 'demo' ? [demoTenantId(config.demo.seed)] : selected.map((tenant) => tenant.id);
}

const day = z.iso.date();
const DAY_MS = 86_400_000;

/** `--since` (from the start of that day, UTC) and `--until` (to the end of that day, UTC) as a half-open range. */
export function parseRange(options: { since?: string; until?: string }): TimeRange {
  const from = options.since === undefined ? undefined : parseDay(options.since, '--since');
  const until = options.until === undefined ? undefined : parseDay(options.until, '--until');
  if (from && until && until.getTime() < from.getTime()) {
    throw new PpmatError('PPMAT_E_CONFIG_INVALID', `--until ${options.until} is before --since ${options.since}.`, { where: '--until' });
  }
  return { ...(from ? { from } : {}), ...(until ? { to: new Date(until.getTime() + DAY_MS) } : {}) };
}

function parseDay(value: string, flag: string): Date {
  if (!day.safeParse(value).success) throw new PpmatError('PPMAT_E_CONFIG_INVALID', `"${value}" is not a date; give YYYY-MM-DD.`, { where: flag });
  return new Date(`${value}T00:00:00Z`);
}

/** `2026-11-27 02:00`, in UTC. */
export function minute(date: Date | string): string {
  return new Date(date).toISOString().slice(0, 16).replace('T', ' ');
}
