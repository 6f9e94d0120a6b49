/**
 * Turns configuration into scan targets: each tenant with its credential, endpoints and
 * attestations. With no tenant configured, the built-in demo tenant (the simulator) is
 * the target.
 */
import type { Logger } from 'pino';
import type { TokenCredential } from '@azure/identity';
import { resolveEndpoints, type CloudProfile } from '../auth/clouds.js';
import { createCredential, StaticTokenCredential } from '../auth/credentials.js';
import { inventorySchema, type Config, type InventoryConfig, type TenantConfig } from '../config/config-schema.js';
import { resolveTenantCredential, secretResolverFor } from '../config/resolve-secrets.js';
import type { SecretResolver } from '../config/secret-source.js';
import { PpmatError } from '../errors/catalogue.js';
import { createSharedHostLimiter } from '../http/shared-host-limiter.js';
import type { ThrottleStore } from '../store/throttle-repository.js';
import { createGraphClient, type GraphClient, type PpmatGraphClient } from '../http/graph-client.js';
import { createHostLimiter, type HostLimiter } from '../http/host-limiter.js';
import { createHttpClient, type PpmatHttpClient } from '../http/http-client.js';
import type { HttpClient, HttpStats } from '../http/types.js';
import type { ParameterOverrides } from '../rules/parameters.js';
import type { ScoringOptions } from '../scoring/score-areas.js';
import type { AreaTarget } from '../scoring/targets.js';
import type { Attestation } from '../scoring/types.js';
import { demoAttestations } from '../simulator/demo-attestations.js';
import { simulatorDataverseProxy, simulatorEndpoints, startSimulator } from '../simulator/server.js';
import type { TenantRecord } from '../store/scan-repository.js';

export interface TenantTarget {
  tenant: TenantRecord;
  attestations: Attestation[];
  /** A fresh HTTP client (own stats, shared token cache) per collector run. */
  createHttp: () => HttpClient;
  /** The Graph client of a collector run, counting into that run's HttpClient `stats` (shared credential). */
  createGraph: (stats: HttpStats) => GraphClient;
  /** The tenant's cloud endpoints and scopes, config overrides applied (for `ppmat doctor`). */
  endpoints: CloudProfile;
  credential: TokenCredential;
  /** How the inventory is collected and judged. */
  inventory: InventoryConfig;
  /** The organization's target level per area, with a date. */
  targets: AreaTarget[];
  /** How this tenant is judged: parameter overrides (global, then the tenant's) and the level threshold. */
  judging: TenantJudging;
  /** Stops what the target started (the demo simulator). */
  close(): Promise<void>;
}

export type DemoProfile = Config['demo']['profile'];

export interface TenantJudging {
  parameterLayers: ParameterLayer[];
  scoring: ScoringOptions;
}

export interface ParameterLayer {
  overrides: ParameterOverrides;
  /** Where in the configuration they are written (for error messages). */
  path: string;
}

/** The global parameter overrides and threshold, then the tenant's (`index` into `tenants`), which win. */
export function tenantJudging(config: Config, index: number | null): TenantJudging {
  const tenant = index === null ? undefined : config.tenants[index];
  return {
    parameterLayers: [
      { overrides: config.rules.parameters, path: 'rules.parameters' },
      ...(tenant ? [{ overrides: tenant.rules.parameters, path: `tenants[${index}].rules.parameters` }] : []),
    ],
    scoring: { threshold: tenant?.scoring.threshold ?? config.scoring.threshold },
  };
}

/** Starts the built-in demo tenant: the simulator on a loopback port, and a static token. */
export async function demoTarget(config: Config, log: Logger, profile: DemoProfile = config.demo.profile): Promise<TenantTarget> {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  try {
    simulator = await startSimulator({ seed: config.demo.seed, profile, environments: config.demo.environments });
  } catch (error) {
    throw new PpmatError('PPMAT_E_SIMULATOR', `the demo tenant could not start: ${(error as Error).message}`, { cause: error });
  }
  log.info({ url: simulator.url, profile, tenantId: simulator.tenantId }, 'demo tenant started');
  const endpoints = resolveEndpoints('public', { baseUrls: simulatorEndpoints(simulator.url), dataverseProxy: simulatorDataverseProxy(simulator.url) });
  const credential = new StaticTokenCredential('ppmat-demo-token');
  const limiter = hostLimiter(config);
  const root = httpClient(config, endpoints, credential, log, limiter);
  const graph = graphClient(config, endpoints, credential, log, limiter);
  return {
    tenant: demoTenantRecord(config, simulator.tenantId, profile),
    // Dated when the demo inventory is "as of" (the month's start), so `ppmat attest` made since is newer.
    attestations: demoAttestations(profile, new Date(simulator.model.asOf)),
    createHttp: () => root.scoped(),
    createGraph: (stats) => graph.scoped(stats),
    endpoints,
    credential,
    inventory: inventorySchema.parse({}),
    targets: config.demo.targets,
    judging: tenantJudging(config, null),
    close: () => simulator.close(),
  };
}

