/**
 * The {@link PartitionStore} of one running scan: documents are hashed at once, written in
 * batches (one statement per batch), and offered to a listener (the streaming facts) as
 * they arrive, so a scan of 10,000 environments holds a batch, not the tenant; only each
 * key's hash is kept, for the scan's manifests.
 *
 * Writes are serialized; `put` waits only when a full batch is already being written
 * (back-pressure), so collection and storage overlap. `flush` must be awaited before the
 * scan's results are saved: it writes the last batch, then links every document to the scan
 * through the manifests of their buckets (src/store/partition-manifest.ts), in one
 * transaction. A failed write fails the next `put` or the `flush`; a scan that never flushes
 * leaves its documents unlinked, for the retention sweep.
 */
import type { PartitionStore } from '../collectors/types.js';
import { canonicalDocument } from '../evidence/content-hash.js';
import { createManifestBuilder } from '../store/partition-manifest.js';
import type { PartitionDocument, ScanRepository } from '../store/scan-repository.js';

/** Documents written in one transaction, at most... */
export const PARTITION_BATCH = 50;
/** ...and at most this many bytes of canonical JSON: an environment of thousands of flows is a large document. */
export const PARTITION_BATCH_BYTES = 2 * 1024 * 1024;

export interface PartitionWriter extends PartitionStore {
  /** Writes what is pending and links every document to the scan; nothing can be put after it. */
  flush(): Promise<void>;
  /** Documents stored, and how many of them were new (manifests are not counted: they are how the documents are linked). */
  readonly counts: { stored: number; new: number };
}

export interface PartitionWriterOptions {
  store: Pick<ScanRepository, 'putPartitions' | 'linkPartitions' | 'lastFinishedScanId' | 'scanDocuments'>;
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
  const manifests = createManifestBuilder();
  let flushed: Promise<void> | null = null;
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
      if (flushed) throw new Error(`partition "${key}" was put after the scan's partitions were linked`);
      const canonical = canonicalDocument(doc);
      // Refuses a key put twice, or one a manifest link could be taken for.
      manifests.add(key, canonical.hash, options.clock());
      options.onDocument?.(key, doc);
      pending.push({ key, kind: options.kindOf(key), doc: canonical });
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

    flush() {
      flushed ??= (async () => {
        if (pending.length > 0) {
          const batch = pending;
          pending = [];
          pendingBytes = 0;
          void write(batch);
        }
        await writing;
        rethrow();
        // Every document is stored: only now may the manifests name them.
        await options.store.linkPartitions(options.scanId, manifests.build());
      })();
      return flushed;
    },

    get counts() {
      return counts;
    },
  };
}
