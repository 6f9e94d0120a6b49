/**
 * Contract: the simulator answers in the shapes of the recorded API pages (test/fixtures/api,
 * written from the reference's payloads), so a collector that passes its nock tests on the
 * recordings also reads the simulator the same way. Both parse with the collector's own raw
 * schema, and every evidence field the recording fills, the simulator's answer fills too:
 * a simulator that dropped or renamed a field the collectors read would fail here, not in a
 * demo that quietly shows "unknown".
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { mapAgent } from '../../src/collectors/inventory/agents.map.js';
import { rawBotSchema } from '../../src/collectors/inventory/agents.raw.js';
import { mapCanvasApp } from '../../src/collectors/inventory/canvas-apps.map.js';
import { rawCanvasAppSchema } from '../../src/collectors/inventory/canvas-apps.raw.js';
import { mapCloudFlow } from '../../src/collectors/inventory/cloud-flows.map.js';
import { rawCloudFlowSchema } from '../../src/collectors/inventory/cloud-flows.raw.js';
import { mapCustomConnector } from '../../src/collectors/inventory/custom-connectors.map.js';
import { rawCustomConnectorSchema } from '../../src/collectors/inventory/custom-connectors.raw.js';
import { mapOrganization } from '../../src/collectors/inventory/dataverse-settings.map.js';
import { rawDeploymentPipelineSchema, rawOrganizationSchema } from '../../src/collectors/inventory/dataverse-settings.raw.js';
import { mapModelDrivenApp } from '../../src/collectors/inventory/model-driven-apps.map.js';
import { rawAppModuleSchema } from '../../src/collectors/inventory/model-driven-apps.raw.js';
import { mapPowerPagesSite } from '../../src/collectors/inventory/power-pages-sites.map.js';
import { rawWebsiteSchema } from '../../src/collectors/inventory/power-pages-sites.raw.js';
import { rawPermissionSchema } from '../../src/collectors/inventory/permissions.js';
import { mapEnvironment } from '../../src/collectors/environments.map.js';
import { rawEnvironmentSchema } from '../../src/collectors/environments.raw.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ profile: 'capable', asOf: '2026-06-01T00:00:00Z' });
});
afterAll(async () => {
  await sim?.close();
});

type Json = Record<string, unknown>;

const recorded = (name: string): Json => JSON.parse(readFileSync(new URL(`../fixtures/api/${name}`, import.meta.url), 'utf8')) as Json;

async function served(path: string): Promise<Json> {
  const res = await fetch(`${sim.url}${path}`, { headers: { Authorization: 'Bearer contract' } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as Json;
}

/** Key paths of a mapped evidence item whose value is not null (arrays through their first element). */
function known(value: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (value === null || value === undefined) return out;
  if (Array.isArray(value)) {
    out.add(prefix);
    if (value.length > 0) known(value[0], `${prefix}[]`, out);
  } else if (typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) known(child, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.add(prefix);
  }
  return out;
}

interface Reader<R> {
  schema: z.ZodType<R>;
  map: (raw: R) => unknown;
  /** Fields the recording has because it was made with a request option ppmat does not send. */
  notAsked?: string[];
}

/**
 * The contract of one endpoint: the recorded item and the simulator's both parse with the
 * collector's raw schema, and every evidence field the recording fills, the simulator fills too.
 */
function unfilled<R>(reader: Reader<R>, recordedItem: unknown, servedItem: unknown): string[] {
  const fromRecording = known(reader.map(reader.schema.parse(recordedItem)));
  const fromSimulator = known(reader.map(reader.schema.parse(servedItem)));
  return [...fromRecording].filter((path) => !fromSimulator.has(path) && !(reader.notAsked ?? []).includes(path)).sort();
}

const first = (page: Json): unknown => (page['value'] as unknown[])[0];

