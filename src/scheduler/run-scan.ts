/**
 * One scan of one tenant, top to bottom:
 * collect -> evidence snapshot -> facts -> checks -> capabilities -> levels -> store.
 */
import type { Logger } from 'pino';
import type { Collector } from '../collectors/types.js';
import type { EvidenceItem, EvidenceSnapshot } from '../evidence/snapshot.js';
import type { GraphClient } from '../http/graph-client.js';
import type { HttpClient, HttpStats } from '../http/types.js';
import type { RuleSet } from '../rules/rule-set.js';
import type { Attestation } from '../scoring/types.js';
import type { CollectorRunRecord, SavedScan, ScanRepository, ScanStatus, ScanTrigger } from '../store/scan-repository.js';
import { collectAll, type CollectProgressEvent } from './collect.js';
import { collectionGaps, inventoryGaps } from './collection-gaps.js';
import { evaluateSnapshot, type Judgement } from './evaluate-snapshot.js';
import { describeDatabaseFault, isDatabaseUnavailable, retryWhileDatabaseUnavailable, type DatabaseRetryPolicy } from './database-retry.js';
import { createPartitionWriter } from './partition-writer.js';
import { abortReason } from './scan-abort.js';
import { createInventoryAccumulator } from '../facts/index.js';
import { adoptionOf } from '../history/adoption.js';
import type { AlertPlan } from '../alerts/alert-plan.js';
import { planScanAlerts, type ScanAlertDeps, type ScanForAlerts } from '../alerts/scan-alerts.js';
import { effectiveRuleSetVersion, type ResolvedParameters } from '../rules/parameters.js';
import type { ScoringOptions } from '../scoring/score-areas.js';
import { INVENTORY_PARTITION_PREFIX, OWNERS_PARTITION_KEY, type EnvironmentInventory, type OwnerDirectory } from '../evidence/inventory.schemas.js';

export interface ScanDeps {
  store: ScanRepository;
  ruleSet: RuleSet;
  collectors: Collector[];
  createHttp: () => HttpClient;
  /** The Graph client of a collector run, counting into that run's HttpClient `stats`. */
  createGraph: (stats: HttpStats) => GraphClient;
  clock: () => Date;
  log: Logger;
  signal?: AbortSignal;
  onProgress?: (event: ScanProgressEvent) => void;
  /** Called once the scan is stored as running, with its id (the scheduler records it on the tenant's lease). */
  onStarted?: (scanId: number) => Promise<void> | void;
  /** The values each check's parameters take for this tenant; the checks' defaults when absent. */
  parameters?: ResolvedParameters;
  /** How levels are reached (the share of a level's statements that must be met); every statement when absent. */
  scoring?: ScoringOptions;
  /** Regression detection and alerts; no alerts when absent. */
  alerts?: ScanAlertDeps;
  /**
   * How the scan rides out a database that stops answering (see database-retry.ts): each of its
   * reads and writes is retried until the database answers again, within a budget (2 minutes by
   * default; the tenant's lease, which cannot be renewed meanwhile, may end it sooner).
   */
  databaseRetry?: Partial<Pick<DatabaseRetryPolicy, 'database' | 'budgetMs' | 'delaysMs' | 'sleep'>>;
}

export type ScanProgressEvent = CollectProgressEvent | { type: 'stage'; stage: 'evaluating' | 'storing' };

export interface ScanTarget {
  tenantId: string;
  /** How alerts name the tenant; the id when absent. */
  displayName?: string;
  attestations: Attestation[];
}

export interface ScanOutcome extends Judgement {
  scanId: number;
  tenantId: string;
  status: Exclude<ScanStatus, 'running'>;
  snapshot: EvidenceSnapshot;
  collectorRuns: CollectorRunRecord[];
  saved: SavedScan;
  durationMs: number;
}

