/**
 * The contract between the scan pipeline and collectors.
 *
 * A collector does I/O and nothing else: it asks the admin API through the injected
 * HTTP (or Graph) client, maps the raw payload to the normalized evidence shape, validates it,
 * and returns it. It never judges. When it cannot collect, it throws a
 * {@link CollectionError} whose `status` tells the pipeline whether the evidence is
 * `unavailable` (the API refused us) or an `error` (it failed).
 */
import type { Logger } from 'pino';
import type { EvidenceDataByKey, EvidenceKey } from '../evidence/schemas.js';
import type { GraphClient } from '../http/graph-client.js';
import type { HttpClient } from '../http/types.js';

/** Progress of one collector, for the terminal progress line. */
export interface CollectorProgress {
  collector: EvidenceKey;
  pages: number;
  requests: number;
}

export interface CollectorContext {
  tenantId: string;
  /** A client scoped to this collector run: its `stats` feed the CollectorRun row. */
  http: HttpClient;
  /** Microsoft Graph, scoped to the same collector run: it counts into `http.stats`. */
  graph: GraphClient;
  log: Logger;
  signal?: AbortSignal;
  onProgress?: (progress: CollectorProgress) => void;
  /**
   * Another collector's evidence of this scan, once collected. Rejects with an
   * `unavailable` CollectionError (PPMAT_E_UPSTREAM_MISSING) when it was not, so the
   * dependent evidence says why it is missing. The inventory reads the environments this way
   * instead of listing them twice.
   */
  upstream?: <K extends EvidenceKey>(key: K) => Promise<EvidenceDataByKey[K]>;
  /** Where collectors of large evidence store it piece by piece (see {@link PartitionStore}). */
  partitions?: PartitionStore;
  /** The scan's time. */
  now?: Date;
}

/**
 * Large evidence (the per-environment inventory) is stored one document at a time while it
 * is collected, so it is never in memory at once, and read back from the last scan so
 * unchanged items need no request.
 */
export interface PartitionStore {
  /**
   * The documents the tenant's last finished scan stored under these keys (missing keys are
   * absent): partition keys, or evidence keys such as `dlpPolicies` to reuse unchanged details.
   */
  previous(keys: readonly string[]): Promise<Map<string, unknown>>;
  /** Stores a document of this scan under `key`; resolves to its sha256 once it is safe. */
  put(key: string, doc: unknown): Promise<string>;
}

export interface Collector<K extends EvidenceKey = EvidenceKey> {
  key: K;
  collect(ctx: CollectorContext): Promise<EvidenceDataByKey[K]>;
}

export type CollectionFailureStatus = 'unavailable' | 'error';

/** A typed collection failure: the pipeline turns it into evidence marked `unavailable` or `error`. */
export class CollectionError extends Error {
  constructor(
    readonly status: CollectionFailureStatus,
    /** A `PPMAT_E_...` code from the error catalogue. */
    readonly code: string,
    message: string,
    readonly details: { httpStatus?: number; url?: string } = {},
  ) {
    super(message);
    this.name = 'CollectionError';
  }
}
