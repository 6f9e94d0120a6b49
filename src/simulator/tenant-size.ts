/**
 * How big the demo tenant is, and how many items a page of each list holds. The defaults are
 * the small demo (12 environments, a few apps and flows each, small pages so every scan
 * exercises paging); a bench tenant of 10,000 environments, 100,000 apps and 200,000 flows
 * costs memory for its environments only, since apps and flows are generated per request.
 */

/** Totals for the whole tenant. */
export interface SimulatorSize {
  /** Environments including the default one (default 12). */
  environments?: number;
  /** Canvas apps (default 4 per environment). */
  apps?: number;
  /** Cloud flows (default 6 per environment). */
  flows?: number;
  /** DLP policies (default: the profile's own, 0 to 3). */
  policies?: number;
}

export interface ResolvedSize {
  environments: number;
  apps: number;
  flows: number;
  /** Null: the profile's own policies. */
  policies: number | null;
}

export const DEFAULT_SIMULATOR_ENVIRONMENTS = 12;
export const DEFAULT_APPS_PER_ENVIRONMENT = 4;
export const DEFAULT_FLOWS_PER_ENVIRONMENT = 6;
/** Small on purpose, so every demo scan exercises `nextLink` paging. */
export const DEFAULT_SIMULATOR_PAGE_SIZE = 5;
/** The page of a large tenant's lists: small pages would only measure round trips. */
export const LARGE_TENANT_PAGE_SIZE = 100;
/** Above this many environments the environment list pages by {@link LARGE_TENANT_PAGE_SIZE}. */
export const LARGE_TENANT_ENVIRONMENTS = 100;
/** Above this many apps or flows the inventory lists page by {@link LARGE_TENANT_PAGE_SIZE}. */
export const LARGE_TENANT_ITEMS = 1000;

const count = (value: number | undefined, fallback: number, min: number): number =>
  value === undefined || !Number.isFinite(value) ? fallback : Math.max(min, Math.floor(value));

/** Totals from the options; `size.environments` wins over the older `environments` option. */
export function resolveSize(size: SimulatorSize | undefined, environmentsAlias: number | undefined): ResolvedSize {
  const environments = count(size?.environments ?? environmentsAlias, DEFAULT_SIMULATOR_ENVIRONMENTS, 1);
  return {
    environments,
    apps: count(size?.apps, environments * DEFAULT_APPS_PER_ENVIRONMENT, 0),
    flows: count(size?.flows, environments * DEFAULT_FLOWS_PER_ENVIRONMENT, 0),
    policies: size?.policies === undefined ? null : count(size.policies, 0, 0),
  };
}

/**
 * Page sizes: `pageSize` for the environment list and the other tenant-wide lists (default 5,
 * or 100 above 100 environments); `inventoryPageSize` for the per-environment lists (apps,
 * flows, connectors, Dataverse rows, Power Pages sites), default `pageSize` when given, else
 * 5, or 100 above 1,000 apps or flows.
 */
export function resolvePageSizes(size: ResolvedSize, pageSize: number | undefined, inventoryPageSize: number | undefined): { pageSize: number; inventoryPageSize: number } {
  const tenantPage = Math.max(1, Math.floor(pageSize ?? (size.environments > LARGE_TENANT_ENVIRONMENTS ? LARGE_TENANT_PAGE_SIZE : DEFAULT_SIMULATOR_PAGE_SIZE)));
  const large = size.apps > LARGE_TENANT_ITEMS || size.flows > LARGE_TENANT_ITEMS;
  const inventoryPage = Math.max(1, Math.floor(inventoryPageSize ?? pageSize ?? (large ? LARGE_TENANT_PAGE_SIZE : DEFAULT_SIMULATOR_PAGE_SIZE)));
  return { pageSize: tenantPage, inventoryPageSize: inventoryPage };
}
