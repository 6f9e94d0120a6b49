import { describe, expect, it } from 'vitest';
import type { CanvasApp, CloudFlow, EnvironmentInventory, OwnerStatus } from '../../src/evidence/inventory.schemas.js';
import { createInventoryAccumulator, deriveInventory } from '../../src/facts/inventory.fact.js';

const NOW = new Date('2026-11-27T00:00:00Z');
const OPTIONS = { now: NOW };
const ALICE = 'a11ce000-0000-4000-8000-000000000001';
const GONE = 'd0d0d0d0-0000-4000-8000-000000000002';

function app(id: string, overrides: Partial<CanvasApp> = {}): CanvasApp {
  return {
    id,
    displayName: `App ${id}`,
    owner: { id: ALICE, displayName: 'Alice', type: 'User' },
    createdTime: '2026-01-01T00:00:00Z',
    lastModifiedTime: '2026-11-01T00:00:00Z',
    lastPublishTime: null,
    sharedUsersCount: 0,
    sharedGroupsCount: 0,
    sharing: { users: 0, groups: 0, everyone: false },
    almMode: null,
    usesPremiumApi: null,
    dlpStatus: null,
    ...overrides,
  };
}

function flow(id: string, overrides: Partial<CloudFlow> = {}): CloudFlow {
  return {
    id,
    displayName: `Flow ${id}`,
    state: 'Started',
    owner: { id: ALICE, displayName: null, type: 'User' },
    createdTime: null,
    lastModifiedTime: '2026-11-01T00:00:00Z',
    sharing: null,
    ...overrides,
  };
}

const na = { status: 'not_applicable' as const, reason: 'it has no Dataverse database' };

function doc(environmentId: string, apps: CanvasApp[], flows: CloudFlow[] = []): EnvironmentInventory {
  return {
    environmentId,
    displayName: environmentId.toUpperCase(),
    type: 'Production',
    sections: {
      canvasApps: { status: 'ok', data: apps },
      cloudFlows: { status: 'ok', data: flows },
      customConnectors: { status: 'ok', data: [] },
      modelDrivenApps: na,
      agents: na,
      powerPagesSites: na,
      dataverse: na,
    },
  };
}

const owners = (gone: 'deleted' | 'unknown'): OwnerStatus[] => [
  { id: ALICE, status: 'exists', accountEnabled: true, checkedAt: NOW.toISOString() },
  { id: GONE, status: gone, accountEnabled: null, checkedAt: NOW.toISOString() },
];

