/**
 * Scan jobs in a PostgreSQL-backed queue (pg-boss), for distributed mode: schedulers enqueue,
 * `ppmat worker` processes take jobs with a bounded concurrency. A scheduled run's job id is
 * derived from the tenant and the scheduled instant, so schedulers on several replicas that
 * fire for the same run enqueue one job, not one each. A worker that dies mid-scan leaves
 * its job active with no live lease on the tenant: {@link ScanQueue.retryAbandoned} hands it
 * back to the queue, and the next worker marks the half-done scan aborted.
 */
import { createHash } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { ScanTrigger } from '../store/scan-repository.js';

export const SCAN_QUEUE = 'ppmat-scan';
/** pg-boss keeps its tables in their own schema, apart from ppmat's. */
export const QUEUE_SCHEMA = 'pgboss';

export interface ScanJob {
  tenantId: string;
  trigger: ScanTrigger;
  /** The scheduled instant (ISO) a `schedule` or `startup` job stands for; null for a manual one. */
  slot: string | null;
}

export interface ReceivedScanJob extends ScanJob {
  id: string;
  /** When it was enqueued: a result scan of the tenant started after this already did its work. */
  createdOn: Date;
  retryCount: number;
}

export interface ScanQueueOptions {
  databaseUrl: string;
  log: Logger;
  /** How long a job may run before pg-boss gives it to another worker (longer than any scan). */
  jobTimeoutSeconds: number;
  /** How many times a failed (or abandoned) job is tried again. */
  retryLimit: number;
  /** Seconds before a failed job is tried again (at least a lease's lifetime, so a dead worker's lease has run out). */
  retryDelaySeconds: number;
  /** Polling for new jobs (seconds). */
  pollingIntervalSeconds?: number;
}

export interface ScanQueue {
  /** Enqueues a scan; null when a job for the same tenant and scheduled instant exists already. */
  enqueue(job: ScanJob): Promise<string | null>;
  /** Takes jobs with `concurrency` handlers at once until {@link ScanQueue.stop}; a handler that throws fails the job (retried). */
  work(concurrency: number, handler: (job: ReceivedScanJob) => Promise<void>): Promise<void>;
  /**
   * Fails (so the queue retries them) the active jobs older than `olderThanMs` whose tenant
   * `isScanning` says nobody is scanning: their worker died. How many.
   */
  retryAbandoned(isScanning: (tenantId: string) => Promise<boolean>, olderThanMs: number): Promise<number>;
  /** Stops taking jobs, waits up to `graceMs` for the running ones, and closes the connection. */
  stop(graceMs: number): Promise<void>;
}

export async function openScanQueue(options: ScanQueueOptions): Promise<ScanQueue> {
  const { log } = options;
  const boss = new PgBoss({ connectionString: options.databaseUrl, schema: QUEUE_SCHEMA, application_name: 'ppmat', max: 4 });
  boss.on('error', (error: unknown) => log.error({ err: error }, 'the scan queue reported an error'));
  await boss.start();
  await boss.createQueue(SCAN_QUEUE, {
    name: SCAN_QUEUE,
    policy: 'standard',
    retryLimit: options.retryLimit,
    retryDelay: options.retryDelaySeconds,
    expireInSeconds: options.jobTimeoutSeconds,
    // Done and failed jobs are kept a week for `ppmat` to explain what happened.
    retentionDays: 7,
  });

  return {
    async enqueue(job) {
      return boss.send(SCAN_QUEUE, job, {
        ...(job.slot ? { id: slotJobId(job.tenantId, job.slot) } : {}),
        retryLimit: options.retryLimit,
        retryDelay: options.retryDelaySeconds,
        expireInSeconds: options.jobTimeoutSeconds,
      });
    },

    async work(concurrency, handler) {
      for (let i = 0; i < concurrency; i++) {
        await boss.work<ScanJob>(SCAN_QUEUE, { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 }, async ([job]) => {
          if (!job) return;
          try {
            await handler({ ...job.data, id: job.id, createdOn: job.createdOn, retryCount: job.retryCount });
          } catch (error) {
            // pg-boss records the failure on the job; the log says it where people look.
            log.warn({ err: error, jobId: job.id, tenantId: job.data.tenantId, retry: job.retryCount }, 'scan job failed; the queue tries it again unless it ran out of retries');
            throw error;
          }
        });
      }
    },

    async retryAbandoned(isScanning, olderThanMs) {
      const { rows } = await boss.getDb().executeSql(
        `SELECT id, data->>'tenantId' AS tenant_id FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND state = 'active' AND started_on < now() - ($2::int * interval '1 millisecond')`,
        [SCAN_QUEUE, Math.round(olderThanMs)],
      );
      let failed = 0;
      for (const row of rows as { id: string; tenant_id: string }[]) {
        if (await isScanning(row.tenant_id)) continue;
        await boss.fail(SCAN_QUEUE, row.id, { reason: 'abandoned: the worker stopped (no live lease on the tenant); the job is tried again' });
        log.warn({ jobId: row.id, tenantId: row.tenant_id }, 'a scan job was abandoned by its worker; it is tried again');
        failed++;
      }
      return failed;
    },

    async stop(graceMs) {
      await boss.stop({ graceful: true, timeout: Math.max(1000, graceMs), wait: true });
    },
  };
}

/** A UUID derived from the tenant and the scheduled instant: the same run enqueued twice is one job. */
export function slotJobId(tenantId: string, slot: string): string {
  const hex = createHash('sha256').update(`ppmat-scan|${tenantId}|${slot}`).digest('hex');
  // Shaped as a version-5-like UUID (pg-boss's id column is a uuid).
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
