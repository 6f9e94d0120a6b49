/**
 * The demo tenant as data: environments, tenant settings, DLP policies, tenant
 * isolation, environment groups, Power Advisor and the Entra ID identity side, built deterministically from a seed and a profile. The wire payloads
 * (`wire-payloads.ts`) are rendered from this model, so the model stays readable
 * and the payloads stay faithful to the real API.
 *
 * What the environments hold (apps, flows, connectors, sites, Dataverse tables) is not stored:
 * `inventory` and `dataverse` generate it per request (see `inventory-model.ts`), so the model of
 * a 10,000-environment tenant costs O(environments) memory.
 */
import { buildDataverseModel, type DataverseModel } from './dataverse-model.js';
import { buildInventoryModel, type InventoryModel } from './inventory-model.js';
import { startOfUtcMonth } from './lazy-items.js';
import { createMakerDirectory, type MakerDirectory } from './makers.js';
import { createRng, type Rng } from './prng.js';
import { dataverseApiHost } from './dataverse-host.js';
import { PROFILE_POSTURES, type EnvironmentSku, type ProfilePosture, type SimulatorProfile } from './profiles.js';
import { buildDlpPolicies, type SimDlpPolicy } from './dlp-model.js';
import { buildGovernanceModel, type SimAdvisorRecommendation, type SimEnvironmentGroup, type SimGroupTier } from './governance-model.js';
import { buildIdentityModel, type IdentityModel } from './identity-model.js';

export interface SimEnvironment {
  /** A GUID, or `Default-{tenantId}` for the default environment. */
  name: string;
  displayName: string;
  sku: EnvironmentSku | 'Default';
  isDefault: boolean;
  location: string;
  azureRegion: string;
  createdTime: string;
  /**
   * Dataverse organisation, or null when the environment has no database. `instanceUrl` is the
   * URL it would have in the cloud; the wire sends the simulator's own (`dataverseInstanceUrl`).
   */
  dataverse: { uniqueName: string; instanceUrl: string; securityGroupId: string } | null;
  /** `Standard` (managed) or `Basic`. */
  protectionLevel: 'Standard' | 'Basic';
  /** `extendedSettings` as sent on the wire (all strings), or null when the API omits `settings`. */
  extendedSettings: Record<string, string> | null;
  environmentGroupId: string | null;
  vnetPolicyId: string | null;
  cmkPolicyId: string | null;
}

export interface SimAllowedTenant {
  tenantId: string;
  inbound: boolean;
  outbound: boolean;
}

export interface TenantModel {
  tenantId: string;
  companyName: string;
  profile: SimulatorProfile;
  environments: SimEnvironment[];
  posture: ProfilePosture;
  dlpPolicies: SimDlpPolicy[];
  /** Null when tenant isolation was never configured (the API answers 404). */
  tenantIsolation: { isDisabled: boolean; allowedTenants: SimAllowedTenant[] } | null;
  /** Entra ID: Conditional Access and admin roles (Microsoft Graph). */
  identity: IdentityModel;
  /** Environment groups with their rule-based policies; the ids are those the environments carry. */
  environmentGroups: SimEnvironmentGroup[];
  /** Power Advisor recommendations; null when Advisor refuses the tenant (no managed environment). */
  advisorRecommendations: SimAdvisorRecommendation[] | null;
  /** The people who own apps, flows, connectors and agents (shared with the Graph side). */
  makers: MakerDirectory;
  /** Tenant totals: environments, canvas apps, cloud flows, DLP policies. */
  size: { environments: number; apps: number; flows: number; policies: number };
  /** The instant the inventory's timestamps are relative to (ISO): stale means 180 days before it. */
  asOf: string;
  /** Apps, flows, custom connectors and Power Pages sites, generated per request. */
  inventory: InventoryModel;
  /** Dataverse tables of the environments with a database, generated per request. */
  dataverse: DataverseModel;
  /** The index in `environments` of the environment with this name (case-insensitive), or -1. */
  environmentIndex(name: string): number;
}

