import { describe, expect, it } from 'vitest';
import { createInventoryCollector, type OwnerLookup } from '../../../src/collectors/inventory/inventory.collector.js';
import type { SectionCollector } from '../../../src/collectors/inventory/section.js';
import { CollectionError, type PartitionStore } from '../../../src/collectors/types.js';
import { canonicalDocument } from '../../../src/evidence/content-hash.js';
import { INVENTORY_SECTIONS, type CanvasApp, type EnvironmentInventory, type InventorySection } from '../../../src/evidence/inventory.schemas.js';
import type { Environment } from '../../../src/evidence/schemas.js';
import { env } from '../../facts/fixtures.js';
import { collectorContext } from '../collector-context.js';

const NOW = new Date('2026-11-27T02:00:00Z');
const OWNER = 'a11ce000-0000-4000-8000-000000000001';

function memoryPartitions(previous: Record<string, unknown> = {}): PartitionStore & { docs: Map<string, unknown> } {
  const docs = new Map<string, unknown>();
  return {
    docs,
    async previous(keys) {
      return new Map(keys.filter((k) => k in previous).map((k) => [k, previous[k]]));
    },
    async put(key, doc) {
      docs.set(key, doc);
      return canonicalDocument(doc).hash;
    },
  };
}

const app = (id: string): CanvasApp => ({
  id,
  displayName: id,
  owner: { id: OWNER, displayName: null, type: 'User' },
  createdTime: null,
  lastModifiedTime: null,
  lastPublishTime: null,
  sharedUsersCount: 0,
  sharedGroupsCount: 0,
  sharing: null,
  almMode: null,
  usesPremiumApi: null,
  dlpStatus: null,
});

/** Sections that answer from a script; canvasApps reports reuse when it is given the last scan's data. */
function fakeSections(calls: string[], refuse?: { section: InventorySection; tenantWide: boolean }): SectionCollector[] {
  return INVENTORY_SECTIONS.map((key) => ({
    key,
    tenantWideRefusal: refuse?.section === key && refuse.tenantWide,
    notApplicable: (e) => (key === 'dataverse' && !e.hasDataverse ? 'it has no Dataverse database' : null),
    async collect(ctx) {
      calls.push(`${key}:${ctx.environment.id}`);
      if (refuse?.section === key) throw new CollectionError('unavailable', 'PPMAT_E_HTTP_FORBIDDEN', `403 for ${ctx.environment.id}`);
      if (key === 'canvasApps') {
        if (ctx.previous) {
          calls.push(`previous:${(ctx.previous as CanvasApp[]).map((a) => a.id).join(',')}`);
          ctx.reused((ctx.previous as CanvasApp[]).length);
        }
        return [app(`${ctx.environment.id}-app`)] as never;
      }
      if (key === 'dataverse') return { organization: null, solutions: [], pipelinesHost: false, pipelines: [], successfulRunsLast90Days: null } as never;
      return [] as never;
    },
  })) as SectionCollector[];
}

function context(environments: Environment[], partitions: PartitionStore) {
  const { ctx, progress } = collectorContext();
  return {
    progress,
    ctx: {
      ...ctx,
      now: NOW,
      partitions,
      upstream: async <K extends string>(key: K) => {
        if (key !== 'environments') throw new Error(`unexpected ${key}`);
        return { environments } as never;
      },
    },
  };
}

const exists: OwnerLookup = async (_graph, ids) => new Map([...ids].map((id) => [id, { status: 'exists' as const, accountEnabled: true, type: 'user' }]));

