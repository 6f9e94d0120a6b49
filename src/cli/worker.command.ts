/**
 * `ppmat worker`: distributed mode's scanning process. Takes scan jobs from the PostgreSQL
 * queue (`scans.mode: queue`; `ppmat start` enqueues them on schedule, the API on request),
 * `--concurrency` at once, each under its tenant's lease. A tenant another process is
 * scanning fails the job, which the queue tries again after a lease's lifetime; a job whose
 * tenant already got a result scan since the job was queued is done without scanning again.
 * Every lease's lifetime it also hands back to the queue the jobs of workers that died.
 * Ctrl-C or SIGTERM: no new jobs, running scans get the grace period, then exit 0.
 */
import type { Logger } from 'pino';
import { createMetrics } from '../api/metrics.js';
import { EXIT, PpmatError } from '../errors/catalogue.js';
import { openScanQueue, type ReceivedScanJob, type ScanQueue } from '../queue/scan-queue.js';
import { withLease } from '../scheduler/lease.js';
import { SHUTDOWN_GRACE_MS } from '../scheduler/scheduler.js';
import { isLive } from '../store/lease-repository.js';
import { createThrottleStore } from '../store/throttle-repository.js';
import { openApp, type App } from './app.js';
import type { CommandIo } from './scan.command.js';
import { leaseDeps } from './scan-lease.js';
import { serviceScan } from './service-scan.js';
import { configuredTarget, demoTarget, type TenantTarget } from './tenant-targets.js';

export interface WorkerCommandOptions {
  config?: string;
  concurrency?: string;
  /** How long running scans may go on after Ctrl-C or SIGTERM (default 30 s). */
  shutdownGraceMs?: number;
}

export async function workerCommand(options: WorkerCommandOptions, io: CommandIo): Promise<number> {
  const concurrency = options.concurrency === undefined ? 2 : Number(options.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new PpmatError('PPMAT_E_CONFIG_INVALID', `"${options.concurrency}" is not a concurrency (a whole number from 1 to 64).`, { where: '--concurrency' });
  }
  const app = await openApp({ cwd: io.cwd, env: io.env, logToTerminal: Boolean(io.stderr.isTTY), logDestination: io.logDestination, defaultLogLevel: 'info', ...(options.config ? { configPath: options.config } : {}) });
  const log = app.log.child({ component: 'worker' });
  const targets = new Map<string, Promise<TenantTarget>>();
  let queue: ScanQueue | undefined;
  let reaper: NodeJS.Timeout | undefined;
  try {
    if (app.config.scans.mode !== 'queue' || !app.config.databaseUrl) {
      throw new PpmatError('PPMAT_E_CONFIG_INVALID', 'ppmat worker runs queued scans: set scans.mode: queue (or PPMAT_SCAN_MODE=queue) and a PostgreSQL databaseUrl.', { where: app.configFile ?? 'configuration' });
    }
    const { scans } = app.config;
    queue = await openScanQueue({
      databaseUrl: app.config.databaseUrl,
      log,
      jobTimeoutSeconds: scans.jobTimeoutMinutes * 60,
      retryLimit: scans.retries,
      retryDelaySeconds: Math.ceil(scans.leaseSeconds),
      pollingIntervalSeconds: 1,
    });
    const metrics = createMetrics(app.db.prisma);
    const lease = leaseDeps(app, io, app.log.child({ component: 'lease' }));
    const shutdown = new AbortController();
    const targetOf = (tenantId: string): Promise<TenantTarget> => {
      let target = targets.get(tenantId);
      if (!target) {
        // The tenant row first: a worker may scan a tenant no `ppmat start` has stored yet.
        target = resolveTarget(app, tenantId, log, io.env).then(async (resolved) => {
          await app.store.upsertTenant(resolved.tenant);
          return resolved;
        });
        targets.set(tenantId, target);
        target.catch(() => targets.delete(tenantId));
      }
      return target;
    };

    await queue.work(concurrency, async (job) => {
      const target = await targetOf(job.tenantId);
      const outcome = await withLease({ ...lease, signal: shutdown.signal }, job.tenantId, async (context) => {
        if (await resultSince(app, job)) {
          log.info({ jobId: job.id, tenantId: job.tenantId }, 'the tenant was scanned since this job was queued; nothing to do');
          return null;
        }
        log.info({ jobId: job.id, tenantId: job.tenantId, trigger: job.trigger, retry: job.retryCount }, 'scan job started');
        return serviceScan(app, target, job.trigger, context, { metrics, log });
      });
      if ('status' in outcome && outcome.status === 'busy') {
        // The queue tries again after a lease's lifetime: by then a dead holder's lease has run out.
        throw new Error(`tenant ${job.tenantId} is being scanned by ${outcome.holder} (lease until ${outcome.expiresAt.toISOString()}); the job is tried again later`);
      }
    });
    log.info({ concurrency, leaseSeconds: scans.leaseSeconds }, 'worker started: taking scan jobs');
    io.stdout.write(`ppmat worker: taking scan jobs, ${concurrency} at once. Press Ctrl-C to stop.\n`);

    const sweep = async () => {
      try {
        await queue!.retryAbandoned(async (tenantId) => {
          const current = await app.leases.current(tenantId);
          return current !== null && isLive(current, new Date());
        }, 2 * scans.leaseSeconds * 1000);
      } catch (error) {
        log.warn({ err: error }, 'could not look for abandoned scan jobs; trying again later');
      }
    };
    reaper = setInterval(() => void sweep(), scans.leaseSeconds * 1000);

    await new Promise<void>((resolve) => {
      if (io.signal.aborted) resolve();
      else io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    log.info('stopping: no new jobs; running scans get the grace period');
    clearInterval(reaper);
    const grace = options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS;
    const abortLater = setTimeout(() => shutdown.abort(new Error('the worker stopped, and the scan did not finish within the grace period')), grace);
    await queue.stop(grace + 5_000);
    clearTimeout(abortLater);
    return EXIT.ok;
  } finally {
    clearInterval(reaper);
    await queue?.stop(1_000).catch(() => undefined);
    for (const target of targets.values()) await target.then((t) => t.close()).catch(() => undefined);
    await app.close();
  }
}

/** The configured tenant (or the demo, when none is configured) a job names. */
async function resolveTarget(app: App, tenantId: string, log: Logger, env: NodeJS.ProcessEnv): Promise<TenantTarget> {
  if (app.config.tenants.length === 0) {
    const demo = await demoTarget(app.config, log);
    if (demo.tenant.id === tenantId) return demo;
    await demo.close();
  }
  const tenant = app.config.tenants.find((t) => t.id === tenantId && t.enabled);
  if (!tenant) throw new PpmatError('PPMAT_E_TENANT_UNKNOWN', `the queue holds a scan of tenant ${tenantId}, which this worker's ppmat.yaml does not enable.`);
  return configuredTarget(app.config, tenant, log, env, { throttle: createThrottleStore(app.db.prisma) });
}

/** Whether a scan with results of the job's tenant started after the job was queued (its work is done). */
async function resultSince(app: App, job: ReceivedScanJob): Promise<boolean> {
  const scan = await app.db.prisma.scan.findFirst({ where: { tenantId: job.tenantId, status: { in: ['succeeded', 'partial'] }, startedAt: { gte: job.createdOn } }, select: { id: true } });
  return scan !== null;
}