describe('the simulator answers in the recorded shapes', () => {
  const envWithDataverse = () => sim.model.environments.find((e) => e.dataverse && !e.isDefault)!;
  const dataverse = (table: string) => `/dataverse/${envWithDataverse().name}/api/data/v9.2/${table}`;
  const pipelinesHost = () => sim.model.environments.find((e) => e.dataverse && sim.model.dataverse.table(sim.model.environmentIndex(e.name), 'deploymentpipelines'))!;

  const withConnectors = () => sim.model.environments[sim.model.environments.findIndex((_e, i) => sim.model.inventory.customConnectors.count(i) > 0)]!;
  const reader = <R,>(schema: z.ZodType<R>, map: (raw: R) => unknown, notAsked: string[] = []): Reader<unknown> => ({ schema, map, notAsked }) as Reader<unknown>;
  const cases: [string, string, () => string, Reader<unknown>][] = [
    ['environments.page1.json', 'environments', () => '/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments?api-version=2023-06-01&$expand=properties.capacity', reader(rawEnvironmentSchema, mapEnvironment)],
    ['inventory/canvas-apps.page1.json', 'canvas apps', () => `/providers/Microsoft.PowerApps/scopes/admin/environments/${envWithDataverse().name}/apps?api-version=2016-11-01`, reader(rawCanvasAppSchema, mapCanvasApp)],
    ['inventory/cloud-flows.page1.json', 'cloud flows', () => `/providers/Microsoft.ProcessSimple/scopes/admin/environments/${envWithDataverse().name}/flows?api-version=2016-11-01`, reader(rawCloudFlowSchema, mapCloudFlow)],
    ['inventory/custom-connectors.page1.json', 'custom connectors', () => `/providers/Microsoft.PowerApps/scopes/admin/environments/${withConnectors().name}/apis?api-version=2016-11-01`, reader(rawCustomConnectorSchema, mapCustomConnector)],
    // The owner's name and table are annotations, sent only under `Prefer: odata.include-annotations`, which ppmat does not ask for.
    ['inventory/bots.page1.json', 'agents (bots)', () => dataverse('bots'), reader(rawBotSchema, mapAgent, ['owner.displayName', 'owner.type'])],
    ['inventory/appmodules.page1.json', 'model-driven apps (appmodules)', () => dataverse('appmodules'), reader(rawAppModuleSchema, mapModelDrivenApp)],
    ['inventory/organizations.json', 'organization settings', () => dataverse('organizations'), reader(rawOrganizationSchema, mapOrganization)],
    ['inventory/deploymentpipelines.json', 'deployment pipelines', () => `/dataverse/${pipelinesHost().name}/api/data/v9.2/deploymentpipelines`, reader(rawDeploymentPipelineSchema, (raw) => raw)],
  ];

  for (const [fixture, label, path, read] of cases) {
    it(`${label} (${fixture})`, async () => {
      const page = await served(path());
      expect(first(page), `the simulator served no ${label}`).toBeDefined();
      expect(unfilled(read, first(recorded(fixture)), first(page))).toEqual([]);
    });
  }

  it('app permissions (inventory/canvas-app.permissions.json)', async () => {
    const env = envWithDataverse().name;
    const apps = await served(`/providers/Microsoft.PowerApps/scopes/admin/environments/${env}/apps?api-version=2016-11-01`);
    const app = String((first(apps) as Json)['name']);
    const page = await served(`/providers/Microsoft.PowerApps/scopes/admin/environments/${env}/apps/${app}/permissions?api-version=2016-11-01`);
    const principal = reader(rawPermissionSchema, (raw) => ({ roleName: raw.properties.roleName ?? null, principal: { id: raw.properties.principal?.id ?? null, type: raw.properties.principal?.type ?? null } }));
    expect(unfilled(principal, first(recorded('inventory/canvas-app.permissions.json')), first(page))).toEqual([]);
  });

  it('Power Pages sites (inventory/websites.page1.json)', async () => {
    const withSites = sim.model.environments.findIndex((e, i) => e.dataverse && sim.model.inventory.websites.count(i) > 0);
    expect(withSites).toBeGreaterThanOrEqual(0);
    const page = await served(`/powerpages/environments/${sim.model.environments[withSites]!.name}/websites?api-version=2024-10-01`);
    expect(unfilled(reader(rawWebsiteSchema, mapPowerPagesSite), first(recorded('inventory/websites.page1.json')), first(page))).toEqual([]);
  });
});
