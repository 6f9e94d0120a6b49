/**
 * `ppmat start` (and `npm start`): the service. With no tenant configured it starts the
 * built-in demo tenant, scans it at once and prints its levels; a configured tenant is
 * scanned at start when it missed its last scheduled run. Then it scans every tenant on its
 * schedule, each scan under the tenant's lease, until Ctrl-C or SIGTERM: a running scan may
 * then finish within a grace period, else it is stored as `aborted`; the exit code is 0.
 * Alerts the scans write to the outbox are delivered to the configured channels meanwhile.
 */
import { startAlertDelivery, type AlertDelivery } from '../alerts/delivery-service.js';
import { apiFromApp } from '../api/api-from-app.js';
import { startHttpService, type HttpService } from '../api/http-service.js';
import { createMetrics } from '../api/metrics.js';
import { PpmatError } from '../errors/catalogue.js';
import { isLive } from '../store/lease-repository.js';
import { createThrottleStore } from '../store/throttle-repository.js';
import { catchUpMissedRuns } from '../scheduler/catch-up.js';
import { openScanQueue, type ScanQueue } from '../queue/scan-queue.js';
import { startQueueScheduler } from '../queue/queue-scheduler.js';
import { startScheduler, type ScheduleEntry, type Scheduler } from '../scheduler/scheduler.js';
import type { ScanTrigger, TenantRecord } from '../store/scan-repository.js';
import type { Config } from '../config/config-schema.js';
import { secretResolverFor } from '../config/resolve-secrets.js';
import type { Logger } from 'pino';
import { openApp } from './app.js';
import { serviceScan } from './service-scan.js';
import { renderTable } from './render.js';
import type { CommandIo } from './scan.command.js';
import { leaseDeps, ORPHANED_REASON } from './scan-lease.js';
import { configuredTarget, configuredTenantRecord, demoTarget, type TenantTarget } from './tenant-targets.js';

export interface StartCommandOptions {
  config?: string;
  /** How long a running scan may go on after Ctrl-C or SIGTERM (default: the scheduler's 30 s). */
  shutdownGraceMs?: number;
}