export interface TenantModelOptions {
  seed: number;
  profile: SimulatorProfile;
  /** Number of environments including the default one (at least 1). */
  environments: number;
  /** Canvas apps and cloud flows of the whole tenant (default 4 and 6 per environment). */
  apps?: number;
  flows?: number;
  /** DLP policies of the whole tenant (default: the profile's own). */
  policies?: number | null;
  /**
   * The instant the inventory is "as of": item timestamps are fixed offsets before it, so the
   * same instant gives byte-identical payloads. Default: the first instant of the current UTC
   * month, so staleness and "recent pipeline runs" stay meaningful relative to the scan's clock.
   */
  asOf?: Date | string;
  tenantId?: string;
}

/** Makers per app: one in twenty, at least 20 (`model.makers`). */
const APPS_PER_MAKER = 20;
const MIN_MAKERS = 20;

const COMPANIES = ['Contoso', 'Fabrikam', 'Northwind Traders', 'Adventure Works', 'Tailspin Toys', 'Woodgrove Bank'] as const;
const DEPARTMENTS = ['Finance', 'HR', 'Sales', 'Marketing', 'Operations', 'IT', 'Supply Chain', 'Customer Service', 'Legal', 'Procurement', 'R&D', 'Facilities', 'Field Service', 'Analytics'] as const;
const MAKERS = ['Megan Bowen', 'Alex Wilber', 'Adele Vance', 'Diego Siciliani', 'Lynne Robbins', 'Nestor Wilke', 'Patti Fernandez', 'Isaiah Langer'] as const;
/** BAP `location` (geo) with the Azure regions an environment of that geo may sit in. */
const GEOS = [
  { location: 'europe', regions: ['westeurope', 'northeurope'] },
  { location: 'unitedstates', regions: ['eastus', 'westus'] },
] as const;
/** Every demo timestamp is after this instant, so the model never depends on the clock. */
const EPOCH_MS = Date.UTC(2023, 0, 2, 8, 0, 0);
const DAY_MS = 86_400_000;

/** The demo tenant's id for a seed (every profile of one seed is the same tenant), without building it. */
export function demoTenantId(seed: number): string {
  return createRng(seed ^ 0x5eed).guid();
}

