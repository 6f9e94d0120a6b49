/**
 * Adoption counts between two scans (src/history/adoption.ts): growth or shrinkage of
 * environments, makers, apps, flows and agents, as neutral facts; and apps and flows newly
 * shared with Everyone, which weakens posture. A count missing from either scan (not
 * collected) gives no change.
 */
import type { Adoption } from './adoption.js';
import type { EvidenceChange } from './evidence-change.js';

type CountField = Exclude<keyof Adoption, 'environments' | 'sharedWithEveryone'>;

const INVENTORY_COUNTS: readonly [CountField, string][] = [
  ['makers', 'Makers'],
  ['canvasApps', 'Canvas apps'],
  ['cloudFlows', 'Cloud flows'],
  ['modelDrivenApps', 'Model-driven apps'],
  ['agents', 'Agents'],
  ['customConnectors', 'Custom connectors'],
  ['powerPagesSites', 'Power Pages sites'],
];

export function diffAdoption(before: Adoption | null, after: Adoption | null): EvidenceChange[] {
  if (!before || !after) return [];
  return [...environmentCounts(before, after), ...inventoryCounts(before, after), ...sharedWithEveryone(before, after)];
}

function countChange(key: string, family: EvidenceChange['family'], what: string, was: number, now: number): EvidenceChange {
  const delta = now - was;
  return {
    key,
    family,
    severity: 'info',
    direction: 'neutral',
    label: `${what}: ${was} → ${now} (${delta > 0 ? '+' : ''}${delta}).`,
    before: String(was),
    after: String(now),
  };
}

function environmentCounts(before: Adoption, after: Adoption): EvidenceChange[] {
  if (!before.environments || !after.environments) return [];
  const changes: EvidenceChange[] = [];
  if (before.environments.total !== after.environments.total) {
    changes.push(countChange('environments:count', 'environments', 'Environments', before.environments.total, after.environments.total));
  }
  const types = [...new Set([...Object.keys(before.environments.byType), ...Object.keys(after.environments.byType)])].sort();
  for (const type of types) {
    const was = before.environments.byType[type] ?? 0;
    const now = after.environments.byType[type] ?? 0;
    if (was !== now) changes.push(countChange(`environments:count:${type}`, 'environments', `${type} environments`, was, now));
  }
  return changes;
}

function inventoryCounts(before: Adoption, after: Adoption): EvidenceChange[] {
  return INVENTORY_COUNTS.flatMap(([field, what]) => {
    const was = before[field];
    const now = after[field];
    return was === null || now === null || was === now ? [] : [countChange(`inventory:count:${field}`, 'inventory', what, was, now)];
  });
}

function sharedWithEveryone(before: Adoption, after: Adoption): EvidenceChange[] {
  const was = before.sharedWithEveryone;
  const now = after.sharedWithEveryone;
  if (was === null || now === null || was === now) return [];
  const delta = Math.abs(now - was);
  const items = delta === 1 ? 'app or flow' : 'apps and flows';
  return [
    now > was
      ? {
          key: 'inventory:sharedWithEveryone:rose',
          family: 'inventory',
          severity: 'warning',
          direction: 'weaker',
          label: `${delta} ${items} became shared with Everyone (${was} → ${now}).`,
          before: String(was),
          after: String(now),
        }
      : {
          key: 'inventory:sharedWithEveryone:fell',
          family: 'inventory',
          severity: 'warning',
          direction: 'stronger',
          label: `${delta} ${items} ${delta === 1 ? 'is' : 'are'} no longer shared with Everyone (${was} → ${now}).`,
          before: String(was),
          after: String(now),
        },
  ];
}