export async function runScan(deps: ScanDeps, target: ScanTarget, trigger: ScanTrigger): Promise<ScanOutcome> {
  const log = deps.log.child({ tenantId: target.tenantId });
  const tenant = { id: target.tenantId, displayName: target.displayName ?? target.tenantId };
  const started = performance.now();
  const startedAt = deps.clock();
  // Overridden parameters judge differently from the same files: the recorded version says so.
  const ruleSetVersion = deps.parameters ? effectiveRuleSetVersion(deps.ruleSet, deps.parameters) : deps.ruleSet.version;
  const retry: Retry = (what, step, settled) => retryWhileDatabaseUnavailable(what, step, { log, signal: deps.signal, ...deps.databaseRetry }, settled);
  const scanId = await retry('starting the scan', () => deps.store.startScan({ tenantId: target.tenantId, trigger, ruleSetVersion, startedAt }));
  log.info({ scanId, trigger, ruleSetVersion }, 'scan started');
  // The inventory is folded into its fact as each document is stored, never held whole.
  const inventory = createInventoryAccumulator({ now: startedAt });
  const partitions = createPartitionWriter({
    store: retryingPartitionStore(deps.store, retry),
    scanId,
    tenantId: target.tenantId,
    kindOf: (key) => (key === OWNERS_PARTITION_KEY || key.startsWith(INVENTORY_PARTITION_PREFIX) ? 'inventory' : key),
    clock: deps.clock,
    onDocument: (key, doc) => {
      if (key === OWNERS_PARTITION_KEY) inventory.setOwners((doc as OwnerDirectory).owners);
      else if (key.startsWith(INVENTORY_PARTITION_PREFIX)) inventory.add(doc as EnvironmentInventory);
    },
  });
  try {
    if (deps.onStarted) await retry('recording the scan on the lease', async () => deps.onStarted!(scanId));
    const collected = await collectAll(
      {
        collectors: deps.collectors,
        createHttp: deps.createHttp,
        createGraph: deps.createGraph,
        clock: deps.clock,
        log,
        ...(deps.signal ? { signal: deps.signal } : {}),
        ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
        partitions,
      },
      target.tenantId,
    );
    await partitions.flush();
    const snapshot: EvidenceSnapshot = {
      tenantId: target.tenantId,
      collectedAt: deps.clock().toISOString(),
      evidence: Object.fromEntries(collected.evidence.map((item) => [item.key, item])),
    };
    deps.onProgress?.({ type: 'stage', stage: 'evaluating' });
    const inventoryFact = inventory.result();
    const judgement = evaluateSnapshot(deps.ruleSet, snapshot, target.attestations, deps.clock(), {
      streamed: { inventory: inventoryFact },
      ...(deps.parameters ? { parameters: deps.parameters } : {}),
      ...(deps.scoring ? { scoring: deps.scoring } : {}),
    });
    const status = scanStatus(collected.evidence);
    const missing = collected.evidence.filter((e) => e.status !== 'ok');
    const gaps = [...missing.map((e) => `${e.key}: ${e.reason ?? e.status}`), ...inventoryGaps(collected.evidence)];
    const error = gaps.length > 0 ? gaps.join('; ') : undefined;
    deps.signal?.throwIfAborted();
    const finishedAt = deps.clock();
    const alertPlan = await planAlerts(deps, log, retry, {
      tenant,
      scanId,
      now: finishedAt,
      status,
      judged: { scanId, ruleSetVersion, ...judgement, snapshot },
      reason: error,
    });
    deps.onProgress?.({ type: 'stage', stage: 'storing' });
    log.debug({ scanId }, 'storing the results');
    const results = {
      status,
      finishedAt: deps.clock(),
      collectorRuns: collected.runs,
      evidence: collected.evidence,
      ...judgement,
      ...(error ? { error } : {}),
      partitions: partitions.counts,
      adoption: adoptionOf(snapshot, inventoryFact),
      ...(alertPlan ? { alerts: { tenantId: target.tenantId, plan: alertPlan, now: finishedAt } } : {}),
    };
    // One transaction: cut by an outage it is rolled back whole and written again. Had its COMMIT
    // gone through unanswered, the scan is found finished, and it is not written twice.
    const saved = await retry(
      'storing the results',
      () => deps.store.saveResults(scanId, results),
      async () =>
        (await deps.store.lastFinishedScanId(target.tenantId, scanId + 1)) === scanId
          ? { scanId, evidenceCount: collected.evidence.filter((e) => e.status === 'ok').length + partitions.counts.stored, evidenceNew: partitions.counts.new }
          : undefined,
    );
    const durationMs = Math.round(performance.now() - started);
    log.info(
      {
        scanId,
        status,
        durationMs,
        requests: collected.runs.reduce((sum, r) => sum + r.requests, 0),
        evidenceNew: saved.evidenceNew,
        levels: Object.fromEntries(judgement.areaScores.map((a) => [a.area, a.level])),
        checks: countOutcomes(judgement),
      },
      'scan finished',
    );
    return { scanId, tenantId: target.tenantId, status, snapshot, collectorRuns: collected.runs, saved, durationMs, ...judgement };
  } catch (error) {
    const aborted = deps.signal?.aborted === true;
    // The database stayed away longer than the retries wait: not the tenant's failure (it must not
    // count toward "scans are degraded"), and nothing of the scan's results was committed.
    const databaseFault = !aborted && isDatabaseUnavailable(error);
    const message = error instanceof Error ? error.message : String(error);
    const status = aborted || databaseFault ? 'aborted' : 'failed';
    const reason = aborted ? abortReason(deps.signal) : databaseFault ? `the database was unavailable (${describeDatabaseFault(error)})` : message;
    // Tried once after an abort or an outage: if the database is still away, the next scan's orphan sweep marks it.
    const endRetry: Retry = status === 'aborted' ? (_what, step) => step() : retry;
    await endRetry('marking the scan as ended', () => deps.store.endScan(scanId, status, reason, deps.clock())).catch((endError: unknown) =>
      log.error({ err: endError, scanId }, 'could not mark the scan as ended; the next scan of the tenant marks it aborted'),
    );
    // A failed scan counts toward "scans are degraded"; an aborted one (a stop, an outage) does not.
    if (status === 'failed' && deps.alerts) {
      const now = deps.clock();
      const plan = await planAlerts(deps, log, retry, { tenant, scanId, now, status: 'failed', judged: null, reason: message }).catch(() => undefined);
      if (plan) {
        await retry('storing the alerts of a failed scan', () => deps.alerts!.alertStore.savePlan(target.tenantId, scanId, plan, now)).catch((alertError: unknown) =>
          log.error({ err: alertError, scanId }, 'could not store the alerts of a failed scan'),
        );
      }
    }
    if (databaseFault) log.error({ scanId, database: deps.databaseRetry?.database, fault: describeDatabaseFault(error) }, 'scan aborted: the database was unavailable');
    else log.error({ scanId, err: aborted ? undefined : error }, aborted ? 'scan aborted' : 'scan failed');
    throw error;
  }
}

