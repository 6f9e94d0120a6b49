/**
 * How the commands take scan leases: the lease dependencies built from the app, the reason
 * given to scans found orphaned, and the sentence that says who is scanning a busy tenant.
 */
import type { Logger } from 'pino';
import { PpmatError } from '../errors/catalogue.js';
import { isDeadLocalHolder, leaseHolderId } from '../scheduler/lease-holder.js';
import type { LeaseBusy, LeaseDeps } from '../scheduler/lease.js';
import type { TenantRecord } from '../store/scan-repository.js';
import type { App } from './app.js';
import type { CommandIo } from './scan.command.js';

/** Stored as the error of a scan left `running` by a process that is gone. */
export const ORPHANED_REASON = 'the process running this scan stopped before it finished (no live lease on the tenant covers it)';

/**
 * What `withLease` needs, from the app. On the embedded database every process is on this
 * host, so a lease left by a process that no longer runs (killed, crashed) is taken over at
 * once instead of waited out.
 */
export function leaseDeps(app: Pick<App, 'leases' | 'db' | 'config'>, io: Pick<CommandIo, 'leaseHolder'>, log: Logger): Omit<LeaseDeps, 'signal'> {
  return {
    leases: app.leases,
    ttlMs: app.config.scans.leaseSeconds * 1000,
    holder: io.leaseHolder ?? leaseHolderId(),
    clock: () => new Date(),
    log,
    ...(app.db.kind === 'embedded' ? { isDead: (holder: string) => isDeadLocalHolder(holder) } : {}),
  };
}

/** The refusal of a manual scan of a tenant another process is scanning. */
export function tenantBusyError(tenant: Pick<TenantRecord, 'id' | 'displayName' | 'timezone'>, busy: LeaseBusy, now: Date): PpmatError {
  const name = tenant.displayName && tenant.displayName !== tenant.id ? `${tenant.displayName} (${tenant.id})` : tenant.id;
  const at = (date: Date) => formatTime(date, now, tenant.timezone);
  return new PpmatError(
    'PPMAT_E_TENANT_BUSY',
    `${name} is being scanned by ${busy.holder} since ${at(busy.since)}; try again when it ends (if that process is gone, its lease runs out at ${at(busy.expiresAt)}).`,
  );
}

/** `02:00:13 Europe/Berlin`, with the date when it is not today in that zone. */
export function formatTime(date: Date, now: Date, timeZone: string): string {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(date);
  const sameDay = day.format(date) === day.format(now);
  return `${sameDay ? '' : `${day.format(date)} `}${time} ${timeZone}`;
}
