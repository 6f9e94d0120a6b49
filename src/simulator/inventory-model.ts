/**
 * What the demo tenant's environments hold: canvas apps (with their role assignments), cloud
 * flows (with theirs), custom connectors and Power Pages sites. Nothing is stored but the
 * per-environment counts: item `i` of environment `e` is generated from (seed, kind, e, i)
 * whenever it is asked for, always the same, so a tenant of 100,000 apps and 200,000 flows
 * costs O(environments) memory and one page costs O(page size).
 *
 * Apps and flows are spread unevenly: the default environment holds the most (as in real
 * tenants), production environments more than trials, and the totals are exact.
 */
import type { MakerDirectory, SimMaker } from './makers.js';
import { apportion, countsFrom, itemTimes, lazyList, slug, type LazyList } from './lazy-items.js';
import { hashSeed, indexedGuid, rngAt } from './prng.js';
import type { InventoryPosture } from './profiles.js';
import type { SimEnvironment } from './tenant-model.js';

/** Hash "kinds", so the items of different lists draw independent numbers. */
const KIND = { appWeight: 11, flowWeight: 12, app: 21, appShares: 22, flow: 31, flowShares: 32, connector: 41, site: 51, siteEnvironment: 52, group: 61 } as const;

export interface SimGroup {
  id: string;
  displayName: string;
  mail: string;
}

export interface SimApp {
  env: number;
  index: number;
  name: string;
  displayName: string;
  owner: SimMaker;
  /** The owner's index in the maker directory (shared users are the makers after it). */
  ownerIndex: number;
  lastModifiedBy: SimMaker;
  createdTime: string;
  lastModifiedTime: string;
  lastPublishTime: string;
  almMode: 'Solution' | 'Environment';
  usesPremiumApi: boolean;
  dlpStatus: 'Compliant' | 'Blocked';
  formFactor: 'Tablet' | 'Phone';
  /** Users (other than the owner) and groups with a role, and whether Everyone has one. */
  sharedUsers: number;
  sharedGroups: number;
  sharedWithEveryone: boolean;
}

export type AppRole = 'Owner' | 'CanEdit' | 'CanView';
export type FlowRole = 'Owner' | 'CanView';

export interface SimRoleAssignment<R extends string> {
  roleName: R;
  principal: { kind: 'User'; maker: SimMaker } | { kind: 'Group'; group: SimGroup } | { kind: 'Tenant' };
}

export interface SimFlow {
  env: number;
  index: number;
  name: string;
  displayName: string;
  state: 'Started' | 'Stopped' | 'Suspended';
  creator: SimMaker;
  creatorIndex: number;
  createdTime: string;
  lastModifiedTime: string;
  /** Co-owners (users or groups) besides the creator, and run-only users. */
  coOwners: number;
  runOnlyUsers: number;
}

export interface SimCustomConnector {
  env: number;
  index: number;
  name: string;
  displayName: string;
  createdBy: SimMaker;
  createdTime: string;
  changedTime: string;
}

export interface SimWebsite {
  env: number;
  index: number;
  name: string;
  displayName: string;
  subdomain: string;
  visibility: 'public' | 'private';
  type: 'Production' | 'Trial';
  owner: SimMaker;
  createdOn: string;
  websiteRecordId: string;
  applicationUserAadAppId: string;
}

export interface InventoryModel {
  /** The instant the inventory's timestamps are relative to (ISO). */
  asOf: string;
  apps: LazyList<SimApp>;
  flows: LazyList<SimFlow>;
  customConnectors: LazyList<SimCustomConnector>;
  websites: LazyList<SimWebsite>;
  /** Role assignments of an app: its owner first; `sharedUsers`/`sharedGroups` of the app count the others. */
  appPermissions(app: SimApp): SimRoleAssignment<AppRole>[];
  flowPermissions(flow: SimFlow): SimRoleAssignment<FlowRole>[];
  /** Security group `i` of the tenant's pool (apps and flows are shared with these). */
  group(index: number): SimGroup;
}

export interface InventoryModelOptions {
  seed: number;
  environments: readonly SimEnvironment[];
  makers: MakerDirectory;
  posture: InventoryPosture;
  totals: { apps: number; flows: number };
  asOfMs: number;
  domain: string;
}

const APP_SUBJECTS = ['Expense', 'Leave', 'Asset', 'Inventory', 'Visitor', 'Incident', 'Onboarding', 'Timesheet', 'Travel', 'Purchase', 'Budget', 'Field', 'Safety', 'Contract', 'Training', 'Feedback', 'Project', 'Invoice', 'Helpdesk', 'Quality'] as const;
const APP_KINDS = ['Tracker', 'Request', 'Manager', 'Portal', 'Inspection', 'Approvals', 'Catalog', 'Dashboard', 'Checklist', 'Hub', 'Planner', 'Log'] as const;
const FLOW_VERBS = ['Notify team of', 'Sync', 'Archive', 'Approve', 'Escalate', 'Copy', 'Post', 'Send reminders for', 'Collect', 'Export'] as const;
const FLOW_OBJECTS = ['expense reports', 'leave requests', 'new leads', 'invoices', 'tickets', 'survey responses', 'orders', 'files', 'timesheets', 'incidents'] as const;
const CONNECTOR_SYSTEMS = ['Orders', 'Payroll', 'Warehouse', 'CRM Legacy', 'Weather Station', 'Ticketing', 'Fleet', 'Pricing'] as const;
const SITE_NAMES = ['Partner portal', 'Customer self-service', 'Supplier onboarding', 'Event registration', 'Community forum', 'Job applications'] as const;
const GROUP_NAMES = ['Finance', 'HR', 'Sales', 'Marketing', 'Operations', 'IT', 'Supply Chain', 'Customer Service', 'Legal', 'Procurement', 'R&D', 'Facilities'] as const;
const GROUP_POOL = 24;