/** One database step of the scan, retried while the database is unavailable (see database-retry.ts). */
type Retry = <T>(what: string, step: () => Promise<T>, settled?: () => Promise<T | undefined>) => Promise<T>;

/**
 * The scan's alert plan, or undefined without alert deps. Planning reads the store; while the
 * database is unavailable it is retried, and if it stays unavailable the scan fails (its results
 * could not be stored either) rather than being stored without its alerts, which would lose
 * them. Any other failure to plan (a bug) is logged and leaves this scan without alerts rather
 * than losing its results.
 */
async function planAlerts(deps: ScanDeps, log: Logger, retry: Retry, scan: ScanForAlerts): Promise<AlertPlan | undefined> {
  const alerts = deps.alerts;
  if (!alerts) return undefined;
  try {
    return await retry("reading the scan's alert state", () => planScanAlerts(alerts, scan));
  } catch (error) {
    if (isDatabaseUnavailable(error) || deps.signal?.aborted) throw error;
    log.error({ err: error, scanId: scan.scanId }, 'could not plan the alerts of this scan; its results are stored without them');
    return undefined;
  }
}

/**
 * The partition writer's store, each step retried while the database is unavailable. Documents
 * are content-addressed (`ON CONFLICT DO NOTHING`), so storing a batch again is harmless; the
 * link transaction is all or nothing. (Only a link whose COMMIT went through unanswered fails
 * its retry, on the links it made: the scan then fails, and is scanned again, with nothing half-written.)
 */
function retryingPartitionStore(store: ScanRepository, retry: Retry): Pick<ScanRepository, 'putPartitions' | 'linkPartitions' | 'lastFinishedScanId' | 'scanDocuments'> {
  return {
    putPartitions: (scanId, documents) => retry('storing inventory documents', () => store.putPartitions(scanId, documents)),
    linkPartitions: (scanId, manifests) => retry('linking inventory documents to the scan', () => store.linkPartitions(scanId, manifests)),
    lastFinishedScanId: (tenantId, beforeScanId) => retry('finding the previous scan', () => store.lastFinishedScanId(tenantId, beforeScanId)),
    scanDocuments: (scanId, keys) => retry("reading the previous scan's documents", () => store.scanDocuments(scanId, keys)),
  };
}

/**
 * `succeeded` when everything that could be collected was; `partial` when some collection
 * failed or was refused, including inventory sections of some environments and owner lookups
 * (see collection-gaps.ts); `failed` when nothing was collected. Evidence that the tenant's
 * own posture makes unavailable (e.g. Advisor needs a managed environment) is an answer
 * about the tenant, not a failed collection: it does not make the scan partial, or a tenant
 * at level 100 would look degraded every night. The checks that need it still say unknown, and why.
 */
export function scanStatus(evidence: readonly EvidenceItem[]): Exclude<ScanStatus, 'running'> {
  if (collectionGaps(evidence).length === 0) return 'succeeded';
  return evidence.some((e) => e.status === 'ok') ? 'partial' : 'failed';
}

function countOutcomes(judgement: Judgement): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of judgement.checkResults) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  return counts;
}
