/**
 * What every per-family differ shares: the shape of a differ and small helpers to word
 * changes. Each differ is pure and sees only families that were collected (`ok`) in both
 * scans: a failed collection is unknown, never a change.
 */
import type { EvidenceDataByKey, EvidenceKey } from '../../evidence/schemas.js';
import type { EvidenceChange } from '../evidence-change.js';

/** The `ok` data of the families a differ needs, in the scan before and the scan after. */
export interface FamilyPair<K extends EvidenceKey> {
  before: Pick<EvidenceDataByKey, K>;
  after: Pick<EvidenceDataByKey, K>;
  tenantId: string;
}

/** A change as a differ builds it (the family is the differ's own). */
export type Change = Omit<EvidenceChange, 'family'>;

/** Severity of a change whose subject matters this much; the direction says which way it went. */
export type ChangeSeverity = EvidenceChange['severity'];

/** `'name'`, quoted as labels name resources. */
export const quoted = (name: string): string => `'${name}'`;

/** `1 environment`, `3 environments`. */
export const count = (n: number, singular: string, plural = `${singular}s`): string => `${n} ${n === 1 ? singular : plural}`;

/** Values compared with `<`, for a stable order of resources by name and then id. */
export function byNameThenId<T extends { id: string }>(name: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => compareText(name(a), name(b)) || compareText(a.id, b.id);
}

/** Plain code-unit comparison: the same order on every machine and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Items keyed by `id` (lower-cased, as the admin APIs compare names case-insensitively). */
export function indexById<T>(items: readonly T[], id: (item: T) => string): Map<string, T> {
  return new Map(items.map((item) => [id(item).toLowerCase(), item]));
}
