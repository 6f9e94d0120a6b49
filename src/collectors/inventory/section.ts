/**
 * The contract of a per-environment inventory section collector (canvas apps, flows,
 * connectors, model-driven apps, agents, Power Pages sites, Dataverse settings).
 *
 * Like every collector it does I/O only: it lists what one environment holds, maps and
 * validates it, and returns it, or throws a CollectionError. The inventory runner calls it
 * once per environment, stores the result at once and forgets it.
 */
import type { Logger } from 'pino';
import type { InventorySection, SectionDataByKey } from '../../evidence/inventory.schemas.js';
import type { HttpClient } from '../../http/types.js';

/** What a section collector knows about the environment it lists. */
export interface EnvironmentScope {
  /** The environment name (a GUID or `Default-{tenantId}`). */
  id: string;
  displayName: string;
  type: string;
  hasDataverse: boolean;
  /** `linkedEnvironmentMetadata.instanceApiUrl` (else `instanceUrl`), without a trailing slash; null without Dataverse. */
  dataverseUrl: string | null;
}

export interface SectionContext<K extends InventorySection = InventorySection> {
  tenantId: string;
  environment: EnvironmentScope;
  /** Scoped to the inventory run: its stats feed the inventory CollectorRun. */
  http: HttpClient;
  log: Logger;
  signal?: AbortSignal;
  /**
   * This section's data from the last scan of this environment, when it was `ok`, so
   * per-item N+1 requests (app and flow permissions) can be skipped for items that did
   * not change. Null on a first scan.
   */
  previous: SectionDataByKey[K] | null;
  /** The scan's time, for relative queries such as "runs in the last 90 days". */
  now: Date;
  /** Count one request saved by reuse (reported in the section's `reused`). */
  reused(count?: number): void;
}

export interface SectionCollector<K extends InventorySection = InventorySection> {
  key: K;
  /**
   * Why this environment cannot hold the section (e.g. "it has no Dataverse database"),
   * or null when it can: the section is then `not_applicable` without a request.
   */
  notApplicable(environment: EnvironmentScope): string | null;
  /**
   * True when a refusal (403) of this section means the whole tenant is refused, not one
   * environment (Power Pages refusing service principals): the runner then stops asking for
   * the other environments and gives them the same reason.
   */
  tenantWideRefusal: boolean;
  collect(ctx: SectionContext<K>): Promise<SectionDataByKey[K]>;
  /**
   * The absolute URLs of the first pages this section will read from the environment's
   * Dataverse: the runner reads them in advance, with the other sections', in one `$batch`.
   */
  prefetch?(environment: EnvironmentScope, now: Date): string[];
}
