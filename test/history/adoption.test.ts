/** Adoption counts: environments by type from the environment list, the rest from the inventory fact; null when not collected. */
import { describe, expect, it } from 'vitest';
import type { EvidenceSnapshot } from '../../src/evidence/snapshot.js';
import { deriveInventory } from '../../src/facts/inventory.fact.js';
import { adoptionOf } from '../../src/history/adoption.js';

const env = (id: string, type: string) => ({ id, type }) as never;
const snapshot = (environments: 'ok' | 'error', inventory: 'ok' | 'error'): EvidenceSnapshot =>
  ({
    tenantId: 't',
    collectedAt: '2026-11-27T02:00:00Z',
    evidence: {
      environments: environments === 'ok'
        ? { key: 'environments', status: 'ok', collectedAt: '', data: { environments: [env('a', 'Production'), env('b', 'Sandbox'), env('c', 'Production'), env('d', 'Default')] } }
        : { key: 'environments', status: 'error', collectedAt: '', reason: 'network error' },
      inventory: inventory === 'ok' ? { key: 'inventory', status: 'ok', collectedAt: '', data: {} } : { key: 'inventory', status: 'error', collectedAt: '', reason: '500' },
    },
  }) as unknown as EvidenceSnapshot;

describe('adoptionOf', () => {
  const fact = deriveInventory([], null, { now: new Date('2026-11-27T02:00:00Z') });

  it('counts environments by type and takes the inventory totals', () => {
    expect(adoptionOf(snapshot('ok', 'ok'), { ...fact, makers: 7, totals: { ...fact.totals, canvasApps: 12, cloudFlows: 30, agents: 2 } })).toEqual({
      environments: { total: 4, byType: { Default: 1, Production: 2, Sandbox: 1 } },
      makers: 7,
      canvasApps: 12,
      cloudFlows: 30,
      modelDrivenApps: 0,
      agents: 2,
      customConnectors: 0,
      powerPagesSites: 0,
      sharedWithEveryone: null,
    });
  });

  it('says null, not zero, for what was not collected', () => {
    expect(adoptionOf(snapshot('error', 'error'), fact)).toEqual({
      environments: null,
      makers: null,
      canvasApps: null,
      cloudFlows: null,
      modelDrivenApps: null,
      agents: null,
      customConnectors: null,
      powerPagesSites: null,
      sharedWithEveryone: null,
    });
  });
});
