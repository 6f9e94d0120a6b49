/**
 * What a scan could not collect, in one line each: evidence families that failed or were
 * refused, and inside the inventory (whose evidence is collected even when parts of it are
 * not) the sections some environments could not be read for and the owners that could not be
 * looked up. Any gap makes the scan `partial`: the statements that depend on it are unknown.
 * Evidence that the tenant's own posture makes unavailable (TENANT_POSTURE_CODES) is an
 * answer about the tenant, not a gap; nor is a section an API refuses to every app-only
 * identity (PLATFORM_REFUSALS: Power Pages lists sites only to users): no permission can fill
 * it, so counting it would make every nightly scan partial and raise "scans are degraded"
 * alerts nobody can clear. Its statements stay unknown, with the reason.
 */
import { OWNER_LOOKUPS_OFF_REASON } from '../collectors/inventory/inventory.collector.js';
import { POWER_PAGES_REFUSAL } from '../collectors/inventory/power-pages-sites.collector.js';
import { TENANT_POSTURE_CODES } from '../errors/catalogue.js';
import { INVENTORY_SECTIONS, type InventoryEvidence } from '../evidence/inventory.schemas.js';
import type { EvidenceItem } from '../evidence/snapshot.js';

/** Reasons a section is unavailable that no configuration can change (see the module comment). */
export const PLATFORM_REFUSALS: ReadonlySet<string> = new Set([POWER_PAGES_REFUSAL]);

/** `key: reason` per gap, in evidence order then section order. */
export function collectionGaps(evidence: readonly EvidenceItem[]): string[] {
  const failed = evidence.filter((item) => item.status !== 'ok' && !TENANT_POSTURE_CODES.has(item.errorCode ?? ''));
  return [...failed.map((item) => `${item.key}: ${item.reason ?? item.status}`), ...inventoryGaps(evidence)];
}

/** The gaps inside collected inventory evidence: sections not read for some environments, owners not looked up. */
export function inventoryGaps(evidence: readonly EvidenceItem[]): string[] {
  const item = evidence.find((e) => e.key === 'inventory');
  if (item?.status !== 'ok' || item.data === undefined) return [];
  const inventory = item.data as InventoryEvidence;
  const gaps: string[] = [];
  for (const section of INVENTORY_SECTIONS) {
    const summary = inventory.sections[section];
    const unread = summary.unavailable + summary.error;
    if (unread === 0) continue;
    const platformRefusal = summary.error === 0 && summary.reasons.length > 0 && summary.reasons.every((r) => PLATFORM_REFUSALS.has(r.reason));
    if (platformRefusal) continue;
    const why = summary.reasons[0]?.reason;
    gaps.push(`inventory.${section}: ${unread} of ${unread + summary.ok} environments could not be read${why ? ` (${why})` : ''}`);
  }
  const { owners } = inventory;
  if (owners.unknown > 0 && owners.reason !== OWNER_LOOKUPS_OFF_REASON) {
    gaps.push(`inventory.owners: ${owners.unknown} of ${owners.total} owners could not be looked up${owners.reason ? ` (${owners.reason})` : ''}`);
  }
  return gaps;
}
