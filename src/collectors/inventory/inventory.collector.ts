/**
 * The inventory: every environment's apps, flows, connectors, model-driven apps, agents,
 * Power Pages sites and Dataverse settings, then the owners of it all looked up in Entra ID.
 *
 * Scale is the point (the CoE Starter Kit takes days on 10,000 apps):
 * - environments are listed a few at a time and each one's document is stored at once
 *   (`inventory:{envId}`) and dropped, so memory holds one window of environments;
 * - the last scan's document of each environment is read back so unchanged apps and flows
 *   need no permission request, and owners looked up recently need no directory request;
 * - a refusal that covers the whole tenant (Power Pages refusing service principals) is
 *   asked once, not 10,000 times.
 * The returned `inventory` evidence is the index: per environment its counts and the hash of
 * its document, per section how it went, and how the owner lookups went.
 */
import type { GraphClient } from '../../http/graph-client.js';
import {
  INVENTORY_SECTIONS,
  OWNERS_PARTITION_KEY,
  inventoryPartitionKey,
  ownerDirectorySchema,
  type EnvironmentInventory,
  type InventoryEvidence,
  type InventorySection,
  type OwnerStatus,
  type SectionResult,
  type SectionSummary,
} from '../../evidence/inventory.schemas.js';
import type { Environment } from '../../evidence/schemas.js';
import { resolveDirectoryObjects, type DirectoryObjectStatus } from '../directory-objects.js';
import { CollectionError, type Collector, type CollectorContext } from '../types.js';
import { mapWithConcurrency } from '../concurrency.js';
import { prefetchDataverse } from './dataverse-batch.js';
import type { EnvironmentScope, SectionCollector } from './section.js';
import type { AnySectionCollector } from './sections.js';

export const DEFAULT_ENVIRONMENT_CONCURRENCY = 8;
/** Owners found existing are looked up again after this many days; deleted ones stay deleted. */
export const DEFAULT_OWNER_RECHECK_DAYS = 7;
/**
 * Environments whose last documents are read back in one query: the window of the tenant
 * held in memory (with the environments in flight), so it stays small.
 */
const WINDOW = 16;
const MAX_REASONS = 3;
/**
 * Sections whose owner ids are Entra ID object ids, so they can be looked up. An agent's
 * owner (`_ownerid_value`) is a Dataverse user or team row, not a directory object.
 */
export const OWNED_SECTIONS: ReadonlySet<InventorySection> = new Set(['canvasApps', 'cloudFlows', 'customConnectors']);

export type OwnerLookup = (graph: GraphClient, ids: Iterable<string>, options: { signal?: AbortSignal; onBatch?: (done: number) => void }) => Promise<Map<string, DirectoryObjectStatus>>;

export interface InventoryCollectorOptions {
  sections: readonly SectionCollector[] | readonly AnySectionCollector[];
  environmentConcurrency?: number;
  ownerRecheckDays?: number;
  /** False skips the Entra ID owner lookups (orphans are then unknown). */
  lookUpOwners?: boolean;
  lookup?: OwnerLookup;
}

