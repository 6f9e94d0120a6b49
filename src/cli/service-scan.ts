/**
 * One scan as the service runs it, under the tenant's lease: scans left running by a dead
 * process are marked aborted first, the scan is counted in the metrics, and a nightly scan
 * is followed by the retention policy. Shared by `ppmat start` (local mode) and `ppmat
 * worker` (queue mode), so both behave alike.
 */
import type { Logger } from 'pino';
import type { Metrics } from '../api/metrics.js';
import type { LeaseContext } from '../scheduler/lease.js';
import { runScan, type ScanOutcome } from '../scheduler/run-scan.js';
import { explainAbort } from '../scheduler/scan-abort.js';
import { createRetention } from '../store/retention.js';
import type { ScanTrigger } from '../store/scan-repository.js';
import { scanDeps, type App } from './app.js';
import { scanAttestations } from './attestations.js';
import { ORPHANED_REASON } from './scan-lease.js';
import type { TenantTarget } from './tenant-targets.js';

export async function serviceScan(app: App, target: TenantTarget, trigger: ScanTrigger, context: LeaseContext, deps: { metrics: Metrics; log: Logger }): Promise<ScanOutcome> {
  const tenantId = target.tenant.id;
  // We hold the lease now: a scan of this tenant still `running` is a dead process's.
  await app.store.abortOrphanedScans(new Date(), ORPHANED_REASON);
  let outcome: ScanOutcome;
  try {
    outcome = await runScan({ ...scanDeps(app, target, context.signal), onStarted: context.attach }, { tenantId, displayName: target.tenant.displayName, attestations: await scanAttestations(app, target) }, trigger);
  } catch (error) {
    throw explainAbort(error, context.signal);
  }
  deps.metrics.observeScan({ tenantId, trigger, status: outcome.status, durationMs: outcome.durationMs, collectorRuns: outcome.collectorRuns });
  // After each nightly scan, the retention policy (cheap when there is nothing to delete).
  if (trigger === 'schedule') await pruneAfterScan(app, deps.log);
  return outcome;
}

async function pruneAfterScan(app: App, log: Logger): Promise<void> {
  try {
    const result = await createRetention(app.db.prisma).prune({ policy: app.config.retention, now: new Date() });
    log.info({ deletedScans: result.deletedScans, deletedEvidence: result.deletedEvidence }, 'retention applied');
  } catch (error) {
    log.error({ err: error }, 'the retention policy could not be applied; scans are kept until the next night');
  }
}
