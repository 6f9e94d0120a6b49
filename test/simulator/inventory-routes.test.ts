/**
 * The demo tenant's per-environment inventory endpoints over loopback HTTP: canvas apps and
 * their permissions, cloud flows and theirs, custom connectors, Power Pages sites and tenant
 * capacity, with the real paging of each surface.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/index.js';

const running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

async function start(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const sim = await startSimulator(options);
  running.push(sim);
  return sim;
}

type Json = Record<string, unknown>;
const HEADERS = { Authorization: 'Bearer test-token' };

async function get(sim: RunningSimulator, pathOrUrl: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(pathOrUrl.startsWith('http') ? pathOrUrl : `${sim.url}${pathOrUrl}`, { headers: HEADERS });
  const text = await res.text();
  return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Json) };
}

/** Follows `linkKey` from the first page; returns every item and each page's length. */
async function readAll(sim: RunningSimulator, path: string, linkKey: string): Promise<{ items: Json[]; pages: number[] }> {
  const items: Json[] = [];
  const pages: number[] = [];
  let next: string | undefined = path;
  while (next) {
    const { status, body } = await get(sim, next);
    expect(status).toBe(200);
    const value = body['value'] as Json[];
    pages.push(value.length);
    items.push(...value);
    next = body[linkKey] as string | undefined;
    if (next) expect(next.startsWith(`${sim.url}/`)).toBe(true);
  }
  return { items, pages };
}

const appsPath = (env: string) => `/providers/Microsoft.PowerApps/scopes/admin/environments/${env}/apps?api-version=2016-11-01`;
const flowsPath = (env: string) => `/providers/Microsoft.ProcessSimple/scopes/admin/environments/${env}/flows?api-version=2016-11-01`;
const apisPath = (env: string) => `/providers/Microsoft.PowerApps/scopes/admin/environments/${env}/apis?api-version=2016-11-01`;
const sitesPath = (env: string) => `/powerpages/environments/${env}/websites?api-version=2024-10-01`;

