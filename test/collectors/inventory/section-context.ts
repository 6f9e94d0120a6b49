/** Rig for section collector tests: the shared collector rig's HTTP client (nock, virtual time) in a SectionContext. */
import { readFileSync } from 'node:fs';
import type { EnvironmentScope, SectionContext } from '../../../src/collectors/inventory/section.js';
import type { InventorySection, SectionDataByKey } from '../../../src/evidence/inventory.schemas.js';
import { collectorContext, TENANT_ID } from '../collector-context.js';

export const POWER_APPS = 'https://api.powerapps.com';
export const FLOW = 'https://api.flow.microsoft.com';
export const POWER_PLATFORM = 'https://api.powerplatform.com';
export const DATAVERSE = 'https://contoso.api.crm.dynamics.com';
export const ENV_ID = '4e1d5c3b-2a19-4f08-b7e6-d5c4b3a29180';
/** The scan's time: 2025-05-10, so the pipelines run window starts 2025-02-09. */
export const NOW = new Date('2025-05-10T06:00:00.000Z');

export const ENVIRONMENT: EnvironmentScope = { id: ENV_ID, displayName: 'Contoso Dev', type: 'Sandbox', hasDataverse: true, dataverseUrl: DATAVERSE };
export const NO_DATAVERSE: EnvironmentScope = { id: 'b5a4c3d2-0000-4000-8000-000000000001', displayName: 'Teams Sandbox', type: 'Developer', hasDataverse: false, dataverseUrl: null };

/** A recorded inventory payload (test/fixtures/api/inventory). */
export function inventoryFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../fixtures/api/inventory/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

export interface SectionRig<K extends InventorySection> {
  ctx: SectionContext<K>;
  /** Every wait of the client (Retry-After, backoff), in ms. */
  sleeps: number[];
  /** Requests counted as saved by reuse. */
  reused(): number;
}

export function sectionContext<K extends InventorySection>(options: { previous?: SectionDataByKey[K] | null; environment?: EnvironmentScope } = {}): SectionRig<K> {
  const { ctx: base, sleeps } = collectorContext();
  let reused = 0;
  const ctx: SectionContext<K> = {
    tenantId: TENANT_ID,
    environment: options.environment ?? ENVIRONMENT,
    http: base.http,
    log: base.log,
    previous: options.previous ?? null,
    now: NOW,
    reused: (count = 1) => {
      reused += count;
    },
  };
  return { ctx, sleeps, reused: () => reused };
}
