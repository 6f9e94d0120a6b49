import { describe, expect, it } from 'vitest';
import { createPartitionWriter, PARTITION_BATCH, PARTITION_BATCH_BYTES } from '../../src/scheduler/partition-writer.js';
import { MANIFEST_BUCKETS, manifestKeyOf, type ManifestContent, type PartitionManifest } from '../../src/store/partition-manifest.js';
import type { PartitionDocument } from '../../src/store/scan-repository.js';

function fakeStore(options: { failOnBatch?: number } = {}) {
  const batches: PartitionDocument[][] = [];
  const links: PartitionManifest[][] = [];
  const seen = new Set<string>();
  return {
    batches,
    links,
    store: {
      async putPartitions(_scanId: number, documents: readonly PartitionDocument[]) {
        if (options.failOnBatch === batches.length) throw new Error('disk full');
        batches.push([...documents]);
        let fresh = 0;
        for (const d of documents) if (!seen.has(d.doc.hash) && seen.add(d.doc.hash)) fresh += 1;
        return fresh;
      },
      async linkPartitions(_scanId: number, manifests: readonly PartitionManifest[]) {
        links.push([...manifests]);
        return manifests.length;
      },
      async lastFinishedScanId() {
        return 3;
      },
      async scanDocuments(scanId: number, keys: readonly string[]) {
        return new Map(keys.filter((k) => k.endsWith('1')).map((k) => [k, { scanId, key: k }]));
      },
    },
  };
}

const writer = (store: ReturnType<typeof fakeStore>['store'], onDocument?: (key: string) => void) =>
  createPartitionWriter({ store, scanId: 4, tenantId: 't', kindOf: () => 'inventory', clock: () => new Date('2026-11-27T00:00:00Z'), ...(onDocument ? { onDocument } : {}) });

describe('partition writer', () => {
  it('writes in batches, shows each document to the listener at once, and counts new ones', async () => {
    const { store, batches } = fakeStore();
    const seen: string[] = [];
    const w = writer(store, (key) => seen.push(key));
    const count = PARTITION_BATCH * 2 + 3;
    for (let i = 0; i < count; i += 1) await w.put(`inventory:${i}`, { n: i % (count - 1) });
    expect(seen).toHaveLength(count);
    await w.flush();
    expect(batches.map((b) => b.length)).toEqual([PARTITION_BATCH, PARTITION_BATCH, 3]);
    // Two documents are equal, so one of them is not new.
    expect(w.counts).toEqual({ stored: count, new: count - 1 });
  });

  it('writes a batch early once its documents reach the byte limit (large environments)', async () => {
    const { store, batches } = fakeStore();
    const w = writer(store);
    const big = 'x'.repeat(Math.ceil(PARTITION_BATCH_BYTES / 3));
    for (let i = 0; i < 4; i += 1) await w.put(`inventory:${i}`, { i, big });
    await w.flush();
    expect(batches.map((b) => b.length)).toEqual([3, 1]);
  });

  it('returns the sha256 of the canonical document', async () => {
    const { store } = fakeStore();
    const w = writer(store);
    expect(await w.put('k', { b: 1, a: 2 })).toBe(await w.put('k2', { a: 2, b: 1 }));
  });

  it('reads documents of the last finished scan', async () => {
    const { store } = fakeStore();
    const previous = await writer(store).previous(['inventory:1', 'inventory:2']);
    expect([...previous.entries()]).toEqual([['inventory:1', { scanId: 3, key: 'inventory:1' }]]);
  });

  it('fails the flush (and later puts) when a batch could not be stored: nothing is lost silently, and nothing is linked', async () => {
    const { store, links } = fakeStore({ failOnBatch: 0 });
    const w = writer(store);
    for (let i = 0; i < PARTITION_BATCH; i += 1) await w.put(`k${i}`, { i });
    await expect(w.flush()).rejects.toThrow('disk full');
    await expect(w.put('late', {})).rejects.toThrow('disk full');
    expect(links).toEqual([]);
  });

  it('links the documents once, at the flush, through one manifest per bucket listing each key with its hash', async () => {
    const { store, links } = fakeStore();
    const w = writer(store);
    const hashes = new Map<string, string>();
    for (let i = 0; i < 500; i += 1) hashes.set(`inventory:env-${i}`, await w.put(`inventory:env-${i}`, { i }));
    expect(links).toEqual([]);
    await w.flush();
    await w.flush();
    expect(links).toHaveLength(1);
    const manifests = links[0]!;
    expect(manifests.length).toBeLessThanOrEqual(MANIFEST_BUCKETS);
    expect(new Set(manifests.map((m) => m.key)).size).toBe(manifests.length);
    const listed = new Map<string, string>();
    for (const manifest of manifests) {
      const { entries } = JSON.parse(manifest.doc.json) as ManifestContent;
      expect(manifest.entries).toBe(Object.keys(entries).length);
      for (const [key, hash] of Object.entries(entries)) {
        expect(manifestKeyOf(key)).toBe(manifest.key);
        listed.set(key, hash);
      }
      expect(manifest.collectedAt).toEqual(new Date('2026-11-27T00:00:00Z'));
    }
    expect(listed).toEqual(hashes);
    expect(w.counts).toEqual({ stored: 500, new: 500 });
  });

  it('refuses a key put twice, a key that looks like a manifest link, and a put after the flush', async () => {
    const { store } = fakeStore();
    const w = writer(store);
    await w.put('inventory:a', { a: 1 });
    await expect(w.put('inventory:a', { a: 2 })).rejects.toThrow('partition "inventory:a" was already stored in this scan');
    await expect(w.put('partitions/00', {})).rejects.toThrow('kept for partition manifests');
    await w.flush();
    await expect(w.put('inventory:b', {})).rejects.toThrow('was put after the scan\'s partitions were linked');
  });
});