describe('inventory collector', () => {
  it('stores one document per environment and returns the index with counts, hashes and section summaries', async () => {
    const partitions = memoryPartitions();
    const calls: string[] = [];
    const { ctx, progress } = context([env('e2'), env('e1', { hasDataverse: false })], partitions);
    const evidence = await createInventoryCollector({ sections: fakeSections(calls), lookup: exists }).collect(ctx);

    expect([...partitions.docs.keys()].sort()).toEqual(['inventory-owners', 'inventory:e1', 'inventory:e2']);
    expect(evidence.environments.map((e) => [e.id, e.counts.canvasApps, e.counts.dataverse])).toEqual([
      ['e1', 1, null],
      ['e2', 1, 1],
    ]);
    expect(evidence.environments[0]?.hash).toBe(canonicalDocument(partitions.docs.get('inventory:e1')).hash);
    expect(evidence.sections.dataverse).toMatchObject({ ok: 1, notApplicable: 1 });
    expect(evidence.owners).toEqual({ total: 1, deleted: 0, disabled: 0, unknown: 0, reason: null });
    expect(progress.filter((p) => p.collector === 'inventory').map((p) => p.pages)).toEqual([1, 2]);
    expect(calls).not.toContain('dataverse:e1');
  });

  it('hands each section the last scan\'s data, and reuses recent owner lookups', async () => {
    const lastDoc: EnvironmentInventory = {
      environmentId: 'e1',
      displayName: 'E1',
      type: 'Sandbox',
      sections: Object.fromEntries(INVENTORY_SECTIONS.map((k) => [k, k === 'canvasApps' ? { status: 'ok', data: [app('old1'), app('old2')] } : { status: 'error', reason: 'x' }])) as never,
    };
    const partitions = memoryPartitions({
      'inventory:e1': lastDoc,
      'inventory-owners': { owners: [{ id: OWNER, status: 'exists', accountEnabled: true, checkedAt: '2026-11-26T02:00:00Z' }] },
    });
    let looked = 0;
    const counting: OwnerLookup = async (graph, ids, o) => {
      looked += [...ids].length;
      return exists(graph, ids, o);
    };
    const { ctx } = context([env('e1')], partitions);
    const calls: string[] = [];
    const evidence = await createInventoryCollector({ sections: fakeSections(calls), lookup: counting }).collect(ctx);
    expect(calls).toContain('previous:old1,old2');
    // Reuse is logged, not stored: the document is the same whether or not it reused.
    expect((partitions.docs.get('inventory:e1') as EnvironmentInventory).sections.canvasApps).toEqual({ status: 'ok', data: [app('e1-app')] });
    expect(looked).toBe(0);
    expect(evidence.owners).toEqual({ total: 1, deleted: 0, disabled: 0, unknown: 0, reason: null });
  });

  it('looks an owner up again once its answer is older than ownerRecheckDays', async () => {
    const partitions = memoryPartitions({ 'inventory-owners': { owners: [{ id: OWNER, status: 'exists', accountEnabled: true, checkedAt: '2026-11-01T00:00:00Z' }] } });
    const { ctx } = context([env('e1')], partitions);
    let looked = 0;
    const counting: OwnerLookup = async (graph, ids, o) => {
      looked += [...ids].length;
      return exists(graph, ids, o);
    };
    await createInventoryCollector({ sections: fakeSections([]), lookup: counting, ownerRecheckDays: 7 }).collect(ctx);
    expect(looked).toBe(1);
    expect(partitions.docs.get('inventory-owners')).toEqual({ owners: [{ id: OWNER, status: 'exists', accountEnabled: true, checkedAt: NOW.toISOString() }] });
  });

  it('asks a tenant-wide refusal once and gives the other environments the same reason', async () => {
    const calls: string[] = [];
    const { ctx } = context([env('e1'), env('e2'), env('e3')], memoryPartitions());
    const evidence = await createInventoryCollector({ sections: fakeSections(calls, { section: 'powerPagesSites', tenantWide: true }), lookup: exists, environmentConcurrency: 1 }).collect(ctx);
    expect(calls.filter((c) => c.startsWith('powerPagesSites'))).toEqual(['powerPagesSites:e1']);
    expect(evidence.sections.powerPagesSites).toMatchObject({ ok: 0, unavailable: 3, reasons: [{ environmentId: 'e1', status: 'unavailable', reason: '403 for e1' }] });
    expect(evidence.sections.canvasApps.ok).toBe(3);
  });

  it('asks every environment again when a refusal is per environment (a missing Dataverse application user)', async () => {
    const calls: string[] = [];
    const { ctx } = context([env('e1'), env('e2')], memoryPartitions());
    const evidence = await createInventoryCollector({ sections: fakeSections(calls, { section: 'agents', tenantWide: false }), lookup: exists }).collect(ctx);
    expect(calls.filter((c) => c.startsWith('agents')).sort()).toEqual(['agents:e1', 'agents:e2']);
    expect(evidence.sections.agents.reasons.map((r) => r.reason).sort()).toEqual(['403 for e1', '403 for e2']);
  });

  it('records owners as unknown with the reason when the directory lookup is refused', async () => {
    const partitions = memoryPartitions();
    const refused: OwnerLookup = async () => {
      throw new CollectionError('unavailable', 'PPMAT_E_HTTP_FORBIDDEN', 'Graph answered 403: Directory.Read.All is missing');
    };
    const { ctx } = context([env('e1')], partitions);
    const evidence = await createInventoryCollector({ sections: fakeSections([]), lookup: refused }).collect(ctx);
    expect(evidence.owners).toMatchObject({ total: 1, unknown: 1, reason: 'Graph answered 403: Directory.Read.All is missing' });
    expect(partitions.docs.get('inventory-owners')).toMatchObject({ owners: [{ id: OWNER, status: 'unknown' }] });
  });

  it('is unavailable, naming the environments, when they could not be collected', async () => {
    const { ctx } = collectorContext();
    const failing = {
      ...ctx,
      partitions: memoryPartitions(),
      upstream: async () => {
        throw new CollectionError('unavailable', 'PPMAT_E_UPSTREAM_MISSING', 'it needs the environments evidence, which could not be collected: 403');
      },
    };
    await expect(createInventoryCollector({ sections: [], lookup: exists }).collect(failing)).rejects.toMatchObject({ status: 'unavailable', code: 'PPMAT_E_UPSTREAM_MISSING' });
  });
});
