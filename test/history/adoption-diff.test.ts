/** diffAdoption: count changes are neutral information; apps and flows newly shared with Everyone weaken posture. */
import { describe, expect, it } from 'vitest';
import type { Adoption } from '../../src/history/adoption.js';
import { diffAdoption } from '../../src/history/evidence-diff.js';

const adoption = (overrides: Partial<Adoption> = {}): Adoption => ({
  environments: { total: 3, byType: { Default: 1, Production: 2 } },
  makers: 10,
  canvasApps: 40,
  cloudFlows: 60,
  modelDrivenApps: 5,
  agents: 2,
  customConnectors: 1,
  powerPagesSites: 0,
  sharedWithEveryone: 3,
  ...overrides,
});

describe('diffAdoption', () => {
  it('says nothing when a scan has no adoption counts, or nothing changed', () => {
    expect(diffAdoption(null, adoption())).toEqual([]);
    expect(diffAdoption(adoption(), null)).toEqual([]);
    expect(diffAdoption(adoption(), adoption())).toEqual([]);
  });

  it('gives each changed count as a neutral change with both values', () => {
    const after = adoption({ environments: { total: 4, byType: { Default: 1, Production: 2, Sandbox: 1 } }, canvasApps: 35, agents: 5 });
    expect(diffAdoption(adoption(), after).map((c) => [c.key, c.family, c.severity, c.direction, c.label])).toEqual([
      ['environments:count', 'environments', 'info', 'neutral', 'Environments: 3 → 4 (+1).'],
      ['environments:count:Sandbox', 'environments', 'info', 'neutral', 'Sandbox environments: 0 → 1 (+1).'],
      ['inventory:count:canvasApps', 'inventory', 'info', 'neutral', 'Canvas apps: 40 → 35 (-5).'],
      ['inventory:count:agents', 'inventory', 'info', 'neutral', 'Agents: 2 → 5 (+3).'],
    ]);
  });

  it('says how many apps and flows became shared with Everyone (weaker), or stopped being (stronger)', () => {
    expect(diffAdoption(adoption(), adoption({ sharedWithEveryone: 15 }))).toEqual([
      {
        key: 'inventory:sharedWithEveryone:rose',
        family: 'inventory',
        severity: 'warning',
        direction: 'weaker',
        label: '12 apps and flows became shared with Everyone (3 → 15).',
        before: '3',
        after: '15',
      },
    ]);
    expect(diffAdoption(adoption(), adoption({ sharedWithEveryone: 2 })).map((c) => [c.key, c.direction, c.label])).toEqual([
      ['inventory:sharedWithEveryone:fell', 'stronger', '1 app or flow is no longer shared with Everyone (3 → 2).'],
    ]);
  });

  it('skips a count that one scan did not collect', () => {
    expect(diffAdoption(adoption({ makers: null, sharedWithEveryone: null }), adoption({ makers: 20, sharedWithEveryone: 30 }))).toEqual([]);
  });
});
