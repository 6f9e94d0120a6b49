/**
 * What the inventory says about hygiene: resources shared with Everyone, how widely the rest
 * are shared and how long since each last changed (as histograms, so "overshared" and
 * "unused" are thresholds a check declares as parameters and an organization overrides),
 * orphaned (owner deleted or disabled in Entra ID), the number of makers, plus Dataverse
 * posture (auditing, IP firewall, CSP), installed CoE solutions, pipelines and Power Pages.
 *
 * Streaming: the fact is folded one environment document at a time, so a tenant of
 * 300,000 resources is never in memory at once; only per-owner counters and a few
 * examples are kept. Pure: the same documents (in any order) give the same fact.
 */
import type { CanvasApp, CloudFlow, EnvironmentInventory, InventorySection, OwnerStatus, PrincipalRef } from '../evidence/inventory.schemas.js';
import { INVENTORY_SECTIONS } from '../evidence/inventory.schemas.js';

export interface InventoryFactOptions {
  /** The scan's time: days since the last change are measured from it. */
  now: Date;
}

/** How many resources have a value: `countAbove(histogram, n)` in CEL sums the buckets above a threshold. */
export interface Bucket {
  value: number;
  count: number;
}

/** Examples kept per finding: enough to name resources in a message, small enough to store. */
export const MAX_EXAMPLES = 10;

export interface ResourceRef {
  kind: 'canvasApp' | 'cloudFlow' | 'customConnector' | 'agent';
  id: string;
  displayName: string;
  environmentId: string;
  environmentName: string;
  /** The environment's type (`Production`, `Sandbox`, `Default`, …), so a rule reads it without searching the environments. */
  environmentType: string;
}

export interface Finding {
  count: number;
  /** The first resources found, by environment then id. */
  examples: ResourceRef[];
}

export interface InventoryFact {
  totals: Record<InventorySection, number>;
  /** Environments whose section was read, per section. */
  environmentsRead: Record<InventorySection, number>;
  /** Environments whose section could not be read (unavailable or error), per section. */
  environmentsUnread: Record<InventorySection, number>;
  sharedWithEveryone: Finding;
  /** Apps and flows by the number of users plus groups they are shared with, and the most widely shared. */
  sharedWith: { histogram: Bucket[]; widest: (ResourceRef & { principals: number })[] };
  /** Apps and flows by whole days since their last change, the oldest, and those without a date. */
  lastModified: { histogram: Bucket[]; oldest: (ResourceRef & { days: number })[]; undated: number };
  /** Distinct owners of apps, flows and custom connectors. */
  makers: number;
  /** Null until owners were looked up (or when they could not be). */
  orphaned: (Finding & { deletedOwners: number; disabledOwners: number; unknownOwners: number }) | null;
  /** Resources whose sharing was read (apps and flows with permissions). */
  sharingRead: number;
  /** Canvas apps outside the default environment, and how many of them are solution-aware (`almMode == "Solution"`). */
  appsOutsideDefault: number;
  solutionAwareApps: number;
  /** Environments that hold at least one custom connector. */
  environmentsWithCustomConnectors: number;
  dataverse: {
    environments: number;
    auditEnabled: number;
    auditDisabled: EnvironmentName[];
    ipFirewallEnabled: number;
    /** Production environments whose Dataverse settings were read, and those of them without an enforcing IP firewall. */
    production: number;
    productionWithoutIpFirewall: EnvironmentName[];
    productionWithoutIpFirewallCount: number;
    cspEnabled: number;
    /** Environments where a known solution is installed, by unique name. */
    solutions: Record<string, EnvironmentName[]>;
    pipelinesHosts: EnvironmentName[];
    pipelines: number;
    /** Pipelines with at least two chained stages. */
    multiStagePipelines: number;
    /** Pipelines with a stage that requires a pre-deployment approval. */
    approvalGatedPipelines: number;
    successfulRunsLast90Days: number;
  };
  powerPages: { sites: number; publicSites: number };
}

export interface EnvironmentName {
  id: string;
  displayName: string;
}

interface OwnedCounter {
  count: number;
  examples: ResourceRef[];
}