describe('canvas apps', () => {
  it('pages every environment by a top-level nextLink, and the totals are exact', async () => {
    const sim = await start({ profile: 'defined', size: { environments: 6, apps: 37 }, inventoryPageSize: 4 });
    let total = 0;
    for (const [index, env] of sim.model.environments.entries()) {
      const { items, pages } = await readAll(sim, appsPath(env.name), 'nextLink');
      const count = sim.model.inventory.apps.count(index);
      expect(items).toHaveLength(count);
      expect(pages.slice(0, -1).every((n) => n === 4)).toBe(true);
      expect(new Set(items.map((app) => app['name'])).size).toBe(count);
      total += items.length;
    }
    expect(total).toBe(37);
    // The default environment holds the most apps.
    const counts = sim.model.environments.map((_, i) => sim.model.inventory.apps.count(i));
    expect(counts[0]).toBe(Math.max(...counts));
  });

  it('sends the fields of reference 6a, owners from the maker directory', async () => {
    const sim = await start({ profile: 'capable' });
    const env = sim.model.environments[0]!;
    const { body } = await get(sim, appsPath(env.name));
    const app = (body['value'] as Json[])[0]!;
    expect(app).toMatchObject({
      name: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      id: `/providers/Microsoft.PowerApps/scopes/admin/environments/${env.name}/apps/${String(app['name'])}`,
      type: 'Microsoft.PowerApps/scopes/admin/apps',
      appType: 'ClassicCanvasApp',
      properties: {
        displayName: expect.any(String),
        owner: { id: expect.any(String), displayName: expect.any(String), email: expect.any(String), type: 'User', tenantId: sim.tenantId, userPrincipalName: expect.any(String) },
        createdBy: expect.objectContaining({ type: 'User' }),
        lastModifiedBy: expect.objectContaining({ type: 'User' }),
        createdTime: expect.any(String),
        lastModifiedTime: expect.any(String),
        lastPublishTime: expect.any(String),
        sharedUsersCount: expect.any(Number),
        sharedGroupsCount: expect.any(Number),
        almMode: expect.stringMatching(/^(Solution|Environment)$/),
        usesPremiumApi: expect.any(Boolean),
        executionRestrictions: { dataLossPreventionEvaluationResult: { status: expect.stringMatching(/^(Compliant|Blocked)$/) } },
        environment: { id: `/providers/Microsoft.PowerApps/environments/${env.name}`, name: env.name },
      },
    });
    const props = app['properties'] as Json;
    expect(sim.model.makers.byId((props['owner'] as Json)['id'] as string)).not.toBeNull();
    expect(Date.parse(props['createdTime'] as string)).toBeLessThanOrEqual(Date.parse(props['lastModifiedTime'] as string));
  });

  it('answers permissions that agree with sharedUsersCount and sharedGroupsCount, the owner first', async () => {
    const sim = await start({ profile: 'initial' });
    let everyone = 0;
    for (const env of sim.model.environments) {
      const { items } = await readAll(sim, appsPath(env.name), 'nextLink');
      for (const app of items) {
        const props = app['properties'] as Json;
        const { status, body } = await get(sim, `/providers/Microsoft.PowerApps/scopes/admin/environments/${env.name}/apps/${String(app['name'])}/permissions?api-version=2016-11-01`);
        expect(status).toBe(200);
        const assignments = (body['value'] as Json[]).map((a) => a['properties'] as { roleName: string; principal: Json });
        expect((body['value'] as Json[]).every((a) => a['type'] === 'Microsoft.PowerApps/apps/permissions')).toBe(true);
        expect(assignments[0]).toMatchObject({ roleName: 'Owner', principal: { id: (props['owner'] as Json)['id'], type: 'User', tenantId: sim.tenantId } });
        const others = assignments.slice(1);
        expect(others.filter((a) => a.principal['type'] === 'User')).toHaveLength(props['sharedUsersCount'] as number);
        expect(others.filter((a) => a.principal['type'] === 'Group')).toHaveLength(props['sharedGroupsCount'] as number);
        expect(new Set(others.map((a) => a.principal['id'])).size).toBe(others.length);
        expect(others.every((a) => ['CanEdit', 'CanView'].includes(a.roleName))).toBe(true);
        const tenant = others.filter((a) => a.principal['type'] === 'Tenant');
        if (tenant.length > 0) {
          everyone += 1;
          expect(tenant[0]?.principal['id']).toBe(sim.tenantId);
        }
      }
    }
    // The initial profile shares apps with Everyone.
    expect(everyone).toBeGreaterThan(0);
  });

  it('shares no app with Everyone in the capable profile', () => {
    return start({ profile: 'capable', size: { environments: 20, apps: 400 } }).then((sim) => {
      const { inventory } = sim.model;
      const apps = sim.model.environments.flatMap((_, e) => Array.from({ length: inventory.apps.count(e) }, (_, i) => inventory.apps.at(e, i)));
      expect(apps).toHaveLength(400);
      expect(apps.some((app) => app.sharedWithEveryone)).toBe(false);
      expect(apps.some((app) => app.sharedGroups > 0)).toBe(true);
    });
  });

  it('answers 404 for an unknown environment or app, 400 without api-version, and matches paths case-insensitively', async () => {
    const sim = await start();
    const env = sim.model.environments[0]!.name;
    expect((await get(sim, appsPath('no-such-env'))).body).toEqual({ error: { code: 'EnvironmentNotFound', message: expect.any(String) } });
    expect((await get(sim, appsPath('no-such-env'))).status).toBe(404);
    expect((await get(sim, `/providers/Microsoft.PowerApps/scopes/admin/environments/${env}/apps/00000000-0000-4000-8000-000000000000/permissions?api-version=2016-11-01`)).status).toBe(404);
    expect((await get(sim, `/providers/Microsoft.PowerApps/scopes/admin/environments/${env}/apps`)).status).toBe(400);
    expect((await get(sim, appsPath(env).replace('/providers/Microsoft.PowerApps/', '/PROVIDERS/microsoft.powerapps/'))).status).toBe(200);
    expect((await get(sim, appsPath(env.toUpperCase()))).status).toBe(200);
  });
});

