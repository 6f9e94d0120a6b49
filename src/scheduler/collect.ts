/**
 * Runs every collector of a scan at once, each with its own HTTP client (and a Graph client
 * counting into the same stats) so its requests, retries and throttling are accounted to
 * its CollectorRun. A collector that fails gives evidence marked `unavailable` or `error`
 * with the reason: never a crashed scan.
 */
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { CollectionError, type Collector, type CollectorProgress, type PartitionStore } from '../collectors/types.js';
import type { EvidenceDataByKey, EvidenceKey } from '../evidence/schemas.js';
import type { EvidenceItem } from '../evidence/snapshot.js';
import { PpmatError, TENANT_POSTURE_CODES } from '../errors/catalogue.js';
import type { GraphClient } from '../http/graph-client.js';
import type { HttpClient, HttpStats } from '../http/types.js';
import type { CollectorRunRecord } from '../store/scan-repository.js';

export interface CollectDeps {
  collectors: Collector[];
  /** A fresh client per collector run. */
  createHttp: () => HttpClient;
  /** The Graph client of a collector run, counting into that run's HttpClient `stats`. */
  createGraph: (stats: HttpStats) => GraphClient;
  clock: () => Date;
  log: Logger;
  signal?: AbortSignal;
  onProgress?: (event: CollectProgressEvent) => void;
  /** Where partitioned evidence (the per-environment inventory) is stored as it is collected. */
  partitions?: PartitionStore;
}

export type CollectProgressEvent =
  | { type: 'collector-start'; collector: EvidenceKey }
  | ({ type: 'collector-progress' } & CollectorProgress)
  | { type: 'collector-done'; collector: EvidenceKey; status: EvidenceItem['status']; run: CollectorRunRecord };

export interface Collected {
  evidence: EvidenceItem[];
  runs: CollectorRunRecord[];
}

export async function collectAll(deps: CollectDeps, tenantId: string): Promise<Collected> {
  const finished = new Map<EvidenceKey, { promise: Promise<EvidenceItem>; resolve: (item: EvidenceItem) => void }>();
  for (const collector of deps.collectors) {
    let resolve!: (item: EvidenceItem) => void;
    const promise = new Promise<EvidenceItem>((r) => (resolve = r));
    finished.set(collector.key, { promise, resolve });
  }
  const upstream = async <K extends EvidenceKey>(key: K): Promise<EvidenceDataByKey[K]> => {
    const entry = finished.get(key);
    if (!entry) throw new CollectionError('unavailable', 'PPMAT_E_UPSTREAM_MISSING', `it needs the ${key} evidence, which this scan does not collect.`);
    const item = await entry.promise;
    if (item.status !== 'ok' || item.data === undefined) {
      throw new CollectionError('unavailable', 'PPMAT_E_UPSTREAM_MISSING', `it needs the ${key} evidence, which could not be collected: ${item.reason ?? item.status}`);
    }
    return item.data as EvidenceDataByKey[K];
  };
  const results = await Promise.all(
    deps.collectors.map(async (collector) => {
      const result = await collectOne(deps, collector, tenantId, upstream);
      finished.get(collector.key)?.resolve(result.item);
      return result;
    }),
  );
  deps.signal?.throwIfAborted();
  return { evidence: results.map((r) => r.item), runs: results.map((r) => r.run) };
}

async function collectOne(
  deps: CollectDeps,
  collector: Collector,
  tenantId: string,
  upstream: <K extends EvidenceKey>(key: K) => Promise<EvidenceDataByKey[K]>,
): Promise<{ item: EvidenceItem; run: CollectorRunRecord }> {
  const http = deps.createHttp();
  const graph = deps.createGraph(http.stats);
  const log = deps.log.child({ collector: collector.key });
  const startedAt = deps.clock();
  const started = performance.now();
  deps.onProgress?.({ type: 'collector-start', collector: collector.key });
  const signal = collectorSignal(deps.signal);
  let item: EvidenceItem;
  try {
    const data = await collector.collect({
      tenantId,
      http,
      graph,
      log,
      ...(signal ? { signal } : {}),
      onProgress: (progress) => deps.onProgress?.({ type: 'collector-progress', ...progress }),
      upstream,
      ...(deps.partitions ? { partitions: deps.partitions } : {}),
      now: startedAt,
    });
    item = { key: collector.key, status: 'ok', data, collectedAt: deps.clock().toISOString() } as EvidenceItem;
  } catch (error) {
    if (deps.signal?.aborted) throw error;
    const failure = describeFailure(error);
    if (TENANT_POSTURE_CODES.has(failure.code)) log.info({ code: failure.code, reason: failure.reason }, `${collector.key} is not available for this tenant`);
    else log.warn({ code: failure.code, reason: failure.reason }, `collector ${collector.key} could not collect`);
    item = { key: collector.key, status: failure.status, reason: failure.reason, errorCode: failure.code, collectedAt: deps.clock().toISOString() };
  }
  const stats = http.stats;
  const run: CollectorRunRecord = {
    collector: collector.key,
    status: item.status,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    requests: stats.requests,
    retries: stats.retries,
    throttled: stats.throttled,
    throttledMs: Math.round(stats.throttledMs),
    bytes: stats.bytes,
    pages: stats.pages,
    ...(item.errorCode ? { errorCode: item.errorCode } : {}),
    ...(item.reason ? { errorMessage: item.reason } : {}),
  };
  deps.onProgress?.({ type: 'collector-done', collector: collector.key, status: item.status, run });
  return { item, run };
}

/**
 * Each collector run listens on its own signal that follows the scan's: every in-flight
 * request adds an abort listener (and removes it when done), and one collector's fan-out
 * (DLP details, Graph pages) is legitimately more than Node's warning threshold of 10
 * listeners per signal. The cap stays finite so a real leak would still be reported.
 */
const MAX_IN_FLIGHT_PER_COLLECTOR = 256;

function collectorSignal(scanSignal: AbortSignal | undefined): AbortSignal | undefined {
  if (!scanSignal) return undefined;
  const signal = AbortSignal.any([scanSignal]);
  setMaxListeners(MAX_IN_FLIGHT_PER_COLLECTOR, signal);
  return signal;
}

function describeFailure(error: unknown): { status: 'unavailable' | 'error'; code: string; reason: string } {
  if (error instanceof CollectionError) return { status: error.status, code: error.code, reason: error.message };
  if (error instanceof PpmatError) return { status: 'error', code: error.code, reason: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { status: 'error', code: 'PPMAT_E_SCAN_FAILED', reason: `unexpected collector failure: ${message}` };
}