/** Relative share of the apps and flows an environment of each type holds. */
const SKU_WEIGHT: Record<SimEnvironment['sku'], number> = { Default: 0, Production: 1.6, Sandbox: 1, Developer: 0.5, Trial: 0.35 };

/** Builds the lazy inventory of a tenant. */
export function buildInventoryModel(options: InventoryModelOptions): InventoryModel {
  const { seed, environments, makers, posture, asOfMs, domain } = options;
  const appCount = countsFrom(apportion(options.totals.apps, weights(KIND.appWeight)));
  const flowCount = countsFrom(apportion(options.totals.flows, weights(KIND.flowWeight)));
  const envCreatedMs = (env: number): number => Date.parse(environments[env]?.createdTime ?? '') || asOfMs - 730 * 86_400_000;
  /** Makers own unevenly: a few prolific makers own much (index skewed towards 0). */
  const skewedIndex = (u: number): number => Math.floor(makers.count * u * u);
  const skewedMaker = (u: number): SimMaker => makers.at(skewedIndex(u));

  const group = (index: number): SimGroup => {
    const k = ((index % GROUP_POOL) + GROUP_POOL) % GROUP_POOL;
    const rng = rngAt(seed, KIND.group, k);
    const name = `${GROUP_NAMES[k % GROUP_NAMES.length] ?? 'Team'} ${k < GROUP_NAMES.length ? 'makers' : 'app users'}`;
    return { id: rng.guid(), displayName: name, mail: `${slug(name)}@${domain}` };
  };

  const mask = (kind: number) => (env: number): number => hashSeed(seed, kind, env, 0x6d61736b);
  const apps = lazyList(appCount, (env, index): SimApp => {
    const rng = rngAt(seed, KIND.app, env, index);
    const name = indexedGuid(index, rng, mask(KIND.app)(env));
    const subject = rng.pick(APP_SUBJECTS);
    const kind = rng.pick(APP_KINDS);
    const ownerIndex = skewedIndex(rng.next());
    const owner = makers.at(ownerIndex);
    const lastModifiedBy = rng.chance(0.7) ? owner : skewedMaker(rng.next());
    const times = itemTimes(rng, asOfMs, envCreatedMs(env), rng.chance(posture.staleShare));
    const everyone = rng.chance(posture.everyoneShare);
    const shared = rng.chance(posture.sharedShare);
    const viaGroups = rng.chance(posture.groupSharingShare);
    const overshared = rng.chance(0.05);
    const maxUsers = makers.count - 1;
    let sharedUsers = 0;
    let sharedGroups = 0;
    if (shared) {
      sharedGroups = viaGroups ? rng.int(1, 3) : 0;
      sharedUsers = Math.min(maxUsers, overshared ? rng.int(10, 40) : viaGroups ? rng.int(0, 2) : rng.int(1, 6));
    }
    return {
      env,
      index,
      name,
      displayName: index >= APP_SUBJECTS.length * APP_KINDS.length ? `${subject} ${kind} ${index}` : `${subject} ${kind}`,
      owner,
      ownerIndex,
      lastModifiedBy,
      createdTime: times.created,
      lastModifiedTime: times.modified,
      lastPublishTime: times.modified,
      almMode: rng.chance(posture.solutionAwareShare) ? 'Solution' : 'Environment',
      usesPremiumApi: rng.chance(posture.premiumShare),
      dlpStatus: rng.chance(posture.dlpBlockedShare) ? 'Blocked' : 'Compliant',
      formFactor: rng.chance(0.6) ? 'Tablet' : 'Phone',
      sharedUsers,
      sharedGroups,
      sharedWithEveryone: everyone,
    };
  }, mask(KIND.app));

  const flows = lazyList(flowCount, (env, index): SimFlow => {
    const rng = rngAt(seed, KIND.flow, env, index);
    const name = indexedGuid(index, rng, mask(KIND.flow)(env));
    const verb = rng.pick(FLOW_VERBS);
    const object = rng.pick(FLOW_OBJECTS);
    const creatorIndex = skewedIndex(rng.next());
    const times = itemTimes(rng, asOfMs, envCreatedMs(env), rng.chance(posture.staleShare));
    const roll = rng.next();
    const state = roll < posture.suspendedFlowShare ? 'Suspended' : roll < posture.suspendedFlowShare + posture.stoppedFlowShare ? 'Stopped' : 'Started';
    const shared = rng.chance(posture.flowSharedShare);
    return {
      env,
      index,
      name,
      displayName: `${verb} ${object}`,
      state,
      creator: makers.at(creatorIndex),
      creatorIndex,
      createdTime: times.created,
      lastModifiedTime: times.modified,
      coOwners: shared ? rng.int(1, 2) : 0,
      runOnlyUsers: shared ? rng.int(0, 2) : 0,
    };
  }, mask(KIND.flow));

  // A few custom connectors: one per five apps of the environment.
  const customConnectors = lazyList(
    (env) => Math.floor(appCount(env) / 5),
    (env, index): SimCustomConnector => {
      const rng = rngAt(seed, KIND.connector, env, index);
      const name = indexedGuid(index, rng, mask(KIND.connector)(env));
      const system = rng.pick(CONNECTOR_SYSTEMS);
      const times = itemTimes(rng, asOfMs, envCreatedMs(env), rng.chance(posture.staleShare));
      return {
        env,
        index,
        name: `shared_${slug(system).replace(/-/g, '')}-5f${name.slice(0, 8)}-5f${name.slice(-12)}`,
        displayName: `${system} API${index >= CONNECTOR_SYSTEMS.length ? ` ${index}` : ''}`,
        createdBy: skewedMaker(rng.next()),
        createdTime: times.created,
        changedTime: times.modified,
      };
    },
  );

  // Power Pages sites live in Dataverse environments: the first one always has a site (so even the
  // small demo shows one), the others by the profile's share.
  const firstDataverse = environments.findIndex((env) => env.dataverse !== null);
  const siteCount = (env: number): number => {
    if (!environments[env]?.dataverse) return 0;
    const rng = rngAt(seed, KIND.siteEnvironment, env);
    if (env !== firstDataverse && !rng.chance(posture.powerPagesEnvironmentShare)) return 0;
    return rng.int(1, 3);
  };
  const websites = lazyList(siteCount, (env, index): SimWebsite => {
    const rng = rngAt(seed, KIND.site, env, index);
    const id = indexedGuid(index, rng, mask(KIND.site)(env));
    const displayName = rng.pick(SITE_NAMES);
    const times = itemTimes(rng, asOfMs, envCreatedMs(env), false);
    return {
      env,
      index,
      name: id,
      displayName,
      subdomain: `${slug(displayName)}-${id.slice(-6)}`,
      visibility: rng.chance(posture.publicSiteShare) ? 'public' : 'private',
      type: environments[env]?.sku === 'Trial' ? 'Trial' : 'Production',
      owner: skewedMaker(rng.next()),
      createdOn: times.created,
      websiteRecordId: rng.guid(),
      applicationUserAadAppId: rng.guid(),
    };
  }, mask(KIND.site));

  return {
    asOf: new Date(asOfMs).toISOString(),
    apps,
    flows,
    customConnectors,
    websites,
    group,
    appPermissions(app) {
      const rng = rngAt(seed, KIND.appShares, app.env, app.index);
      const out: SimRoleAssignment<AppRole>[] = [{ roleName: 'Owner', principal: { kind: 'User', maker: app.owner } }];
      for (let j = 0; j < app.sharedUsers; j += 1) {
        out.push({ roleName: rng.chance(0.25) ? 'CanEdit' : 'CanView', principal: { kind: 'User', maker: makers.at(app.ownerIndex + 1 + j) } });
      }
      const firstGroup = rng.int(0, GROUP_POOL - 1);
      for (let k = 0; k < app.sharedGroups; k += 1) out.push({ roleName: 'CanView', principal: { kind: 'Group', group: group(firstGroup + k) } });
      if (app.sharedWithEveryone) out.push({ roleName: 'CanView', principal: { kind: 'Tenant' } });
      return out;
    },
    flowPermissions(flow) {
      const rng = rngAt(seed, KIND.flowShares, flow.env, flow.index);
      const out: SimRoleAssignment<FlowRole>[] = [{ roleName: 'Owner', principal: { kind: 'User', maker: flow.creator } }];
      let nextMaker = flow.creatorIndex + 1;
      let nextGroup = rng.int(0, GROUP_POOL - 1);
      for (let j = 0; j < flow.coOwners; j += 1) {
        out.push({
          roleName: 'Owner',
          principal: rng.chance(posture.groupSharingShare) ? { kind: 'Group', group: group(nextGroup++) } : { kind: 'User', maker: makers.at(nextMaker++) },
        });
      }
      for (let j = 0; j < flow.runOnlyUsers; j += 1) out.push({ roleName: 'CanView', principal: { kind: 'User', maker: makers.at(nextMaker++) } });
      return out;
    },
  };

  /** Apps and flows per environment in proportion to these weights; the default environment is the biggest. */
  function weights(kind: number): Float64Array {
    const out = new Float64Array(environments.length);
    const defaultWeight = Math.max(6, environments.length * 0.02);
    environments.forEach((env, e) => {
      const u = hashSeed(seed, kind, e) / 0x1_0000_0000;
      out[e] = env.isDefault ? defaultWeight : SKU_WEIGHT[env.sku] * (0.15 + 2.5 * u * u);
    });
    return out;
  }
}
