/**
 * One scan of one tenant, top to bottom:
 * collect -> evidence snapshot -> facts -> checks -> capabilities -> levels -> store.
 */
import type { Logger } from 'pino';
import type { Collector } from '../collectors/types.js';
import { TENANT_POSTURE_CODES } from '../errors/catalogue.js';
import type { EvidenceItem, EvidenceSnapshot } from '../evidence/snapshot.js';
import type { GraphClient } from '../http/graph-client.js';
import type { HttpClient, HttpStats } from '../http/types.js';
import type { RuleSet } from '../rules/rule-set.js';
import type { Attestation } from '../scoring/types.js';
import type { CollectorRunRecord, SavedScan, ScanRepository, ScanStatus, ScanTrigger } from '../store/scan-repository.js';
import { collectAll, type CollectProgressEvent } from './collect.js';
import { evaluateSnapshot, type Judgement } from './evaluate-snapshot.js';
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
  const scanId = await deps.store.startScan({ tenantId: target.tenantId, trigger, ruleSetVersion, startedAt });
  log.info({ scanId, trigger, ruleSetVersion }, 'scan started');
  // The inventory is folded into its fact as each document is stored, never held whole.
  const inventory = createInventoryAccumulator({ now: startedAt });
  const partitions = createPartitionWriter({
    store: deps.store,
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
    await deps.onStarted?.(scanId);
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
    const error = missing.length > 0 ? missing.map((e) => `${e.key}: ${e.reason ?? e.status}`).join('; ') : undefined;
    deps.signal?.throwIfAborted();
    const finishedAt = deps.clock();
    const alertPlan = await planAlerts(deps, log, {
      tenant,
      scanId,
      now: finishedAt,
      status,
      judged: { scanId, ruleSetVersion, ...judgement, snapshot },
      reason: error,
    });
    deps.onProgress?.({ type: 'stage', stage: 'storing' });
    const saved = await deps.store.saveResults(scanId, {
      status,
      finishedAt: deps.clock(),
      collectorRuns: collected.runs,
      evidence: collected.evidence,
      ...judgement,
      ...(error ? { error } : {}),
      partitions: partitions.counts,
      adoption: adoptionOf(snapshot, inventoryFact),
      ...(alertPlan ? { alerts: { tenantId: target.tenantId, plan: alertPlan, now: finishedAt } } : {}),
    });
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
    const message = error instanceof Error ? error.message : String(error);
    await deps.store
      .endScan(scanId, aborted ? 'aborted' : 'failed', aborted ? abortReason(deps.signal) : message, deps.clock())
      .catch((endError: unknown) => log.error({ err: endError, scanId }, 'could not mark the scan as ended'));
    // A failed scan counts toward "scans are degraded"; an aborted one (a stop) does not.
    if (!aborted && deps.alerts) {
      const now = deps.clock();
      const plan = await planAlerts(deps, log, { tenant, scanId, now, status: 'failed', judged: null, reason: message });
      if (plan) await deps.alerts.alertStore.savePlan(target.tenantId, scanId, plan, now).catch((alertError: unknown) => log.error({ err: alertError, scanId }, 'could not store the alerts of a failed scan'));
    }
    log.error({ scanId, err: aborted ? undefined : error }, aborted ? 'scan aborted' : 'scan failed');
    throw error;
  }
}

/**
 * The scan's alert plan, or undefined without alert deps. A failure to plan (the store could
 * not be read) is logged and leaves this scan without alerts rather than losing its results.
 */
async function planAlerts(deps: ScanDeps, log: Logger, scan: ScanForAlerts): Promise<AlertPlan | undefined> {
  if (!deps.alerts) return undefined;
  try {
    return await planScanAlerts(deps.alerts, scan);
  } catch (error) {
    log.error({ err: error, scanId: scan.scanId }, 'could not plan the alerts of this scan; its results are stored without them');
    return undefined;
  }
}

/**
 * `succeeded` when everything that could be collected was; `partial` when some collection
 * failed or was refused; `failed` when nothing was collected. Evidence that the tenant's
 * own posture makes unavailable (e.g. Advisor needs a managed environment) is an answer
 * about the tenant, not a failed collection: it does not make the scan partial, or a tenant
 * at level 100 would look degraded every night. The checks that need it still say unknown, and why.
 */
export function scanStatus(evidence: readonly EvidenceItem[]): Exclude<ScanStatus, 'running'> {
  const failed = evidence.filter((e) => e.status !== 'ok' && !TENANT_POSTURE_CODES.has(e.errorCode ?? ''));
  if (failed.length === 0) return 'succeeded';
  return evidence.some((e) => e.status === 'ok') ? 'partial' : 'failed';
}

function countOutcomes(judgement: Judgement): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of judgement.checkResults) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  return counts;
}
