/**
 * Adoption counts of one scan: environments by type, makers, apps, flows, agents. The model
 * reminds that adoption is more than usage, but usage still matters, and a trend of these
 * counts shows whether the platform grows. Pure: from the snapshot and the inventory fact.
 */
import type { EvidenceSnapshot } from '../evidence/snapshot.js';
import type { InventoryFact } from '../facts/inventory.fact.js';

export interface Adoption {
  /** Null when the environment list was not collected. */
  environments: { total: number; byType: Record<string, number> } | null;
  /** The rest are null when the inventory was not collected; counts cover the environments whose section was read. */
  makers: number | null;
  canvasApps: number | null;
  cloudFlows: number | null;
  modelDrivenApps: number | null;
  agents: number | null;
  customConnectors: number | null;
  powerPagesSites: number | null;
  /** Apps and flows shared with Everyone: not adoption, but the count a regression names ("12 apps became shared with everyone"). */
  sharedWithEveryone: number | null;
}

export function adoptionOf(snapshot: EvidenceSnapshot, inventory: InventoryFact | null): Adoption {
  const environments = snapshot.evidence.environments;
  let envCounts: Adoption['environments'] = null;
  if (environments?.status === 'ok' && environments.data) {
    const byType: Record<string, number> = {};
    for (const env of environments.data.environments) byType[env.type] = (byType[env.type] ?? 0) + 1;
    envCounts = { total: environments.data.environments.length, byType: Object.fromEntries(Object.entries(byType).sort(([a], [b]) => (a < b ? -1 : 1))) };
  }
  const collected = snapshot.evidence.inventory?.status === 'ok' && inventory !== null;
  const count = (value: number | undefined): number | null => (collected && value !== undefined ? value : null);
  return {
    environments: envCounts,
    makers: count(inventory?.makers),
    canvasApps: count(inventory?.totals.canvasApps),
    cloudFlows: count(inventory?.totals.cloudFlows),
    modelDrivenApps: count(inventory?.totals.modelDrivenApps),
    agents: count(inventory?.totals.agents),
    customConnectors: count(inventory?.totals.customConnectors),
    powerPagesSites: count(inventory?.totals.powerPagesSites),
    sharedWithEveryone: collected && inventory && inventory.sharingRead > 0 ? inventory.sharedWithEveryone.count : null,
  };
}