describe('cloud flows', () => {
  it('pages by nextLink with the reference 6c shape', async () => {
    const sim = await start({ profile: 'defined', size: { environments: 4, flows: 23 }, inventoryPageSize: 3 });
    let total = 0;
    for (const [index, env] of sim.model.environments.entries()) {
      const { items } = await readAll(sim, flowsPath(env.name), 'nextLink');
      expect(items).toHaveLength(sim.model.inventory.flows.count(index));
      total += items.length;
      for (const flow of items) {
        expect(flow).toMatchObject({
          name: expect.any(String),
          id: `/providers/Microsoft.ProcessSimple/environments/${env.name}/flows/${String(flow['name'])}`,
          type: 'Microsoft.ProcessSimple/environments/flows',
          properties: {
            displayName: expect.any(String),
            state: expect.stringMatching(/^(Started|Stopped|Suspended)$/),
            createdTime: expect.any(String),
            lastModifiedTime: expect.any(String),
            creator: { tenantId: sim.tenantId, objectId: expect.any(String), userId: expect.any(String), userType: 'ActiveDirectory' },
            environment: { name: env.name, id: `/providers/Microsoft.ProcessSimple/environments/${env.name}` },
          },
        });
      }
    }
    expect(total).toBe(23);
  });

  it('answers flow permissions with the creator as Owner and distinct principals', async () => {
    const sim = await start({ profile: 'capable' });
    const env = sim.model.environments[0]!;
    const { items } = await readAll(sim, flowsPath(env.name), 'nextLink');
    let shared = 0;
    for (const flow of items) {
      const { status, body } = await get(sim, `/providers/Microsoft.ProcessSimple/scopes/admin/environments/${env.name}/flows/${String(flow['name'])}/permissions?api-version=2016-11-01`);
      expect(status).toBe(200);
      const value = body['value'] as Json[];
      const creator = ((flow['properties'] as Json)['creator'] as Json)['objectId'];
      expect(value[0]).toMatchObject({
        type: 'Microsoft.ProcessSimple/environments/flows/permissions',
        properties: { roleName: 'Owner', permissionType: 'Principal', principal: { id: creator, type: 'User', tenantId: sim.tenantId } },
      });
      const principals = value.map((p) => (p['properties'] as { principal: Json }).principal);
      expect(new Set(principals.map((p) => p['id'])).size).toBe(principals.length);
      expect(principals.every((p) => p['type'] === 'User' || p['type'] === 'Group')).toBe(true);
      if (value.length > 1) shared += 1;
    }
    expect(shared).toBeGreaterThan(0);
  });
});

describe('custom connectors', () => {
  it('lists a few per environment, fewer than apps, marked custom', async () => {
    const sim = await start({ size: { environments: 3, apps: 60 }, inventoryPageSize: 2 });
    let connectors = 0;
    for (const [index, env] of sim.model.environments.entries()) {
      const { items } = await readAll(sim, apisPath(env.name), 'nextLink');
      expect(items.length).toBeLessThanOrEqual(sim.model.inventory.apps.count(index));
      connectors += items.length;
      for (const api of items) {
        expect(api).toMatchObject({
          id: `/providers/Microsoft.PowerApps/scopes/admin/environments/${env.name}/apis/${String(api['name'])}`,
          type: 'Microsoft.PowerApps/apis',
          properties: { displayName: expect.any(String), isCustomApi: true, createdTime: expect.any(String), changedTime: expect.any(String), createdBy: { id: expect.any(String), displayName: expect.any(String), type: 'User' }, tier: 'Premium' },
        });
      }
    }
    expect(connectors).toBeGreaterThan(0);
    expect(connectors).toBeLessThan(60);
  });
});

