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
import { createInventoryAccumulator, DEFAULT_INVENTORY_FACT_OPTIONS, type InventoryFactOptions } from '../facts/index.js';
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
  /** Thresholds of the inventory fact (overshared, unused); defaults when absent. */
  inventoryFacts?: Partial<Omit<InventoryFactOptions, 'now'>>;
}

export type ScanProgressEvent = CollectProgressEvent | { type: 'stage'; stage: 'evaluating' | 'storing' };

export interface ScanTarget {
  tenantId: string;
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
  const started = performance.now();
  const startedAt = deps.clock();
  const scanId = await deps.store.startScan({ tenantId: target.tenantId, trigger, ruleSetVersion: deps.ruleSet.version, startedAt });
  log.info({ scanId, trigger, ruleSetVersion: deps.ruleSet.version }, 'scan started');
  // The inventory is folded into its fact as each document is stored, never held whole.
  const inventory = createInventoryAccumulator({ ...DEFAULT_INVENTORY_FACT_OPTIONS, ...deps.inventoryFacts, now: startedAt });
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
    const judgement = evaluateSnapshot(deps.ruleSet, snapshot, target.attestations, deps.clock(), { inventory: inventory.result() });
    const status = scanStatus(collected.evidence);
    const missing = collected.evidence.filter((e) => e.status !== 'ok');
    const error = missing.length > 0 ? missing.map((e) => `${e.key}: ${e.reason ?? e.status}`).join('; ') : undefined;
    deps.signal?.throwIfAborted();
    deps.onProgress?.({ type: 'stage', stage: 'storing' });
    const saved = await deps.store.saveResults(scanId, {
      status,
      finishedAt: deps.clock(),
      collectorRuns: collected.runs,
      evidence: collected.evidence,
      ...judgement,
      ...(error ? { error } : {}),
      partitions: partitions.counts,
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
      .endScan(scanId, aborted ? 'aborted' : 'failed', aborted ? 'interrupted before the scan finished' : message, deps.clock())
      .catch((endError: unknown) => log.error({ err: endError, scanId }, 'could not mark the scan as ended'));
    log.error({ scanId, err: aborted ? undefined : error }, aborted ? 'scan aborted' : 'scan failed');
    throw error;
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
