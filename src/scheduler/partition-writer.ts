/**
 * The {@link PartitionStore} of one running scan: documents are hashed at once, written in
 * batches (one transaction per batch), and offered to a listener (the streaming facts) as
 * they arrive, so a scan of 10,000 environments holds a batch, not the tenant.
 *
 * Writes are serialized; `put` waits only when a full batch is already being written
 * (back-pressure), so collection and storage overlap. `flush` must be awaited before the
 * scan's results are saved; a failed write fails the next `put` or the `flush`.
 */
import type { PartitionStore } from '../collectors/types.js';
import { canonicalDocument } from '../evidence/content-hash.js';
import type { PartitionDocument, ScanRepository } from '../store/scan-repository.js';

/** Documents written in one transaction, at most... */
export const PARTITION_BATCH = 50;
/** ...and at most this many bytes of canonical JSON: an environment of thousands of flows is a large document. */
export const PARTITION_BATCH_BYTES = 2 * 1024 * 1024;

export interface PartitionWriter extends PartitionStore {
  /** Writes what is pending; resolves when every document put so far is stored. */
  flush(): Promise<void>;
  /** Documents stored, and how many of them were new. */
  readonly counts: { stored: number; new: number };
}

export interface PartitionWriterOptions {
  store: Pick<ScanRepository, 'putPartitions' | 'lastFinishedScanId' | 'scanDocuments'>;
  scanId: number;
  tenantId: string;
  /** The evidence family of the documents (the Evidence row's `kind`), from the key's prefix. */
  kindOf: (key: string) => string;
  clock: () => Date;
  /** Sees every document as it is put (before it is written). */
  onDocument?: (key: string, doc: unknown) => void;
}

export function createPartitionWriter(options: PartitionWriterOptions): PartitionWriter {
  let pending: PartitionDocument[] = [];
  let pendingBytes = 0;
  let writing: Promise<void> = Promise.resolve();
  let failure: unknown = null;
  const counts = { stored: 0, new: 0 };
  let lastScan: Promise<number | null> | null = null;

  const write = (batch: PartitionDocument[]): Promise<void> => {
    writing = writing.then(async () => {
      if (failure !== null) return;
      try {
        counts.new += await options.store.putPartitions(options.scanId, batch);
        counts.stored += batch.length;
      } catch (error) {
        failure = error;
      }
    });
    return writing;
  };

  const rethrow = (): void => {
    if (failure !== null) throw failure;
  };

  return {
    async previous(keys) {
      lastScan ??= options.store.lastFinishedScanId(options.tenantId, options.scanId);
      const scanId = await lastScan;
      return scanId === null ? new Map() : options.store.scanDocuments(scanId, keys);
    },

    async put(key, doc) {
      rethrow();
      const canonical = canonicalDocument(doc);
      options.onDocument?.(key, doc);
      pending.push({ key, kind: options.kindOf(key), doc: canonical, collectedAt: options.clock() });
      pendingBytes += canonical.bytes;
      if (pending.length >= PARTITION_BATCH || pendingBytes >= PARTITION_BATCH_BYTES) {
        const batch = pending;
        pending = [];
        pendingBytes = 0;
        // Wait for the previous batch, not this one: one batch is written while the next fills.
        const previous = writing;
        void write(batch);
        await previous;
        rethrow();
      }
      return canonical.hash;
    },

    async flush() {
      if (pending.length > 0) {
        const batch = pending;
        pending = [];
        pendingBytes = 0;
        void write(batch);
      }
      await writing;
      rethrow();
    },

    get counts() {
      return counts;
    },
  };
}
