import { describe, expect, it } from 'vitest';
import { createPartitionWriter, PARTITION_BATCH, PARTITION_BATCH_BYTES } from '../../src/scheduler/partition-writer.js';
import type { PartitionDocument } from '../../src/store/scan-repository.js';

function fakeStore(options: { failOnBatch?: number } = {}) {
  const batches: PartitionDocument[][] = [];
  const seen = new Set<string>();
  return {
    batches,
    store: {
      async putPartitions(_scanId: number, documents: readonly PartitionDocument[]) {
        if (options.failOnBatch === batches.length) throw new Error('disk full');
        batches.push([...documents]);
        let fresh = 0;
        for (const d of documents) if (!seen.has(d.doc.hash) && seen.add(d.doc.hash)) fresh += 1;
        return fresh;
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

  it('fails the flush (and later puts) when a batch could not be stored: nothing is lost silently', async () => {
    const { store } = fakeStore({ failOnBatch: 0 });
    const w = writer(store);
    for (let i = 0; i < PARTITION_BATCH; i += 1) await w.put(`k${i}`, { i });
    await expect(w.flush()).rejects.toThrow('disk full');
    await expect(w.put('late', {})).rejects.toThrow('disk full');
  });
});
