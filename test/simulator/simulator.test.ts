import nock from 'nock';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLOUDS } from '../../src/auth/clouds.js';
import { StaticTokenCredential } from '../../src/auth/credentials.js';
import { createCollectors } from '../../src/collectors/index.js';
import { CollectionError } from '../../src/collectors/types.js';
import { evidenceDataSchemas, type DlpPolicy, type EvidenceDataByKey, type EvidenceKey } from '../../src/evidence/schemas.js';
import { createGraphClient } from '../../src/http/graph-client.js';
import { createHttpClient } from '../../src/http/http-client.js';
import { simulatorEndpoints, startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/index.js';

const running: RunningSimulator[] = [];

async function start(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const sim = await startSimulator(options);
  running.push(sim);
  return sim;
}

function client(sim: RunningSimulator, sleeps: number[] = []) {
  return createHttpClient({
    baseUrls: simulatorEndpoints(sim.url),
    scopes: CLOUDS.public.scopes,
    credential: new StaticTokenCredential('simulator-token'),
    log: pino({ level: 'silent' }),
    maxRetries: 3,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
}

type Collected = { [K in EvidenceKey]?: EvidenceDataByKey[K] } & { errors: Partial<Record<EvidenceKey, CollectionError>> };

async function collectAll(sim: RunningSimulator, sleeps: number[] = []): Promise<Collected> {
  const http = client(sim, sleeps);
  const graph = createGraphClient({
    baseUrl: sim.url,
    scope: CLOUDS.public.scopes.graph,
    credential: new StaticTokenCredential('simulator-token'),
    log: pino({ level: 'silent' }),
    maxRetries: 3,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  }).scoped(http.stats);
  const out: Collected = { errors: {} };
  // The inventory builds on the environments and streams to a store: test/pipeline/inventory-scan.test.ts covers it.
  for (const collector of createCollectors().filter((c) => c.key !== 'inventory')) {
    try {
      const data = await collector.collect({ tenantId: sim.tenantId, http, graph, log: pino({ level: 'silent' }) });
      expect(evidenceDataSchemas[collector.key].safeParse(data).success).toBe(true);
      (out as Record<string, unknown>)[collector.key] = data;
    } catch (error) {
      if (!(error instanceof CollectionError)) throw error;
      out.errors[collector.key] = error;
    }
  }
  return out;
}

function isCovered(envId: string, policies: DlpPolicy[]): boolean {
  return policies.some(
    (p) => p.environmentType === 'AllEnvironments' || (p.environmentType === 'OnlyEnvironments' ? p.environments.includes(envId) : !p.environments.includes(envId)),
  );
}

function governance(settings: Record<string, unknown> | undefined): Record<string, unknown> {
  const powerPlatform = settings?.['powerPlatform'] as Record<string, Record<string, unknown>>;
  return { ...powerPlatform['governance'], ...powerPlatform['powerApps'] };
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(async () => {
  nock.cleanAll();
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});
afterAll(() => nock.enableNetConnect());

describe('simulator profiles', () => {
  it('initial: ungoverned tenant', async () => {
    const sim = await start({ profile: 'initial' });
    const e = await collectAll(sim);
    // Power Advisor refuses a tenant without managed environments: unavailable, with that reason.
    expect(Object.keys(e.errors)).toEqual(['advisorRecommendations']);
    expect(e.errors.advisorRecommendations).toMatchObject({ status: 'unavailable', code: 'PPMAT_E_PREREQUISITE_MISSING' });
    expect(e.errors.advisorRecommendations?.message).toMatch(/at least one environment is managed.*answered 403: ManagedEnvironmentRequired/);
    expect(e.environmentGroups).toEqual({ groups: [] });
    expect(e.tenantSettings?.['disableEnvironmentCreationByNonAdminUsers']).toBe(false);
    expect(e.tenantSettings?.['disableTrialEnvironmentCreationByNonAdminUsers']).toBe(false);
    expect(governance(e.tenantSettings)).toMatchObject({ disableDeveloperEnvironmentCreationByNonAdminUsers: false, disableShareWithEveryone: false });
    expect(e.dlpPolicies).toEqual({ policies: [] });
    expect(e.tenantIsolation).toEqual({ configured: false, enabled: false, allowedTenants: [] });
    const envs = e.environments?.environments ?? [];
    expect(envs).toHaveLength(12);
    expect(envs.some((env) => env.managed)).toBe(false);
    const casual = envs.filter((env) => ['Default', 'Trial', 'Developer'].includes(env.type));
    expect(casual.length).toBeGreaterThan(envs.length / 2);
  });

  it('defined: the basics, with one sandbox outside DLP', async () => {
    const sim = await start({ profile: 'defined' });
    const e = await collectAll(sim);
    expect(e.errors).toEqual({});
    expect(e.tenantSettings?.['disableEnvironmentCreationByNonAdminUsers']).toBe(true);
    expect(e.tenantSettings?.['disableTrialEnvironmentCreationByNonAdminUsers']).toBe(true);
    expect(governance(e.tenantSettings)).toMatchObject({ disableDeveloperEnvironmentCreationByNonAdminUsers: true, disableShareWithEveryone: true });
    expect(e.tenantIsolation?.enabled).toBe(true);
    expect(e.tenantIsolation?.allowedTenants).toHaveLength(2);

    const envs = e.environments?.environments ?? [];
    const policies = e.dlpPolicies?.policies ?? [];
    expect(policies.map((p) => p.environmentType).sort()).toEqual(['ExceptEnvironments', 'OnlyEnvironments']);
    const defaultEnv = envs.find((env) => env.isDefault);
    expect(policies.find((p) => p.environmentType === 'OnlyEnvironments')?.environments).toEqual([defaultEnv?.id]);
    const uncovered = envs.filter((env) => !isCovered(env.id, policies));
    expect(uncovered.map((env) => env.type)).toEqual(['Sandbox']);

    const managed = envs.filter((env) => env.managed);
    expect(managed.length).toBeGreaterThan(0);
    expect(managed.length).toBeLessThan(envs.length);
    expect(managed.every((env) => env.sharing.canvasApps.mode === 'excludeSharingToSecurityGroups' && (env.sharing.canvasApps.maxUsers ?? 0) > 0)).toBe(true);
    const grouped = envs.filter((env) => env.environmentGroupId !== null);
    expect(grouped.length).toBeGreaterThan(0);
    expect(grouped.length).toBeLessThan(envs.length / 2);
    // One group, the one the environments carry, without rules yet.
    const groups = e.environmentGroups?.groups ?? [];
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ displayName: 'Managed production', ruleSetCount: 0, policyIds: [], parentGroupId: null });
    expect(new Set(grouped.map((env) => env.environmentGroupId))).toEqual(new Set([groups[0]?.id]));
    const recommendations = e.advisorRecommendations?.recommendations ?? [];
    expect(recommendations).toHaveLength(4);
    expect(recommendations.every((r) => r.resourceCount !== null && r.resourceCount >= 4 && r.lastRefreshed !== null)).toBe(true);
  });

  it('capable: everything governed', async () => {
    const sim = await start({ profile: 'capable' });
    const e = await collectAll(sim);
    expect(e.errors).toEqual({});
    expect(e.tenantSettings?.['disableEnvironmentCreationByNonAdminUsers']).toBe(true);
    expect(e.tenantIsolation?.enabled).toBe(true);
    const envs = e.environments?.environments ?? [];
    const policies = e.dlpPolicies?.policies ?? [];
    expect(envs.every((env) => isCovered(env.id, policies))).toBe(true);
    expect(policies.some((p) => p.actionRuleConnectors.length > 0)).toBe(true);
    expect(policies.some((p) => p.endpointRuleConnectors.length > 0)).toBe(true);

    const prodAndSandbox = envs.filter((env) => env.type === 'Production' || env.type === 'Sandbox');
    expect(prodAndSandbox.length).toBeGreaterThan(0);
    for (const env of prodAndSandbox) {
      expect(env).toMatchObject({ managed: true, solutionCheckerMode: 'block', sharing: { canvasApps: { mode: 'excludeSharingToSecurityGroups', maxUsers: 20 } } });
    }
    expect(envs.filter((env) => env.hasDataverse).every((env) => env.securityGroupId !== null)).toBe(true);
    expect(envs.filter((env) => env.environmentGroupId !== null).length).toBeGreaterThan(envs.length / 2);
    // A group per tier, each governed by rule sets; every group id an environment carries is listed.
    const groups = e.environmentGroups?.groups ?? [];
    expect(groups.map((g) => g.displayName)).toEqual(['Managed production', 'Managed sandboxes', 'Developer environments']);
    expect(groups.every((g) => g.ruleSetCount >= 2 && g.policyIds.length > 0)).toBe(true);
    const groupIds = new Set(groups.map((g) => g.id));
    expect(envs.every((env) => env.environmentGroupId === null || groupIds.has(env.environmentGroupId))).toBe(true);
    const tierOf = (id: string) => new Set(envs.filter((env) => env.environmentGroupId === id).map((env) => env.type));
    expect(groups.map((g) => [...tierOf(g.id)])).toEqual([['Production'], ['Sandbox'], ['Developer']]);
    const recommendations = e.advisorRecommendations?.recommendations ?? [];
    expect(recommendations.length).toBeGreaterThan(0);
    expect(recommendations.every((r) => r.resourceCount !== null && r.resourceCount <= 3)).toBe(true);
    expect(envs.filter((env) => env.type === 'Production').every((env) => env.enterprisePolicies.vnet)).toBe(true);
    expect(envs.some((env) => env.enterprisePolicies.customerManagedKey)).toBe(true);
  });

  it('names the default environment Default-{tenantId}', async () => {
    const sim = await start({ tenantId: '0a1b2c3d-0000-4000-8000-000000000001' });
    const e = await collectAll(sim);
    const defaults = e.environments?.environments.filter((env) => env.isDefault) ?? [];
    expect(defaults).toHaveLength(1);
    expect(defaults[0]).toMatchObject({ id: 'Default-0a1b2c3d-0000-4000-8000-000000000001', type: 'Default' });
    expect(defaults[0]?.displayName).toMatch(/ \(default\)$/);
  });
});

describe('determinism', () => {
  it('gives identical evidence for the same seed and different evidence for another', async () => {
    const [a, b, c] = await Promise.all([start({ seed: 7 }), start({ seed: 7 }), start({ seed: 8 })]);
    const [ea, eb, ec] = await Promise.all([collectAll(a as RunningSimulator), collectAll(b as RunningSimulator), collectAll(c as RunningSimulator)]);
    expect(a?.tenantId).toBe(b?.tenantId);
    expect(ea).toEqual(eb);
    expect(ec.environments).not.toEqual(ea.environments);
  });
});

describe('wire shapes', () => {
  it('pages environments with absolute nextLinks and sends extendedSettings as strings', async () => {
    const sim = await start({ profile: 'capable', environments: 7, pageSize: 3 });
    const http = client(sim);
    const pages: number[] = [];
    const items = await http.paginate<{ properties: { governanceConfiguration?: { settings?: { extendedSettings?: Record<string, unknown> } } } }>(
      { surface: 'bap', url: '/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments?api-version=2023-06-01' },
      (page) => pages.push(page.length),
    );
    expect(pages).toEqual([3, 3, 1]);
    expect(items).toHaveLength(7);
    const values = items.flatMap((item) => Object.values(item.properties.governanceConfiguration?.settings?.extendedSettings ?? {}));
    expect(values.length).toBeGreaterThan(0);
    expect(values.every((value) => typeof value === 'string')).toBe(true);

    const first = await fetch(`${sim.url}/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments?api-version=2023-06-01`, { headers: { Authorization: 'Bearer x' } });
    const body = (await first.json()) as { nextLink?: string };
    expect(body.nextLink?.startsWith(`${sim.url}/`)).toBe(true);
  });

  it('lists DLP policies without connector groups; the detail has them', async () => {
    const sim = await start({ profile: 'defined' });
    const headers = { Authorization: 'Bearer x' };
    const list = (await (await fetch(`${sim.url}/providers/PowerPlatform.Governance/v2/policies`, { headers })).json()) as { value: { policyDefinition: Record<string, unknown> }[] };
    const first = list.value[0]?.policyDefinition;
    expect(first).toBeDefined();
    expect(first).not.toHaveProperty('connectorGroups');
    const detail = (await (await fetch(`${sim.url}/providers/PowerPlatform.Governance/v2/policies/${String(first?.['name'])}`, { headers })).json()) as {
      policyDefinition: Record<string, unknown>;
    };
    expect(detail.policyDefinition['connectorGroups']).toHaveLength(3);
  });

  it('answers 204 for the environment groups of a tenant without any, and for a group without rules', async () => {
    const headers = { Authorization: 'Bearer x' };
    const initial = await start({ profile: 'initial' });
    expect((await fetch(`${initial.url}/environmentmanagement/environmentGroups?api-version=2024-10-01`, { headers })).status).toBe(204);
    const defined = await start({ profile: 'defined' });
    const group = defined.model.environmentGroups[0];
    const assignments = await fetch(`${defined.url}/governance/ruleBasedPolicies/environmentGroups/${group?.id}/assignments?api-version=2024-10-01&includeRuleSetCounts=true`, {
      headers,
    });
    expect(assignments.status).toBe(204);
  });

  it('pages environment groups by @odata.nextLink and Advisor by nextLink with $skipToken', async () => {
    const sim = await start({ profile: 'capable', pageSize: 2 });
    const headers = { Authorization: 'Bearer x' };
    const groups = (await (await fetch(`${sim.url}/environmentmanagement/environmentGroups?api-version=2024-10-01`, { headers })).json()) as Record<string, unknown>;
    expect(groups['value']).toHaveLength(2);
    expect(groups['@odata.nextLink']).toBe(`${sim.url}/environmentmanagement/environmentGroups?api-version=2024-10-01&%24skiptoken=2`);
    const advisor = (await (await fetch(`${sim.url}/analytics/advisorRecommendations?api-version=2024-10-01`, { headers })).json()) as Record<string, unknown>;
    expect(advisor['value']).toEqual([
      { scenario: 'UnusedApps', details: { resourceCount: expect.any(Number), lastRefreshedTimestamp: expect.any(String), expectedNextRefreshTimestamp: expect.any(String) } },
      expect.objectContaining({ scenario: 'AbandonedApps' }),
    ]);
    expect(advisor['nextLink']).toMatch(/&%24skipToken=2$/);
    const production = sim.model.environmentGroups[0];
    const assignments = (await (
      await fetch(`${sim.url}/governance/ruleBasedPolicies/environmentGroups/${production?.id}/assignments?api-version=2024-10-01&includeRuleSetCounts=true`, { headers })
    ).json()) as { value: Record<string, unknown>[] };
    expect(assignments.value).toEqual([
      { policyId: expect.any(String), resourceId: production?.id, resourceType: 'EnvironmentGroup', ruleSetCount: 2, tenantId: sim.tenantId },
      { policyId: expect.any(String), resourceId: production?.id, resourceType: 'EnvironmentGroup', ruleSetCount: 1, tenantId: sim.tenantId },
    ]);
    // The collectors read every page.
    const e = await collectAll(sim);
    expect(e.environmentGroups?.groups).toHaveLength(3);
    expect(e.advisorRecommendations?.recommendations).toHaveLength(4);
  });

  it('answers 404 for tenant isolation that was never configured', async () => {
    const sim = await start({ profile: 'initial' });
    const res = await fetch(`${sim.url}/providers/PowerPlatform.Governance/v1/tenants/${sim.tenantId}/tenantIsolationPolicy?api-version=2020-06-01`, {
      headers: { Authorization: 'Bearer x' },
    });
    expect(res.status).toBe(404);
  });

  it('refuses requests without a bearer token (401) and counts them', async () => {
    const sim = await start();
    const res = await fetch(`${sim.url}/providers/PowerPlatform.Governance/v2/policies`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(sim.requests()).toBe(1);
  });

  it('answers like the real API to GET listTenantSettings and to a missing api-version', async () => {
    const sim = await start();
    const headers = { Authorization: 'Bearer x' };
    expect((await fetch(`${sim.url}/providers/Microsoft.BusinessAppPlatform/listTenantSettings?api-version=2023-06-01`, { headers })).status).toBe(405);
    expect((await fetch(`${sim.url}/providers/Microsoft.BusinessAppPlatform/listTenantSettings`, { method: 'POST', headers })).status).toBe(400);
  });
});

describe('faults', () => {
  it('403 makes one family unavailable and leaves the others', async () => {
    const sim = await start({ faults: { dlpPolicies: { status: 403 } } });
    const e = await collectAll(sim);
    expect(e.errors.dlpPolicies?.status).toBe('unavailable');
    expect(e.errors.dlpPolicies?.code).toBe('PPMAT_E_HTTP_FORBIDDEN');
    expect(e.environments).toBeDefined();
    expect(e.tenantIsolation).toBeDefined();
  });

  it('500 once is retried and recovers', async () => {
    const sim = await start({ faults: { tenantSettings: { status: 500, times: 1 } } });
    const e = await collectAll(sim);
    expect(e.errors).toEqual({});
    expect(e.tenantSettings).toBeDefined();
  });

  it('429 with Retry-After, then success', async () => {
    const sleeps: number[] = [];
    const sim = await start({ faults: { environments: { status: 429, times: 2, retryAfterSeconds: 3 } } });
    const e = await collectAll(sim, sleeps);
    expect(e.errors).toEqual({});
    expect(sleeps).toEqual([3000, 3000]);
  });

  it('429 for ever exhausts the retries', async () => {
    const sim = await start({ faults: { tenantIsolation: { status: 429, retryAfterSeconds: 1 } } });
    const e = await collectAll(sim);
    expect(e.errors.tenantIsolation?.code).toBe('PPMAT_E_HTTP_THROTTLED');
  });

  it('faults the environment groups and Advisor families like the others', async () => {
    const sleeps: number[] = [];
    const sim = await start({
      profile: 'capable',
      faults: { environmentGroups: { status: 429, times: 1, retryAfterSeconds: 2 }, advisorRecommendations: { status: 403 } },
    });
    const e = await collectAll(sim, sleeps);
    expect(e.environmentGroups?.groups).toHaveLength(3);
    expect(sleeps[0]).toBe(2000);
    expect(e.errors.advisorRecommendations).toMatchObject({ status: 'unavailable', code: 'PPMAT_E_HTTP_FORBIDDEN' });
  });

  it('a malformed body is a malformed-response error', async () => {
    const sim = await start({ faults: { environments: { status: 200, body: '{"value": [ {"name": ' } } });
    const e = await collectAll(sim);
    expect(e.errors.environments?.code).toBe('PPMAT_E_MALFORMED_RESPONSE');
    expect(e.errors.environments?.status).toBe('error');
  });
});
