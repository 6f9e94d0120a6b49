/**
 * The evidence snapshot of one scan: every family's document, or why it is missing.
 *
 * A snapshot is plain JSON, so it can be stored, replayed through a newer rule set,
 * and used as a golden test fixture.
 */
import type { EvidenceDataByKey, EvidenceKey } from './schemas.js';

/**
 * `ok`: collected and valid.
 * `unavailable`: the API refused us (403, not licensed, not registered): the reason says what is missing.
 * `error`: the collection failed (network, 5xx after retries, malformed body).
 * Rules that need a family that is not `ok` give `unknown`, never `fail`.
 */
export type EvidenceStatus = 'ok' | 'unavailable' | 'error';

export interface EvidenceItem<K extends EvidenceKey = EvidenceKey> {
  key: K;
  status: EvidenceStatus;
  /** The normalized document; present only when status is `ok`. */
  data?: EvidenceDataByKey[K];
  /** One sentence on why the evidence is not `ok`, e.g. which role or registration is missing. */
  reason?: string;
  /** A `PPMAT_E_...` code when status is not `ok`. */
  errorCode?: string;
  /** ISO time when the collection finished. */
  collectedAt: string;
}

export interface EvidenceSnapshot {
  tenantId: string;
  collectedAt: string;
  evidence: { [K in EvidenceKey]?: EvidenceItem<K> };
  /**
   * Partition documents (`inventory:{envId}`, `inventory-owners`) carried inline. A scan
   * streams them to the store instead and leaves this out; rule cases and small replays
   * put them here so the facts derived from them stay a pure function of the snapshot.
   */
  partitions?: Record<string, unknown>;
}