/** Creates the inventory collector over the given section collectors. */
export function createInventoryCollector(options: InventoryCollectorOptions): Collector<'inventory'> {
  const concurrency = Math.max(1, options.environmentConcurrency ?? DEFAULT_ENVIRONMENT_CONCURRENCY);
  const recheckMs = (options.ownerRecheckDays ?? DEFAULT_OWNER_RECHECK_DAYS) * 86_400_000;
  const lookup = options.lookup ?? resolveDirectoryObjects;
  return {
    key: 'inventory',
    async collect(ctx): Promise<InventoryEvidence> {
      const { partitions, upstream } = ctx;
      if (!partitions || !upstream) throw new CollectionError('error', 'PPMAT_E_SCAN_FAILED', 'the inventory needs a partition store and the environments of the scan.');
      const now = ctx.now ?? new Date();
      const { environments } = await upstream('environments');
      const summaries = Object.fromEntries(
        INVENTORY_SECTIONS.map((s): [InventorySection, SectionSummary] => [s, { ok: 0, unavailable: 0, error: 0, notApplicable: 0, reasons: [] }]),
      ) as Record<InventorySection, SectionSummary>;
      const reused = Object.fromEntries(INVENTORY_SECTIONS.map((s) => [s, 0])) as Record<InventorySection, number>;
      const refusedTenantWide = new Map<InventorySection, { reason: string; errorCode?: string }>();
      const ownerIds = new Set<string>();
      const index: InventoryEvidence['environments'] = [];
      let done = 0;

      const collectEnvironment = async (environment: Environment, previous: EnvironmentInventory | null): Promise<void> => {
        const scope = scopeOf(environment);
        const sections = {} as Record<InventorySection, SectionResult>;
        const http = await prefetched(ctx, options.sections as readonly SectionCollector[], scope, now, refusedTenantWide);
        for (const section of options.sections as readonly SectionCollector[]) {
          const outcome = await collectSection({ ...ctx, http }, section, scope, previous, now, refusedTenantWide);
          sections[section.key] = outcome.result;
          reused[section.key] += outcome.reused;
        }
        const doc: EnvironmentInventory = { environmentId: scope.id, displayName: scope.displayName, type: scope.type, sections: sections as EnvironmentInventory['sections'] };
        const hash = await partitions.put(inventoryPartitionKey(scope.id), doc);
        const counts = {} as InventoryEvidence['environments'][number]['counts'];
        for (const key of INVENTORY_SECTIONS) {
          const result = sections[key];
          summarize(summaries[key], scope.id, result);
          counts[key] = result.status !== 'ok' ? null : Array.isArray(result.data) ? result.data.length : 1;
          if (result.status === 'ok' && OWNED_SECTIONS.has(key) && Array.isArray(result.data)) {
            for (const item of result.data as { owner?: { id: string | null } }[]) if (item.owner?.id) ownerIds.add(item.owner.id.toLowerCase());
          }
        }
        index.push({ id: scope.id, displayName: scope.displayName, type: scope.type, counts, hash });
        done += 1;
        ctx.onProgress?.({ collector: 'inventory', pages: done, requests: ctx.http.stats.requests });
      };

      for (let start = 0; start < environments.length; start += WINDOW) {
        ctx.signal?.throwIfAborted();
        const window = environments.slice(start, start + WINDOW);
        const previous = await partitions.previous(window.map((e) => inventoryPartitionKey(e.id)));
        await mapWithConcurrency(window, concurrency, (environment) =>
          collectEnvironment(environment, (previous.get(inventoryPartitionKey(environment.id)) as EnvironmentInventory | undefined) ?? null),
        );
      }
      index.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const owners = options.lookUpOwners === false ? skippedOwners(ownerIds) : await lookUpOwners(ctx, partitions, ownerIds, now, recheckMs, lookup);
      ctx.log.info(
        { environments: index.length, reusedRequests: reused, ownersLooked: owners.looked, ownersReused: owners.reused, requests: ctx.http.stats.requests },
        'inventory collected',
      );
      return { environments: index, sections: summaries, owners: owners.summary };
    },
  };
}

/**
 * The client the sections of one environment read through: with the first pages of their
 * Dataverse tables read in advance in one `$batch` (see dataverse-batch.ts).
 */
async function prefetched(
  ctx: CollectorContext,
  sections: readonly SectionCollector[],
  environment: EnvironmentScope,
  now: Date,
  refusedTenantWide: ReadonlyMap<InventorySection, unknown>,
): Promise<CollectorContext['http']> {
  if (!environment.dataverseUrl || !ctx.http.withPrefetched) return ctx.http;
  const urls = sections.filter((s) => s.prefetch && s.notApplicable(environment) === null && !refusedTenantWide.has(s.key)).flatMap((s) => s.prefetch?.(environment, now) ?? []);
  const answers = await prefetchDataverse(ctx.http, environment.dataverseUrl, urls, ctx.signal);
  return answers.size > 0 ? ctx.http.withPrefetched(answers) : ctx.http;
}

function scopeOf(environment: Environment): EnvironmentScope {
  return {
    id: environment.id,
    displayName: environment.displayName,
    type: environment.type,
    hasDataverse: environment.hasDataverse,
    dataverseUrl: environment.dataverseUrl,
  };
}

async function collectSection(
  ctx: CollectorContext,
  section: SectionCollector,
  environment: EnvironmentScope,
  previous: EnvironmentInventory | null,
  now: Date,
  refusedTenantWide: Map<InventorySection, { reason: string; errorCode?: string }>,
): Promise<{ result: SectionResult; reused: number }> {
  const notApplicable = section.notApplicable(environment);
  if (notApplicable !== null) return { result: { status: 'not_applicable', reason: notApplicable }, reused: 0 };
  const refused = refusedTenantWide.get(section.key);
  if (refused) return { result: { status: 'unavailable', ...refused }, reused: 0 };
  const last = previous?.sections[section.key];
  let reused = 0;
  try {
    const data = await section.collect({
      tenantId: ctx.tenantId,
      environment,
      http: ctx.http,
      log: ctx.log,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      previous: last?.status === 'ok' ? (last.data as never) : null,
      now,
      reused: (count = 1) => {
        reused += count;
      },
    });
    return { result: { status: 'ok', data }, reused };
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    if (!(error instanceof CollectionError)) throw error;
    const failure = { reason: error.message, errorCode: error.code };
    if (error.status === 'unavailable' && section.tenantWideRefusal) refusedTenantWide.set(section.key, failure);
    ctx.log.debug({ environment: environment.id, section: section.key, code: error.code }, 'inventory section not collected');
    return { result: { status: error.status, ...failure }, reused };
  }
}

