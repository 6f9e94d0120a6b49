/** A scan's status says whether collection worked, not how the tenant is doing. */
import { describe, expect, it } from 'vitest';
import { OWNER_LOOKUPS_OFF_REASON } from '../../src/collectors/inventory/inventory.collector.js';
import { POWER_PAGES_REFUSAL } from '../../src/collectors/inventory/power-pages-sites.collector.js';
import { INVENTORY_SECTIONS, type InventoryEvidence, type SectionSummary } from '../../src/evidence/inventory.schemas.js';
import type { EvidenceItem } from '../../src/evidence/snapshot.js';
import { inventoryGaps } from '../../src/scheduler/collection-gaps.js';
import { scanStatus } from '../../src/scheduler/run-scan.js';

const at = '2026-11-27T02:00:00Z';
const ok = (key: EvidenceItem['key']): EvidenceItem => ({ key, status: 'ok', collectedAt: at });
const refused = (key: EvidenceItem['key'], errorCode: string): EvidenceItem => ({ key, status: 'unavailable', errorCode, reason: 'r', collectedAt: at });
const failed = (key: EvidenceItem['key']): EvidenceItem => ({ key, status: 'error', errorCode: 'PPMAT_E_HTTP_STATUS', reason: 'r', collectedAt: at });

const read: SectionSummary = { ok: 3, unavailable: 0, error: 0, notApplicable: 1, reasons: [] };
/** Collected inventory evidence: every section read, unless `sections` or `owners` say otherwise. */
function inventory(sections: Partial<InventoryEvidence['sections']> = {}, owners: Partial<InventoryEvidence['owners']> = {}): EvidenceItem {
  const data: InventoryEvidence = {
    environments: [],
    sections: { ...(Object.fromEntries(INVENTORY_SECTIONS.map((s) => [s, read])) as InventoryEvidence['sections']), ...sections },
    owners: { total: 4, deleted: 0, disabled: 0, unknown: 0, reason: null, ...owners },
  };
  return { key: 'inventory', status: 'ok', data, collectedAt: at } as EvidenceItem;
}
/** Power Pages refuses every app-only identity: a platform limit, not a missing permission. */
const pagesRefused: SectionSummary = { ok: 0, unavailable: 3, error: 0, notApplicable: 1, reasons: [{ environmentId: 'e1', status: 'unavailable', reason: POWER_PAGES_REFUSAL }] };
const unreadSection: SectionSummary = { ok: 1, unavailable: 2, error: 0, notApplicable: 1, reasons: [{ environmentId: 'e1', status: 'unavailable', reason: 'GET /bots answered 403.' }] };

describe('scanStatus', () => {
  it.each([
    ['everything collected', [ok('environments'), ok('dlpPolicies')], 'succeeded'],
    ['a prerequisite the tenant lacks (Advisor without managed environments)', [ok('environments'), refused('advisorRecommendations', 'PPMAT_E_PREREQUISITE_MISSING')], 'succeeded'],
    ['a refused permission', [ok('environments'), refused('conditionalAccess', 'PPMAT_E_HTTP_FORBIDDEN')], 'partial'],
    ['a failed collection', [ok('environments'), failed('dlpPolicies')], 'partial'],
    ['nothing collected', [failed('environments'), refused('conditionalAccess', 'PPMAT_E_HTTP_FORBIDDEN')], 'failed'],
    ['the whole inventory read', [ok('environments'), inventory()], 'succeeded'],
    ['an inventory section unread in some environments', [ok('environments'), inventory({ agents: unreadSection })], 'partial'],
    ['owners that could not be looked up', [ok('environments'), inventory({}, { unknown: 4, reason: 'POST /$batch answered 403.' })], 'partial'],
    ['Power Pages refusing the app-only identity (no permission can change it)', [ok('environments'), inventory({ powerPagesSites: pagesRefused })], 'succeeded'],
    ['Power Pages refusing some environments and failing others', [ok('environments'), inventory({ powerPagesSites: { ...pagesRefused, unavailable: 2, error: 1 } })], 'partial'],
    ['owner lookups turned off by the configuration', [ok('environments'), inventory({}, { unknown: 4, reason: OWNER_LOOKUPS_OFF_REASON })], 'succeeded'],
  ] as const)('%s → %s', (_name, evidence, expected) => {
    expect(scanStatus(evidence)).toBe(expected);
  });
});

describe('inventoryGaps', () => {
  it('says which section, in how many environments, and why', () => {
    expect(inventoryGaps([inventory({ agents: unreadSection }, { unknown: 1, reason: 'POST /$batch answered 500.' })])).toEqual([
      'inventory.agents: 2 of 3 environments could not be read (GET /bots answered 403.)',
      'inventory.owners: 1 of 4 owners could not be looked up (POST /$batch answered 500.)',
    ]);
  });
});