/**
 * A configured tenant: its credential (secrets read now from env, file or Key Vault), cloud
 * endpoints and attestations. With `throttle`, its hosts' throttling pauses are shared through
 * the database with every process scanning the tenant. `secrets` reads the credential's
 * secrets (default: env, files, and Key Vault with the identity of `keyVault.credential`).
 */
export async function configuredTarget(
  config: Config,
  tenant: TenantConfig,
  log: Logger,
  env: NodeJS.ProcessEnv,
  shared: { throttle?: ThrottleStore; secrets?: SecretResolver } = {},
): Promise<TenantTarget> {
  const { dataverse, ...baseUrls } = tenant.endpoints ?? {};
  const endpoints = resolveEndpoints(tenant.cloud, {
    baseUrls,
    ...(dataverse ? { dataverseProxy: dataverse } : {}),
    scopes: tenant.scopes ?? {},
    ...(tenant.authorityHost ? { authorityHost: tenant.authorityHost } : {}),
  });
  const secrets = shared.secrets ?? secretResolverFor(config, env);
  const credential = createCredential(await resolveTenantCredential(tenant, secrets), { authorityHost: endpoints.authorityHost });
  const local = hostLimiter(config);
  const limiter = shared.throttle
    ? createSharedHostLimiter({ inner: local, store: shared.throttle, keyOf: (host) => `${tenant.id}|${host}`, log: log.child({ component: 'http', tenantId: tenant.id }) })
    : local;
  const root = httpClient(config, endpoints, credential, log, limiter);
  const graph = graphClient(config, endpoints, credential, log, limiter);
  return {
    tenant: configuredTenantRecord(tenant),
    attestations: configuredAttestations(tenant),
    createHttp: () => root.scoped(),
    createGraph: (stats) => graph.scoped(stats),
    endpoints,
    credential,
    inventory: tenant.inventory,
    targets: tenant.targets,
    judging: tenantJudging(config, config.tenants.indexOf(tenant)),
    close: async () => undefined,
  };
}

/** The demo tenant's row in the store. */
export function demoTenantRecord(config: Config, tenantId: string, profile: DemoProfile): TenantRecord {
  return { id: tenantId, displayName: `Demo tenant (${profile} profile)`, cloud: 'public', schedule: config.demo.schedule, timezone: config.demo.timezone, enabled: true };
}

/** A configured tenant's row in the store. */
export function configuredTenantRecord(tenant: TenantConfig): TenantRecord {
  return { id: tenant.id, displayName: tenant.displayName ?? tenant.id, cloud: tenant.cloud, schedule: tenant.schedule, timezone: tenant.timezone, enabled: tenant.enabled };
}

/** A configured tenant's attestations from ppmat.yaml (the recorded ones are added at scan time: see cli/attestations.ts). */
export function configuredAttestations(tenant: TenantConfig): Attestation[] {
  return tenant.attestations.map((a) => ({ capabilityId: a.capability, by: a.by, at: a.at, reason: a.reason, ...(a.expires ? { expires: a.expires } : {}) }));
}

/**
 * The tenant's per-host limiter: one per tenant, shared by its admin API client (so every
 * collector run's `scoped()` client) and its Graph client, because the APIs throttle per identity.
 */
function hostLimiter(config: Config): HostLimiter {
  return createHostLimiter({ maxConcurrency: config.http.maxConcurrencyPerHost });
}

/** The tenant's root HTTP client; each collector run gets a `scoped()` sibling with its own stats. */
function httpClient(config: Config, endpoints: CloudProfile, credential: TokenCredential, log: Logger, limiter: HostLimiter): PpmatHttpClient {
  return createHttpClient({
    baseUrls: endpoints.baseUrls,
    scopes: endpoints.scopes,
    credential,
    log: log.child({ component: 'http' }),
    timeoutMs: config.http.timeoutMs,
    maxRetries: config.http.maxRetries,
    hostLimiter: limiter,
    ...(endpoints.dataverseProxy ? { dataverseProxy: endpoints.dataverseProxy } : {}),
  });
}

/** The tenant's Graph client (cloud Graph base URL and scope, config overrides applied); each collector run gets a `scoped()` sibling. */
function graphClient(config: Config, endpoints: CloudProfile, credential: TokenCredential, log: Logger, limiter: HostLimiter): PpmatGraphClient {
  return createGraphClient({
    baseUrl: endpoints.baseUrls.graph,
    scope: endpoints.scopes.graph,
    credential,
    log: log.child({ component: 'graph' }),
    timeoutMs: config.http.timeoutMs,
    maxRetries: config.http.maxRetries,
    hostLimiter: limiter,
  });
}