export async function startCommand(options: StartCommandOptions, io: CommandIo): Promise<number> {
  const app = await openApp({ cwd: io.cwd, env: io.env, logToTerminal: Boolean(io.stderr.isTTY), logDestination: io.logDestination, defaultLogLevel: 'info', ...(options.config ? { configPath: options.config } : {}) });
  const log = app.log.child({ component: 'service' });
  const targets = new Map<string, TenantTarget>();
  const tenants = new Map<string, TenantRecord>();
  let scheduler: Scheduler | undefined;
  let delivery: AlertDelivery | undefined;
  let http: HttpService | undefined;
  const metrics = createMetrics(app.db.prisma);
  let cancelRetries = (): void => undefined;
  let closeQueue = (): Promise<void> => Promise.resolve();
  try {
    // Channels first: a secret that cannot be read refuses to start, before any scan.
    delivery = await startAlertDelivery(app, app.log.child({ component: 'alerts' }), io.signal, { env: io.env, onDelivery: (report) => metrics.observeDelivery(report) });
    if (delivery.channels.length > 0) log.info({ channels: delivery.channels }, 'alert delivery started');
    const orphaned = await app.store.abortOrphanedScans(new Date(), ORPHANED_REASON);
    if (orphaned > 0) log.warn({ aborted: orphaned }, 'marked scans left running by a stopped process as aborted');
    const demo = app.config.tenants.length === 0;
    const queued = app.config.scans.mode === 'queue';
    if (queued) {
      // Distributed mode scans in `ppmat worker` processes: this one needs the tenants' rows and
      // schedules, not their credentials (a secret is read only where it is used).
      for (const tenant of await scheduledTenants(app.config, log)) tenants.set(tenant.id, tenant);
    } else if (demo) {
      const target = await demoTarget(app.config, log);
      targets.set(target.tenant.id, target);
    } else {
      const secrets = secretResolverFor(app.config, io.env);
      for (const tenant of app.config.tenants.filter((t) => t.enabled)) {
        targets.set(tenant.id, await configuredTarget(app.config, tenant, log, io.env, { throttle: createThrottleStore(app.db.prisma), secrets }));
      }
    }
    for (const target of targets.values()) tenants.set(target.tenant.id, target.tenant);
    for (const tenant of tenants.values()) await app.store.upsertTenant(tenant);
    log.info({ database: app.db.location, tenants: [...tenants.keys()], ruleSetVersion: app.ruleSet.version }, 'ppmat started');
    if (io.signal.aborted) return 0;

    const areaNames = new Map(app.ruleSet.areas.map((a) => [a.id, a.name]));
    const entries: ScheduleEntry[] = [...tenants.values()].map((t) => ({ tenantId: t.id, cron: t.schedule, timezone: t.timezone }));
    let queue: ScanQueue | undefined;
    let running: Scheduler;
    if (queued) {
      // Distributed mode: this process schedules and serves; `ppmat worker` processes scan.
      queue = await openScanQueue({
        databaseUrl: app.config.databaseUrl!,
        log: app.log.child({ component: 'queue' }),
        jobTimeoutSeconds: app.config.scans.jobTimeoutMinutes * 60,
        retryLimit: app.config.scans.retries,
        retryDelaySeconds: Math.ceil(app.config.scans.leaseSeconds),
      });
      closeQueue = () => queue!.stop(1_000);
      running = startQueueScheduler({ entries, queue, log, clock: () => new Date() });
      log.info('distributed mode: scans are queued for `ppmat worker` processes');
    } else {
      running = startScheduler({
        entries,
        lease: leaseDeps(app, io, app.log.child({ component: 'lease' })),
        log,
        ...(options.shutdownGraceMs !== undefined ? { graceMs: options.shutdownGraceMs } : {}),
        scan: async (tenantId: string, trigger: ScanTrigger, context) => {
          const target = targets.get(tenantId)!;
          // No progress line here: the service logs each step, and the two would interleave.
          const outcome = await serviceScan(app, target, trigger, context, { metrics, log });
          if (trigger === 'startup') {
            const color = Boolean(io.stdout.isTTY) && !io.env.NO_COLOR;
            io.stdout.write(`${renderTable(outcome, { tenantName: target.tenant.displayName, color, areaNames })}\n`);
          }
          return outcome;
        },
      });
    }
    scheduler = running;
    if (app.config.api.enabled) {
      const deps = await apiFromApp(app, {
        env: io.env,
        metrics,
        ...(demo ? { demoTenantId: [...tenants.keys()][0]! } : {}),
        triggerScan: async (tenantId) => {
          if (!tenants.has(tenantId)) throw new PpmatError('PPMAT_E_TENANT_UNKNOWN', `this service does not scan tenant ${tenantId} (it is not enabled in ppmat.yaml).`);
          const lease = await app.leases.current(tenantId);
          if (lease && isLive(lease, new Date())) return { accepted: false, holder: lease.holder, until: lease.expiresAt };
          void running.runNow(tenantId, 'manual');
          return { accepted: true };
        },
      });
      http = await startHttpService(deps, io);
    }
    // Ctrl-C or SIGTERM from here on: stop the schedule, give a running scan its grace period.
    const stopped = new Promise<void>((resolve) => {
      const stop = () => {
        log.info('stopping');
        cancelRetries();
        resolve(running.stop());
      };
      if (io.signal.aborted) stop();
      else io.signal.addEventListener('abort', stop, { once: true });
    });

    // The demo always (so a new user sees levels within a minute); a configured tenant when
    // it missed its last scheduled run (or was never scanned).
    const catchUp = await catchUpMissedRuns(
      { scheduler: running, lastScanStart: (tenantId) => app.store.lastScanStart(tenantId), clock: () => new Date(), log, signal: io.signal },
      entries.map((entry) => ({ ...entry, always: demo })),
    );
    cancelRetries = () => catchUp.cancel();
    if (io.signal.aborted) cancelRetries();
    else {
      for (const { tenantId, next } of running.nextRuns()) {
        const tenant = tenants.get(tenantId)!;
        io.stdout.write(`Next scan of ${tenant.displayName}: ${next?.toISOString() ?? 'never'} (${tenant.schedule}, ${tenant.timezone}). Press Ctrl-C to stop.\n`);
      }
      // Again below the scan's table, where the eye is.
      if (http) io.stdout.write(http.banner);
    }
    await stopped;
    return 0;
  } finally {
    cancelRetries();
    await scheduler?.stop();
    await delivery?.stop();
    await http?.close();
    await closeQueue().catch(() => undefined);
    for (const target of targets.values()) await target.close().catch(() => undefined);
    await app.close();
    log.info('stopped');
  }
}

/** The tenants a queue-mode scheduler schedules: the enabled configured ones, or the demo (started only to learn its id). */
async function scheduledTenants(config: Config, log: Logger): Promise<TenantRecord[]> {
  if (config.tenants.length > 0) return config.tenants.filter((t) => t.enabled).map(configuredTenantRecord);
  const demo = await demoTarget(config, log);
  await demo.close();
  return [demo.tenant];
}