/** Builds the demo tenant for a seed and profile; the same inputs always give the same tenant. */
export function buildTenantModel(options: TenantModelOptions): TenantModel {
  const rng = createRng(options.seed);
  const tenantId = options.tenantId ?? demoTenantId(options.seed);
  const posture = PROFILE_POSTURES[options.profile];
  const companyName = rng.pick(COMPANIES);
  const geo = rng.pick(GEOS);
  const { list: environments, groupTiers } = buildEnvironments(rng, posture, { tenantId, companyName, geo, count: Math.max(1, Math.floor(options.environments)) });
  const governance = buildGovernanceModel(
    options.seed,
    posture,
    groupTiers,
    environments.some((env) => env.protectionLevel === 'Standard'),
  );
  const apps = Math.max(0, Math.floor(options.apps ?? environments.length * 4));
  const flows = Math.max(0, Math.floor(options.flows ?? environments.length * 6));
  const asOfMs = options.asOf === undefined ? startOfUtcMonth(new Date()).getTime() : new Date(options.asOf).getTime();
  const domain = `${companyName.toLowerCase().replace(/[^a-z0-9]/g, '')}.onmicrosoft.com`;
  const makers = createMakerDirectory({
    seed: options.seed,
    count: Math.max(MIN_MAKERS, Math.ceil(apps / APPS_PER_MAKER)),
    deletedShare: posture.inventory.makerDeletedShare,
    disabledShare: posture.inventory.makerDisabledShare,
    domain,
  });
  const inventory = buildInventoryModel({ seed: options.seed, environments, makers, posture: posture.inventory, totals: { apps, flows }, asOfMs, domain });
  const dataverse = buildDataverseModel({
    seed: options.seed,
    environments,
    makers,
    posture: posture.inventory,
    asOfMs,
    appCount: inventory.apps.count,
    groupId: (index) => inventory.group(index).id,
  });
  const byName = new Map(environments.map((env, index) => [env.name.toLowerCase(), index]));
  // Dataverse requests arrive by organization host (`{org}.api.crm4.dynamics.com`) too.
  environments.forEach((env, index) => {
    if (env.dataverse) byName.set(dataverseApiHost(env.dataverse.uniqueName).toLowerCase(), index);
  });
  const dlpPolicies = buildDlpPolicies(rng, posture, environments, timestamp, { total: options.policies ?? null, seed: options.seed });
  return {
    tenantId,
    companyName,
    profile: options.profile,
    environments,
    posture,
    dlpPolicies,
    tenantIsolation:
      posture.isolationAllowedTenants === null
        ? null
        : {
            isDisabled: false,
            allowedTenants: Array.from({ length: posture.isolationAllowedTenants }, (_, i) => ({ tenantId: rng.guid(), inbound: i % 2 === 0, outbound: true })),
          },
    identity: buildIdentityModel(options.seed, options.profile, companyName),
    environmentGroups: governance.environmentGroups,
    advisorRecommendations: governance.advisorRecommendations,
    makers,
    size: { environments: environments.length, apps, flows, policies: dlpPolicies.length },
    asOf: inventory.asOf,
    inventory,
    dataverse,
    environmentIndex: (name) => byName.get(name.toLowerCase()) ?? -1,
  };

  function timestamp(): string {
    return new Date(EPOCH_MS + rng.int(0, 600) * DAY_MS + rng.int(0, DAY_MS / 1000) * 1000).toISOString();
  }

  function buildEnvironments(
    r: Rng,
    p: ProfilePosture,
    t: { tenantId: string; companyName: string; geo: (typeof GEOS)[number]; count: number },
  ): { list: SimEnvironment[]; groupTiers: SimGroupTier[] } {
    const departments = r.shuffle(DEPARTMENTS);
    const makers = r.shuffle(MAKERS);
    const groups = { production: r.guid(), sandbox: r.guid(), developer: r.guid() };
    const skus: EnvironmentSku[] = [];
    for (let i = 1; i < t.count; i += 1) skus.push(p.leadingSkus[i - 1] ?? weightedSku(r, p.skuWeights));

    const list: SimEnvironment[] = [makeEnvironment('Default', `${t.companyName} (default)`, `Default-${t.tenantId}`)];
    let department = 0;
    let maker = 0;
    let productions = 0;
    for (const sku of skus) {
      const round = (n: number, size: number): string => (n >= size ? ` ${Math.floor(n / size) + 1}` : '');
      let displayName: string;
      if (sku === 'Developer') {
        displayName = `${makers[maker % makers.length] ?? 'Maker'}'s Environment${round(maker, makers.length)}`;
        maker += 1;
      } else {
        const suffix = { Production: 'Prod', Sandbox: 'Sandbox', Trial: 'Trial' }[sku];
        displayName = `${departments[department % departments.length] ?? 'Team'} ${suffix}${round(department, departments.length)}`;
        department += 1;
      }
      const env = makeEnvironment(sku, displayName, r.guid());
      if (sku === 'Production') {
        if (p.cmkOnFirstProduction && productions === 0) env.cmkPolicyId = r.guid();
        // `few` groups: the first two production environments only.
        if (p.environmentGroups === 'few' && productions < 2) env.environmentGroupId = groups.production;
        productions += 1;
      }
      list.push(env);
    }
    const groupTiers: SimGroupTier[] =
      p.environmentGroups === 'most'
        ? [
            { tier: 'production', id: groups.production },
            { tier: 'sandbox', id: groups.sandbox },
            { tier: 'developer', id: groups.developer },
          ]
        : p.environmentGroups === 'few'
          ? [{ tier: 'production', id: groups.production }]
          : [];
    return { list, groupTiers };

    function makeEnvironment(sku: SimEnvironment['sku'], displayName: string, name: string): SimEnvironment {
      const isDefault = sku === 'Default';
      // The demo default environment has no Dataverse database (common in real tenants), so
      // "every Dataverse environment has a security group" can hold: the default environment cannot have one.
      const hasDataverse = !isDefault && (sku === 'Production' || sku === 'Sandbox' || sku === 'Developer' || r.chance(0.5));
      const uniqueName = `org${r.guid().slice(0, 8)}`;
      const managed = isManaged(p, sku);
      return {
        name,
        displayName,
        sku,
        isDefault,
        location: t.geo.location,
        azureRegion: r.pick(t.geo.regions),
        createdTime: timestamp(),
        dataverse: hasDataverse
          ? { uniqueName, instanceUrl: `https://${uniqueName}.crm4.dynamics.com/`, securityGroupId: r.chance(p.securityGroupShare) ? r.guid() : '' }
          : null,
        protectionLevel: managed ? 'Standard' : 'Basic',
        extendedSettings: managed ? managedSettings(r, p) : r.chance(0.5) ? unmanagedSettings() : null,
        environmentGroupId: groupFor(p, sku, groups),
        vnetPolicyId: p.vnetOnProduction && sku === 'Production' ? r.guid() : null,
        cmkPolicyId: null,
      };
    }
  }
}