describe('Power Pages sites', () => {
  it('pages by @odata.nextLink with skip, and answers 404 for an environment without Dataverse', async () => {
    const sim = await start({ profile: 'initial', inventoryPageSize: 1 });
    const index = sim.model.environments.findIndex((_, i) => sim.model.inventory.websites.count(i) > 1);
    const env = sim.model.environments[index]!;
    const first = await get(sim, sitesPath(env.name));
    expect(first.status).toBe(200);
    expect(first.body['@odata.metadata']).toEqual(expect.any(String));
    expect(first.body['@odata.nextLink']).toBe(`${sim.url}${sitesPath(env.name)}&skip=1`);
    const { items } = await readAll(sim, sitesPath(env.name), '@odata.nextLink');
    expect(items).toHaveLength(sim.model.inventory.websites.count(index));
    expect(items[0]).toMatchObject({
      id: expect.any(String),
      name: expect.any(String),
      websiteUrl: expect.stringMatching(/^https:\/\/.+\.powerappsportals\.com$/),
      siteVisibility: expect.stringMatching(/^(public|private)$/),
      type: expect.stringMatching(/^(Production|Trial)$/),
      status: 'OperationComplete',
      ownerId: expect.any(String),
      createdOn: expect.any(String),
      tenantId: sim.tenantId,
      environmentId: env.name,
      dataverseInstanceUrl: `https://${env.dataverse?.uniqueName}.api.crm4.dynamics.com`,
    });
    const without = sim.model.environments.find((e) => !e.dataverse)!;
    expect((await get(sim, sitesPath(without.name))).status).toBe(404);
  });
});

describe('tenant capacity and the environment list', () => {
  it('answers tenantCapacity in the shape of reference 7c', async () => {
    const sim = await start({ profile: 'initial' });
    const { status, body } = await get(sim, '/licensing/tenantCapacity?api-version=2022-03-01-preview');
    expect(status).toBe(200);
    expect(body).toMatchObject({ tenantId: sim.tenantId, licenseModelType: 'StorageDriven', capacitySummary: { status: expect.any(String) } });
    const capacities = body['tenantCapacities'] as Json[];
    expect(capacities.map((c) => c['capacityType'])).toEqual(['Database', 'File', 'Log']);
    expect(capacities[0]).toMatchObject({ capacityUnits: 'MB', totalCapacity: expect.any(Number), consumption: { actual: expect.any(Number), rated: expect.any(Number) }, capacityEntitlements: [expect.objectContaining({ licenses: [expect.any(Object)] })] });
    expect((await get(sim, '/licensing/tenantCapacity')).status).toBe(400);
  });

  it('gives real-looking Dataverse URLs, the same on any port, which the simulator serves by host', async () => {
    const sim = await start({ pageSize: 50 });
    const { body } = await get(sim, '/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments?api-version=2023-06-01');
    const withDataverse = (body['value'] as Json[]).filter((env) => (env['properties'] as Json)['linkedEnvironmentMetadata']);
    expect(withDataverse.length).toBeGreaterThan(0);
    for (const env of withDataverse) {
      const metadata = (env['properties'] as Json)['linkedEnvironmentMetadata'] as Json;
      const uniqueName = String(metadata['uniqueName']);
      expect(metadata).toMatchObject({ instanceUrl: `https://${uniqueName}.crm4.dynamics.com/`, instanceApiUrl: `https://${uniqueName}.api.crm4.dynamics.com` });
      // Through ppmat's Dataverse proxy (`endpoints.dataverse`), by organization host.
      const org = await get(sim, `/dataverse/${uniqueName}.api.crm4.dynamics.com/api/data/v9.2/organizations`);
      expect(org.status).toBe(200);
    }
  });
});