describe('inventory fact', () => {
  it('finds apps shared with Everyone and keeps how widely and how long ago the others were shared and changed, naming them', () => {
    const fact = deriveInventory(
      [
        doc('env-b', [
          app('b1', { sharing: { users: 0, groups: 0, everyone: true } }),
          app('b2', { sharing: { users: 8, groups: 3, everyone: false } }),
          app('b3', { lastModifiedTime: '2025-01-01T00:00:00Z' }),
        ]),
        doc('env-a', [app('a1')], [flow('f1', { lastModifiedTime: '2024-01-01T00:00:00Z' })]),
      ],
      null,
      OPTIONS,
    );
    expect(fact.totals).toMatchObject({ canvasApps: 4, cloudFlows: 1, customConnectors: 0, agents: 0 });
    expect(fact.sharedWithEveryone).toEqual({ count: 1, examples: [expect.objectContaining({ id: 'b1', environmentId: 'env-b', kind: 'canvasApp' })] });
    // By users plus groups: b2 has 11; the flow's sharing was not read, so it counts as 0.
    expect(fact.sharedWith.histogram).toEqual([
      { value: 0, count: 4 },
      { value: 11, count: 1 },
    ]);
    expect(fact.sharedWith.widest).toEqual([expect.objectContaining({ id: 'b2', principals: 11 })]);
    // Days since the last change, measured from the scan: 26 (a1, b1, b2), 695 (b3), 1061 (f1).
    expect(fact.lastModified.histogram).toEqual([
      { value: 26, count: 3 },
      { value: 695, count: 1 },
      { value: 1061, count: 1 },
    ]);
    // Oldest first, so a threshold's examples are a prefix: concurrent collection cannot change them.
    expect(fact.lastModified.oldest.map((e) => [e.id, e.days])).toEqual([
      ['f1', 1061],
      ['b3', 695],
      ['a1', 26],
      ['b1', 26],
      ['b2', 26],
    ]);
    expect(fact.lastModified.undated).toBe(0);
    expect(fact.makers).toBe(1);
    expect(fact.orphaned).toBeNull();
    expect(fact.environmentsRead.canvasApps).toBe(2);
  });

  it('uses the list counts when the permissions were not read', () => {
    const fact = deriveInventory([doc('env', [app('x', { sharing: null, sharedUsersCount: 20, sharedGroupsCount: 0 })])], null, OPTIONS);
    expect(fact.sharedWith.histogram).toEqual([{ value: 20, count: 1 }]);
    expect(fact.sharingRead).toBe(0);
  });

  it('counts resources of deleted owners as orphaned once owners are known', () => {
    const docs = [doc('env', [app('x'), app('y', { owner: { id: GONE, displayName: 'Gone', type: 'User' } })], [flow('f', { owner: { id: GONE.toUpperCase(), displayName: null, type: 'User' } })])];
    const fact = deriveInventory(docs, owners('deleted'), OPTIONS);
    expect(fact.orphaned).toMatchObject({ count: 2, deletedOwners: 1, disabledOwners: 0, unknownOwners: 0 });
    expect(fact.orphaned?.examples.map((e) => e.id)).toEqual(['y', 'f']);
  });

  it('says orphans are unknown (null), not zero, when no owner could be looked up', () => {
    const unknown: OwnerStatus[] = [{ id: ALICE, status: 'unknown', accountEnabled: null, checkedAt: NOW.toISOString(), reason: 'Graph answered 403' }];
    expect(deriveInventory([doc('env', [app('x')])], unknown, OPTIONS).orphaned).toBeNull();
    expect(deriveInventory([doc('env', [app('x'), app('y', { owner: { id: GONE, displayName: null, type: 'User' } })])], owners('unknown'), OPTIONS).orphaned).toMatchObject({
      count: 0,
      unknownOwners: 1,
    });
  });

  it('gives the same fact whatever the order of the environments', () => {
    const docs = Array.from({ length: 30 }, (_, i) =>
      doc(`env-${String(i).padStart(2, '0')}`, [app(`a${i}`, { sharing: { users: 0, groups: 0, everyone: true }, lastModifiedTime: '2020-01-01T00:00:00Z' })]),
    );
    const forward = deriveInventory(docs, null, OPTIONS);
    const backward = deriveInventory([...docs].reverse(), null, OPTIONS);
    expect(backward).toEqual(forward);
    expect(forward.sharedWithEveryone.count).toBe(30);
    expect(forward.sharedWithEveryone.examples).toHaveLength(10);
    expect(forward.sharedWithEveryone.examples[0]?.environmentId).toBe('env-00');
  });

  it('keeps the ten widest and oldest a full sort would keep, ties broken by resource, whatever the order', () => {
    // 40 environments x 6 apps with few distinct sharing widths and dates: many ties.
    const docs = Array.from({ length: 40 }, (_, e) =>
      doc(
        `env-${String((e * 17) % 40).padStart(2, '0')}`,
        Array.from({ length: 6 }, (_, a) =>
          app(`app-${(a * 7 + e) % 6}-${e}`, {
            sharing: { users: (a + e) % 4, groups: a % 2, everyone: false },
            lastModifiedTime: `202${(a + e) % 3}-0${1 + (a % 2)}-01T00:00:00Z`,
          }),
        ),
      ),
    );
    const all = docs.flatMap((d) =>
      (d.sections.canvasApps.status === 'ok' ? d.sections.canvasApps.data : []).map((a) => ({
        env: d.environmentId,
        id: a.id,
        principals: (a.sharing?.users ?? 0) + (a.sharing?.groups ?? 0),
        time: Date.parse(a.lastModifiedTime ?? ''),
      })),
    );
    const byRef = (x: { env: string; id: string }, y: { env: string; id: string }): number => (x.env < y.env ? -1 : x.env > y.env ? 1 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
    const widest = all.filter((r) => r.principals > 0).sort((x, y) => y.principals - x.principals || byRef(x, y)).slice(0, 10);
    const oldest = [...all].sort((x, y) => x.time - y.time || byRef(x, y)).slice(0, 10);
    for (const order of [docs, [...docs].reverse(), [...docs.slice(13), ...docs.slice(0, 13)]]) {
      const fact = deriveInventory(order, null, OPTIONS);
      expect(fact.sharedWith.widest.map((r) => [r.environmentId, r.id, r.principals])).toEqual(widest.map((r) => [r.env, r.id, r.principals]));
      expect(fact.lastModified.oldest.map((r) => [r.environmentId, r.id])).toEqual(oldest.map((r) => [r.env, r.id]));
      expect(fact.sharedWith.widest[0]).toMatchObject({ kind: 'canvasApp', environmentName: widest[0]!.env.toUpperCase(), environmentType: 'Production' });
    }
  });

  it('folds Dataverse settings: auditing, firewall, CoE solutions and pipelines', () => {
    const accumulator = createInventoryAccumulator(OPTIONS);
    const base = doc('host', []);
    accumulator.add({
      ...base,
      sections: {
        ...base.sections,
        dataverse: {
          status: 'ok',
          data: {
            organization: {
              auditEnabled: true,
              userAccessAuditEnabled: true,
              readAuditEnabled: false,
              auditRetentionDays: 365,
              ipFirewallEnabled: true,
              ipFirewallAuditMode: false,
              allowedIpRanges: ['10.0.0.0/8'],
              cookieBindingEnabled: null,
              cspEnabled: true,
              cspEnabledForCanvas: null,
            },
            solutions: [{ uniqueName: 'CenterofExcellenceCoreComponents', friendlyName: null, version: '4.24', isManaged: true, installedOn: null }],
            pipelinesHost: true,
            pipelines: [
              {
                id: 'p',
                name: 'Release',
                stages: [
                  { id: 's1', name: 'Test', pipelineId: 'p', targetEnvironmentId: 't', previousStageId: null, approvalRequired: false },
                  { id: 's2', name: 'Prod', pipelineId: 'p', targetEnvironmentId: 'x', previousStageId: 's1', approvalRequired: true },
                ],
              },
            ],
            successfulRunsLast90Days: 12,
          },
        },
      },
    });
    const { dataverse } = accumulator.result();
    expect(dataverse).toMatchObject({ environments: 1, auditEnabled: 1, ipFirewallEnabled: 1, cspEnabled: 1, pipelines: 1, multiStagePipelines: 1, approvalGatedPipelines: 1, successfulRunsLast90Days: 12 });
    expect(dataverse.solutions['CenterofExcellenceCoreComponents']).toEqual([{ id: 'host', displayName: 'HOST' }]);
  });
});
