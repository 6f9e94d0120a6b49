/** Manifest buckets and contents: stable, even, and equal for equal entries whatever their order. */
import { describe, expect, it } from 'vitest';
import { assertPartitionKey, createManifestBuilder, MANIFEST_BUCKETS, manifestBucket, manifestKeyOf } from '../../src/store/partition-manifest.js';

const at = new Date('2026-11-27T02:00:00Z');
const keys = Array.from({ length: 6400 }, (_, i) => `inventory:env-${i}`);

describe('partition manifests', () => {
  it('puts a key in a stable bucket, named by two hex digits, and fills the buckets about evenly', () => {
    expect(manifestBucket('inventory:env-1')).toBe(manifestBucket('inventory:env-1'));
    expect(manifestKeyOf('inventory-owners')).toMatch(/^partitions\/[0-9a-f]{2}$/);
    const sizes = new Array<number>(MANIFEST_BUCKETS).fill(0);
    for (const key of keys) sizes[manifestBucket(key)]! += 1;
    // 100 a bucket on average.
    expect(Math.min(...sizes)).toBeGreaterThan(60);
    expect(Math.max(...sizes)).toBeLessThan(140);
  });

  it('builds equal manifests (equal hashes) from equal entries put in any order, and one changed entry changes one manifest', () => {
    const build = (order: string[], changed?: string) => {
      const builder = createManifestBuilder();
      for (const key of order) builder.add(key, key === changed ? 'f'.repeat(64) : 'a'.repeat(64), at);
      return builder.build();
    };
    const first = build(keys);
    expect(first).toHaveLength(MANIFEST_BUCKETS);
    expect(first.map((m) => m.key)).toEqual([...first.map((m) => m.key)].sort());
    expect(first.reduce((sum, m) => sum + m.entries, 0)).toBe(keys.length);
    expect(build([...keys].reverse()).map((m) => m.doc.hash)).toEqual(first.map((m) => m.doc.hash));
    const changed = build(keys, 'inventory:env-42');
    const differing = changed.filter((m, i) => m.doc.hash !== first[i]!.doc.hash);
    expect(differing.map((m) => m.key)).toEqual([manifestKeyOf('inventory:env-42')]);
    expect(createManifestBuilder().build()).toEqual([]);
  });

  it('records the time of the latest document of each bucket', () => {
    const builder = createManifestBuilder();
    builder.add('inventory:a', 'a'.repeat(64), at);
    builder.add('inventory:a2', 'b'.repeat(64), new Date(at.getTime() + 5000));
    const times = builder.build().map((m) => m.collectedAt.getTime());
    expect(Math.max(...times)).toBe(at.getTime() + 5000);
  });

  it('refuses partition keys that would collide with a manifest link', () => {
    expect(() => assertPartitionKey('partitions/0a')).toThrow('starts with "partitions/", which is kept for partition manifests');
    expect(() => assertPartitionKey('inventory:env-1')).not.toThrow();
  });
});
