/**
 * Partition manifests: how a scan links its partition documents (one per environment's
 * inventory, plus the owner directory) without one `scan_evidence` row per document.
 *
 * Every partition key falls in one of {@link MANIFEST_BUCKETS} stable buckets. A bucket's
 * manifest is itself a content-addressed evidence document (`{"entries": {key: hash}}`, kind
 * {@link MANIFEST_KIND}) linked to the scan by one `scan_evidence` row under
 * `partitions/<bucket as two hex digits>`. An unchanged rescan therefore hashes every manifest
 * as before and stores only its (at most 64) small links; a rescan where one environment
 * changed stores that document and one new manifest of about 1/64 of the entries.
 *
 * Why 64 buckets: the cost of a rescan is (links) + (manifests that changed). At 10,000
 * environments a bucket holds about 160 entries (about 20 KB of JSON, less once PostgreSQL
 * compresses it), so one changed environment rewrites 20 KB while an unchanged rescan adds
 * 64 rows of a few dozen bytes; 16 buckets would rewrite 80 KB per change, 256 buckets would
 * add four times the rows to every rescan for little gain. Readers find a key's manifest by
 * its bucket, so the count must not change without a new key prefix.
 *
 * The entries are an object, not a list of pairs: canonical JSON sorts its keys (so equal
 * manifests hash equal), and in SQL `content->'entries'->>key` finds one entry directly.
 */
import { createHash } from 'node:crypto';
import { canonicalDocument, type CanonicalDocument } from '../evidence/content-hash.js';

/** How many manifests a scan's partition keys are spread over. */
export const MANIFEST_BUCKETS = 64;
/**
 * The key prefix of a manifest's link. Evidence family keys are camelCase words (src/evidence/
 * schemas.ts EVIDENCE_KEYS) and partition keys start with `inventory` (inventory.schemas.ts),
 * so no other key contains a `/`; {@link assertPartitionKey} refuses one that would collide.
 */
export const MANIFEST_KEY_PREFIX = 'partitions/';
/** The Evidence row `kind` of a manifest (retention reads manifests by it). */
export const MANIFEST_KIND = 'partition-manifest';

/** What a manifest holds: each partition key of its bucket and the sha256 of its document. */
export interface ManifestContent {
  entries: Record<string, string>;
}

/** A bucket's manifest, ready to store and link. */
export interface PartitionManifest {
  /** The link's key, `partitions/<bucket>`. */
  key: string;
  doc: CanonicalDocument;
  /** When the last document of the bucket was put (the link's `collected_at`). */
  collectedAt: Date;
  /** How many partition documents it lists. */
  entries: number;
}

/** The bucket of a partition key: the first byte of sha256(key), mod {@link MANIFEST_BUCKETS} (256 is a multiple of it, so buckets fill evenly). */
export function manifestBucket(key: string): number {
  return (createHash('sha256').update(key).digest()[0] as number) % MANIFEST_BUCKETS;
}

/** The link key of the manifest that lists `key`. */
export function manifestKeyOf(key: string): string {
  return `${MANIFEST_KEY_PREFIX}${manifestBucket(key).toString(16).padStart(2, '0')}`;
}

export function isManifestKey(key: string): boolean {
  return key.startsWith(MANIFEST_KEY_PREFIX);
}

/** Refuses a partition key that a manifest link could be mistaken for. */
export function assertPartitionKey(key: string): void {
  if (isManifestKey(key)) throw new Error(`partition key "${key}" starts with "${MANIFEST_KEY_PREFIX}", which is kept for partition manifests`);
}

/**
 * Collects the key -> hash pairs of a running scan (never the documents) and builds its
 * manifests at the end. A key put twice is refused: a scan stores one document per key.
 */
export interface ManifestBuilder {
  add(key: string, hash: string, collectedAt: Date): void;
  /** How many keys were added. */
  readonly size: number;
  /** One manifest per bucket that has keys, in bucket order. */
  build(): PartitionManifest[];
}

export function createManifestBuilder(): ManifestBuilder {
  const buckets = new Map<number, { entries: Map<string, string>; collectedAt: Date }>();
  let size = 0;
  return {
    add(key, hash, collectedAt) {
      assertPartitionKey(key);
      const index = manifestBucket(key);
      let bucket = buckets.get(index);
      if (!bucket) buckets.set(index, (bucket = { entries: new Map(), collectedAt }));
      if (bucket.entries.has(key)) throw new Error(`partition "${key}" was already stored in this scan`);
      bucket.entries.set(key, hash);
      if (collectedAt > bucket.collectedAt) bucket.collectedAt = collectedAt;
      size += 1;
    },
    get size() {
      return size;
    },
    build() {
      return [...buckets.entries()]
        .sort(([a], [b]) => a - b)
        .map(([index, bucket]) => {
          const content: ManifestContent = { entries: Object.fromEntries(bucket.entries) };
          return {
            key: `${MANIFEST_KEY_PREFIX}${index.toString(16).padStart(2, '0')}`,
            doc: canonicalDocument(content),
            collectedAt: bucket.collectedAt,
            entries: bucket.entries.size,
          };
        });
    },
  };
}