function summarize(summary: SectionSummary, environmentId: string, result: SectionResult): void {
  if (result.status === 'ok') {
    summary.ok += 1;
    return;
  }
  if (result.status === 'not_applicable') {
    summary.notApplicable += 1;
    return;
  }
  summary[result.status] += 1;
  if (summary.reasons.length < MAX_REASONS && !summary.reasons.some((r) => r.reason === result.reason)) {
    summary.reasons.push({ environmentId, status: result.status, reason: result.reason });
  }
}

interface OwnerLookups {
  summary: InventoryEvidence['owners'];
  looked: number;
  reused: number;
}

/** The owners' reason when the configuration turned the lookups off: a choice, not a failed collection. */
export const OWNER_LOOKUPS_OFF_REASON = 'owner lookups are turned off (inventory.lookUpOwners: false)';

function skippedOwners(ids: Set<string>): OwnerLookups {
  return { summary: { total: ids.size, deleted: 0, disabled: 0, unknown: ids.size, reason: OWNER_LOOKUPS_OFF_REASON }, looked: 0, reused: 0 };
}

/**
 * Looks the owners up in Entra ID, reusing the last scan's answers: a deleted owner stays
 * deleted, an existing one is asked again once its answer is `recheckMs` old. Stores the
 * directory as its own document, which the orphan fact reads.
 */
async function lookUpOwners(
  ctx: CollectorContext,
  partitions: NonNullable<CollectorContext['partitions']>,
  ids: Set<string>,
  now: Date,
  recheckMs: number,
  lookup: OwnerLookup,
): Promise<OwnerLookups> {
  const previousDoc = (await partitions.previous([OWNERS_PARTITION_KEY])).get(OWNERS_PARTITION_KEY);
  const parsed = ownerDirectorySchema.safeParse(previousDoc);
  const known = new Map<string, OwnerStatus>();
  if (parsed.success) {
    for (const owner of parsed.data.owners) {
      const age = now.getTime() - Date.parse(owner.checkedAt);
      if (owner.status === 'deleted' || (owner.status === 'exists' && age < recheckMs)) known.set(owner.id, owner);
    }
  }
  const toLook = [...ids].filter((id) => !known.has(id));
  const owners: OwnerStatus[] = [];
  let reason: string | null = null;
  let reused = 0;
  for (const id of ids) {
    const hit = known.get(id);
    if (hit) {
      owners.push(hit);
      reused += 1;
    }
  }
  if (toLook.length > 0) {
    const checkedAt = now.toISOString();
    let answers: Map<string, DirectoryObjectStatus>;
    try {
      answers = await lookup(ctx.graph, toLook, { ...(ctx.signal ? { signal: ctx.signal } : {}) });
    } catch (error) {
      if (ctx.signal?.aborted || !(error instanceof CollectionError)) throw error;
      answers = new Map(toLook.map((id) => [id, { status: 'unknown', reason: error.message }]));
    }
    for (const id of toLook) {
      const answer = answers.get(id) ?? { status: 'unknown' as const, reason: 'the directory gave no answer for this id' };
      if (answer.status === 'unknown') {
        reason ??= answer.reason;
        owners.push({ id, status: 'unknown', accountEnabled: null, checkedAt, reason: answer.reason });
      } else {
        owners.push({ id, status: answer.status, accountEnabled: answer.status === 'exists' ? answer.accountEnabled : null, checkedAt });
      }
    }
  }
  owners.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  await partitions.put(OWNERS_PARTITION_KEY, { owners });
  return {
    summary: {
      total: ids.size,
      deleted: owners.filter((o) => o.status === 'deleted').length,
      disabled: owners.filter((o) => o.status === 'exists' && o.accountEnabled === false).length,
      unknown: owners.filter((o) => o.status === 'unknown').length,
      reason,
    },
    looked: toLook.length,
    reused,
  };
}