export interface InventoryAccumulator {
  add(doc: EnvironmentInventory): void;
  /** The owner lookups; without them `orphaned` stays null. */
  setOwners(owners: Iterable<OwnerStatus>): void;
  result(): InventoryFact;
}

const zeroSections = (): Record<InventorySection, number> => Object.fromEntries(INVENTORY_SECTIONS.map((s) => [s, 0])) as Record<InventorySection, number>;

/** Orders resources by environment, kind, then id: field by field, without building a key string per resource. */
function compareRefs(a: ResourceRef, b: ResourceRef): number {
  if (a.environmentId !== b.environmentId) return a.environmentId < b.environmentId ? -1 : 1;
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

/**
 * Keeps the `max` smallest items by `compare`, sorted: environments arrive in any order (they
 * are collected concurrently), and the examples must not depend on it. Called once per
 * resource, so the common case (the list is full and the item is not smaller than its
 * last) returns after one comparison.
 */
function keepSmallest<T>(list: T[], item: T, compare: (a: T, b: T) => number, max: number): void {
  if (list.length >= max && compare(item, list[list.length - 1] as T) >= 0) return;
  let at = list.length;
  while (at > 0 && compare(list[at - 1] as T, item) > 0) at -= 1;
  list.splice(at, 0, item);
  if (list.length > max) list.pop();
}

/** True when `keepSmallest` would keep an item that compares to the list's last as `sign`: lets a caller skip building the item. */
const hasRoom = (list: readonly unknown[], max: number, sign: number): boolean => list.length < max || sign < 0;

function pushExample(finding: Finding, ref: ResourceRef): void {
  finding.count += 1;
  keepSmallest(finding.examples, ref, compareRefs, MAX_EXAMPLES);
}

type Widest = ResourceRef & { principals: number };
type Oldest = ResourceRef & { days: number; time: number };

/** Widest first (by principals, descending), then by resource. */
const compareWidest = (a: Widest, b: Widest): number => b.principals - a.principals || compareRefs(a, b);
/** Oldest first (by last change, ascending), then by resource. */
const compareOldest = (a: Oldest, b: Oldest): number => a.time - b.time || compareRefs(a, b);

function histogram(counts: ReadonlyMap<number, number>): Bucket[] {
  return [...counts.entries()].sort(([a], [b]) => a - b).map(([value, count]) => ({ value, count }));
}

const compareEnvs = (a: EnvironmentName, b: EnvironmentName): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const keepEnv = (list: EnvironmentName[], e: EnvironmentName): void => keepSmallest(list, e, compareEnvs, MAX_EXAMPLES);

/** Creates the streaming fold of the inventory fact. */
export function createInventoryAccumulator(options: InventoryFactOptions): InventoryAccumulator {
  const totals = zeroSections();
  const read = zeroSections();
  const unread = zeroSections();
  const everyone: Finding = { count: 0, examples: [] };
  const principalCounts = new Map<number, number>();
  const widest: Widest[] = [];
  const ages = new Map<number, number>();
  const oldest: Oldest[] = [];
  let undated = 0;
  const byOwner = new Map<string, OwnedCounter>();
  let owners: Map<string, OwnerStatus> | null = null;
  let sharingRead = 0;
  let appsOutsideDefault = 0;
  let solutionAwareApps = 0;
  let environmentsWithCustomConnectors = 0;
  const now = options.now.getTime();
  const dataverse: InventoryFact['dataverse'] = {
    environments: 0,
    auditEnabled: 0,
    auditDisabled: [],
    ipFirewallEnabled: 0,
    production: 0,
    productionWithoutIpFirewall: [],
    productionWithoutIpFirewallCount: 0,
    cspEnabled: 0,
    solutions: {},
    pipelinesHosts: [],
    pipelines: 0,
    multiStagePipelines: 0,
    approvalGatedPipelines: 0,
    successfulRunsLast90Days: 0,
  };
  const powerPages = { sites: 0, publicSites: 0 };

  const own = (owner: PrincipalRef, ref: ResourceRef): void => {
    if (!owner.id) return;
    const id = owner.id.toLowerCase();
    let counter = byOwner.get(id);
    if (!counter) {
      counter = { count: 0, examples: [] };
      byOwner.set(id, counter);
    }
    counter.count += 1;
    keepSmallest(counter.examples, ref, compareRefs, 3);
  };

  const judgeShared = (item: CanvasApp | CloudFlow, ref: ResourceRef): void => {
    if (item.sharing) {
      sharingRead += 1;
      if (item.sharing.everyone) pushExample(everyone, ref);
    }
    const users = item.sharing?.users ?? ('sharedUsersCount' in item ? item.sharedUsersCount : null) ?? 0;
    const groups = item.sharing?.groups ?? ('sharedGroupsCount' in item ? item.sharedGroupsCount : null) ?? 0;
    const principals = users + groups;
    principalCounts.set(principals, (principalCounts.get(principals) ?? 0) + 1);
    if (principals === 0) return;
    const last = widest[widest.length - 1];
    // Most resources are not among the ten widest: decide before copying the reference.
    if (last && !hasRoom(widest, MAX_EXAMPLES, last.principals - principals || compareRefs(ref, last))) return;
    keepSmallest(widest, { ...ref, principals }, compareWidest, MAX_EXAMPLES);
  };

  const judgeAge = (lastModified: string | null, ref: ResourceRef): void => {
    const time = lastModified === null ? Number.NaN : Date.parse(lastModified);
    if (!Number.isFinite(time)) {
      undated += 1;
      return;
    }
    const days = Math.max(0, Math.floor((now - time) / 86_400_000));
    ages.set(days, (ages.get(days) ?? 0) + 1);
    const last = oldest[oldest.length - 1];
    if (last && !hasRoom(oldest, MAX_EXAMPLES, time - last.time || compareRefs(ref, last))) return;
    keepSmallest(oldest, { ...ref, days, time }, compareOldest, MAX_EXAMPLES);
  };

  const env = (doc: EnvironmentInventory): EnvironmentName => ({ id: doc.environmentId, displayName: doc.displayName });

  return {
    add(doc) {
      const base = { environmentId: doc.environmentId, environmentName: doc.displayName, environmentType: doc.type };
      for (const section of INVENTORY_SECTIONS) {
        const result = doc.sections[section];
        if (result.status === 'ok') read[section] += 1;
        else if (result.status === 'unavailable' || result.status === 'error') unread[section] += 1;
      }
      const s = doc.sections;
      if (s.canvasApps.status === 'ok') {
        for (const app of s.canvasApps.data) {
          const ref: ResourceRef = { kind: 'canvasApp', id: app.id, displayName: app.displayName, environmentId: doc.environmentId, environmentName: doc.displayName, environmentType: doc.type };
          totals.canvasApps += 1;
          if (doc.type !== 'Default') {
            appsOutsideDefault += 1;
            if (app.almMode?.toLowerCase() === 'solution') solutionAwareApps += 1;
          }
          judgeShared(app, ref);
          judgeAge(app.lastModifiedTime, ref);
          own(app.owner, ref);
        }
      }
      if (s.cloudFlows.status === 'ok') {
        for (const flow of s.cloudFlows.data) {
          const ref: ResourceRef = { kind: 'cloudFlow', id: flow.id, displayName: flow.displayName, environmentId: doc.environmentId, environmentName: doc.displayName, environmentType: doc.type };
          totals.cloudFlows += 1;
          judgeShared(flow, ref);
          judgeAge(flow.lastModifiedTime, ref);
          own(flow.owner, ref);
        }
      }
      if (s.customConnectors.status === 'ok' && s.customConnectors.data.length > 0) environmentsWithCustomConnectors += 1;
      if (s.customConnectors.status === 'ok') {
        for (const connector of s.customConnectors.data) {
          totals.customConnectors += 1;
          own(connector.owner, { kind: 'customConnector', id: connector.id, displayName: connector.displayName, ...base });
        }
      }
      // An agent's owner is a Dataverse user or team row, not an Entra ID object: no orphan check.
      if (s.agents.status === 'ok') totals.agents += s.agents.data.length;
      if (s.modelDrivenApps.status === 'ok') totals.modelDrivenApps += s.modelDrivenApps.data.length;
      if (s.powerPagesSites.status === 'ok') {
        totals.powerPagesSites += s.powerPagesSites.data.length;
        powerPages.sites += s.powerPagesSites.data.length;
        powerPages.publicSites += s.powerPagesSites.data.filter((site) => site.siteVisibility?.toLowerCase() === 'public').length;
      }
      if (s.dataverse.status === 'ok') {
        const settings = s.dataverse.data;
        totals.dataverse += 1;
        dataverse.environments += 1;
        if (settings.organization?.auditEnabled === true) dataverse.auditEnabled += 1;
        else if (settings.organization?.auditEnabled === false) keepEnv(dataverse.auditDisabled, env(doc));
        const enforcing = settings.organization?.ipFirewallEnabled === true && settings.organization.ipFirewallAuditMode !== true;
        if (enforcing) dataverse.ipFirewallEnabled += 1;
        if (doc.type === 'Production') {
          dataverse.production += 1;
          if (!enforcing) {
            dataverse.productionWithoutIpFirewallCount += 1;
            keepEnv(dataverse.productionWithoutIpFirewall, env(doc));
          }
        }
        if (settings.organization?.cspEnabled === true) dataverse.cspEnabled += 1;
        for (const solution of settings.solutions) {
          keepEnv((dataverse.solutions[solution.uniqueName] ??= []), env(doc));
        }
        if (settings.pipelinesHost) {
          keepEnv(dataverse.pipelinesHosts, env(doc));
          dataverse.pipelines += settings.pipelines.length;
          dataverse.multiStagePipelines += settings.pipelines.filter((p) => p.stages.some((stage) => stage.previousStageId !== null)).length;
          dataverse.approvalGatedPipelines += settings.pipelines.filter((p) => p.stages.some((stage) => stage.approvalRequired === true)).length;
          dataverse.successfulRunsLast90Days += settings.successfulRunsLast90Days ?? 0;
        }
      }
    },

    setOwners(list) {
      owners = new Map();
      for (const owner of list) owners.set(owner.id.toLowerCase(), owner);
    },

    result() {
      let orphaned: InventoryFact['orphaned'] = null;
      if (owners !== null) {
        const found: Finding & { deletedOwners: number; disabledOwners: number; unknownOwners: number } = { count: 0, examples: [], deletedOwners: 0, disabledOwners: 0, unknownOwners: 0 };
        for (const [id, counter] of byOwner) {
          const status = owners.get(id);
          if (!status || status.status === 'unknown') {
            found.unknownOwners += 1;
            continue;
          }
          const gone = status.status === 'deleted';
          const disabled = status.status === 'exists' && status.accountEnabled === false;
          if (!gone && !disabled) continue;
          if (gone) found.deletedOwners += 1;
          else found.disabledOwners += 1;
          found.count += counter.count;
          for (const ref of counter.examples) keepSmallest(found.examples, ref, compareRefs, MAX_EXAMPLES);
        }
        // Every lookup failed (e.g. the Graph permission is missing): orphans are unknown, not zero.
        const allUnknown = byOwner.size > 0 && found.unknownOwners === byOwner.size;
        orphaned = allUnknown ? null : found;
      }
      return {
        totals: { ...totals },
        environmentsRead: { ...read },
        environmentsUnread: { ...unread },
        sharedWithEveryone: everyone,
        sharedWith: { histogram: histogram(principalCounts), widest: [...widest] },
        lastModified: { histogram: histogram(ages), oldest: oldest.map(({ time: _time, ...ref }) => ref), undated },
        makers: byOwner.size,
        orphaned,
        sharingRead,
        appsOutsideDefault,
        solutionAwareApps,
        environmentsWithCustomConnectors,
        dataverse,
        powerPages,
      };
    },
  };
}

/** Folds a list of documents at once (rule cases, replays of small snapshots). */
export function deriveInventory(docs: Iterable<EnvironmentInventory>, owners: Iterable<OwnerStatus> | null, options: InventoryFactOptions): InventoryFact {
  const accumulator = createInventoryAccumulator(options);
  for (const doc of docs) accumulator.add(doc);
  if (owners) accumulator.setOwners(owners);
  return accumulator.result();
}