function weightedSku(rng: Rng, weights: Record<EnvironmentSku, number>): EnvironmentSku {
  const entries = Object.entries(weights) as [EnvironmentSku, number][];
  let roll = rng.next() * entries.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [sku, weight] of entries) {
    roll -= weight;
    if (roll < 0) return sku;
  }
  return entries[entries.length - 1]?.[0] ?? 'Sandbox';
}

function isManaged(posture: ProfilePosture, sku: SimEnvironment['sku']): boolean {
  if (posture.managed === 'productionOnly') return sku === 'Production';
  if (posture.managed === 'productionAndSandbox') return sku === 'Production' || sku === 'Sandbox' || sku === 'Default';
  return false;
}

/** Settings of a managed environment: sharing limits, solution checker, weekly digest, maker welcome content (reference section 5). */
function managedSettings(rng: Rng, posture: ProfilePosture): Record<string, string> {
  const strict = posture.managed === 'productionAndSandbox';
  const limit = strict ? '20' : rng.pick(['50', '100']);
  return {
    excludeEnvironmentFromAnalysis: 'false',
    includeOnHomepageInsights: 'true',
    isGroupSharingDisabled: strict ? 'true' : 'false',
    limitSharingMode: 'excludeSharingToSecurityGroups',
    maxLimitUserSharing: limit,
    solutionCheckerMode: posture.solutionCheckerMode,
    suppressValidationEmails: 'true',
    solutionCheckerRuleOverrides: '',
    disableAiGeneratedDescriptions: 'false',
    'solutionCloudFlows-limitSharingMode': strict ? 'excludeSharingToSecurityGroups' : 'noLimit',
    'solutionCloudFlows-maxLimitUserSharing': strict ? '20' : '-1',
    'bot-limitSharingMode': strict ? 'excludeSharingToSecurityGroups' : 'noLimit',
    'bot-maxLimitUserSharing': strict ? '20' : '-1',
    'bot-authoringSharingDisabled': strict ? 'true' : 'false',
    // Maker welcome content: set in the strict posture; sent empty (never set) otherwise.
    makerOnboardingUrl: strict ? 'https://intranet.example/power-platform/makers' : '',
    makerOnboardingMarkdown: strict ? '## Welcome, maker\nRead the maker guidelines before you share an app.' : '',
  };
}

/** What an unmanaged environment shows when BAP includes its settings at all. */
function unmanagedSettings(): Record<string, string> {
  return {
    excludeEnvironmentFromAnalysis: 'false',
    isGroupSharingDisabled: 'false',
    limitSharingMode: 'noLimit',
    maxLimitUserSharing: '-1',
    solutionCheckerMode: 'none',
  };
}

/** `most`: production, sandbox and developer environments are in their tier's group; default and trial ones in none. */
function groupFor(posture: ProfilePosture, sku: SimEnvironment['sku'], groups: { production: string; sandbox: string; developer: string }): string | null {
  if (posture.environmentGroups === 'most') {
    if (sku === 'Production') return groups.production;
    if (sku === 'Sandbox') return groups.sandbox;
    if (sku === 'Developer') return groups.developer;
  }
  return null;
}
