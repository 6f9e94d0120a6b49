/**
 * The demo tenant at bench scale: 10,000 environments, 100,000 apps and 200,000 flows are
 * generated per request, never stored, so the model stays small; totals are exact, the
 * distribution uneven, and every payload the same on every build.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildTenantModel, startSimulator, type RunningSimulator, type TenantModel } from '../../src/simulator/index.js';
import { resolvePageSizes, resolveSize } from '../../src/simulator/tenant-size.js';

const BENCH = { environments: 10_000, apps: 100_000, flows: 200_000, policies: 50 };
const AS_OF = '2026-06-01T00:00:00Z';

const running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

function sumOver(model: TenantModel, count: (env: number) => number): number {
  let total = 0;
  for (let e = 0; e < model.environments.length; e += 1) total += count(e);
  return total;
}

describe('a bench-sized tenant', () => {
  it('builds without materialising its inventory: exact totals, small memory', () => {
    const before = process.memoryUsage().heapUsed;
    const model = buildTenantModel({ seed: 7, profile: 'defined', ...BENCH, asOf: AS_OF });
    const grown = process.memoryUsage().heapUsed - before;
    expect(model.environments).toHaveLength(10_000);
    expect(model.size).toEqual(BENCH);
    expect(model.dlpPolicies).toHaveLength(50);
    expect(sumOver(model, model.inventory.apps.count)).toBe(100_000);
    expect(sumOver(model, model.inventory.flows.count)).toBe(200_000);
    // 300,000 materialised items would take hundreds of MB; the model holds environments and counts.
    expect(grown).toBeLessThan(150 * 1024 * 1024);
    expect(model.makers.count).toBe(5_000);
  });

  it('spreads items unevenly: the default environment holds the most, some hold none', () => {
    const model = buildTenantModel({ seed: 7, profile: 'defined', ...BENCH, asOf: AS_OF });
    const counts = model.environments.map((_, e) => model.inventory.apps.count(e));
    const max = Math.max(...counts);
    expect(counts[0]).toBe(max);
    expect(max).toBeGreaterThan(10 * (100_000 / 10_000));
    expect(counts.some((n) => n === 0)).toBe(true);
  });

  it('generates any item alone, always the same, and finds it by name', () => {
    const a = buildTenantModel({ seed: 7, profile: 'defined', ...BENCH, asOf: AS_OF });
    const b = buildTenantModel({ seed: 7, profile: 'defined', ...BENCH, asOf: AS_OF });
    const last = a.inventory.apps.count(0) - 1;
    expect(a.inventory.apps.at(0, last)).toEqual(b.inventory.apps.at(0, last));
    expect(a.inventory.apps.at(0, last)).not.toBe(a.inventory.apps.at(0, last));
    expect(a.inventory.flows.at(0, 1234)).toEqual(b.inventory.flows.at(0, 1234));
    const flow = a.inventory.flows.at(0, 1234);
    expect(a.inventory.flows.find(0, flow.name.toUpperCase())).toEqual(flow);
    expect(a.inventory.flows.find(1, flow.name)).toBeNull();
    expect(a.inventory.apps.find(0, '00000000-0000-4000-8000-000000000000')).toBeNull();
    // Another seed is another tenant.
    const c = buildTenantModel({ seed: 8, profile: 'defined', ...BENCH, asOf: AS_OF });
    expect(c.inventory.flows.at(0, 1234).name).not.toBe(flow.name);
  });

  it('serves a page of the biggest environment, and a page far into it, at the large-tenant page size', async () => {
    const sim = await startSimulator({ seed: 7, profile: 'defined', size: BENCH, asOf: AS_OF });
    running.push(sim);
    expect(sim.pageSizes).toEqual({ pageSize: 100, inventoryPageSize: 100 });
    const env = sim.model.environments[0]!;
    const flows = sim.model.inventory.flows.count(0);
    const far = Math.floor((flows - 1) / 100) * 100;
    const res = await fetch(`${sim.url}/providers/Microsoft.ProcessSimple/scopes/admin/environments/${env.name}/flows?api-version=2016-11-01&$skiptoken=${far}`, {
      headers: { Authorization: 'Bearer t' },
    });
    const body = (await res.json()) as { value: { name: string }[]; nextLink?: string };
    expect(body.value).toHaveLength(flows - far);
    expect(body.nextLink).toBeUndefined();
    expect(body.value[0]?.name).toBe(sim.model.inventory.flows.at(0, far).name);
  });
});

describe('determinism', () => {
  it('sends byte-identical payloads from two simulators of the same seed (origin aside)', async () => {
    const read = async (): Promise<string[]> => {
      const sim = await startSimulator({ seed: 11, profile: 'capable', asOf: AS_OF });
      running.push(sim);
      const bodies: string[] = [];
      for (const env of sim.model.environments) {
        for (const path of [
          `/providers/Microsoft.PowerApps/scopes/admin/environments/${env.name}/apps?api-version=2016-11-01`,
          `/providers/Microsoft.ProcessSimple/scopes/admin/environments/${env.name}/flows?api-version=2016-11-01`,
          `/providers/Microsoft.PowerApps/scopes/admin/environments/${env.name}/apis?api-version=2016-11-01`,
          `/powerpages/environments/${env.name}/websites?api-version=2024-10-01`,
          `/dataverse/${env.name}/api/data/v9.2/bots`,
          `/dataverse/${env.name}/api/data/v9.2/organizations`,
          `/dataverse/${env.name}/api/data/v9.2/deploymentstageruns`,
        ]) {
          const res = await fetch(`${sim.url}${path}`, { headers: { Authorization: 'Bearer t' } });
          bodies.push((await res.text()).split(sim.url).join('{origin}'));
        }
      }
      return bodies;
    };
    const [first, second] = [await read(), await read()];
    expect(first).toEqual(second);
    expect(first.some((body) => body.includes('"lastModifiedTime"'))).toBe(true);
  });

  it('keeps timestamps fixed relative to asOf, with a stale share by profile', () => {
    const staleShare = (profile: 'initial' | 'capable'): number => {
      const model = buildTenantModel({ seed: 3, profile, environments: 20, apps: 2_000, asOf: AS_OF });
      const limit = Date.parse(AS_OF) - 180 * 86_400_000;
      let stale = 0;
      let total = 0;
      model.environments.forEach((_, e) => {
        for (let i = 0; i < model.inventory.apps.count(e); i += 1) {
          const app = model.inventory.apps.at(e, i);
          expect(Date.parse(app.lastModifiedTime)).toBeLessThan(Date.parse(AS_OF));
          if (Date.parse(app.lastModifiedTime) < limit) stale += 1;
          total += 1;
        }
      });
      return stale / total;
    };
    const initial = staleShare('initial');
    const capable = staleShare('capable');
    expect(initial).toBeGreaterThan(0.3);
    expect(capable).toBeLessThan(0.15);
  });
});

describe('sizes and page sizes', () => {
  it('defaults to the small demo, with the environments option as an alias', () => {
    expect(resolveSize(undefined, undefined)).toEqual({ environments: 12, apps: 48, flows: 72, policies: null });
    expect(resolveSize(undefined, 7)).toEqual({ environments: 7, apps: 28, flows: 42, policies: null });
    expect(resolveSize({ environments: 3, apps: 10 }, 7)).toEqual({ environments: 3, apps: 10, flows: 18, policies: null });
    expect(resolvePageSizes(resolveSize(undefined, undefined), undefined, undefined)).toEqual({ pageSize: 5, inventoryPageSize: 5 });
    expect(resolvePageSizes(resolveSize(BENCH, undefined), undefined, undefined)).toEqual({ pageSize: 100, inventoryPageSize: 100 });
    expect(resolvePageSizes(resolveSize(undefined, undefined), 3, undefined)).toEqual({ pageSize: 3, inventoryPageSize: 3 });
    expect(resolvePageSizes(resolveSize(BENCH, undefined), 20, 250)).toEqual({ pageSize: 20, inventoryPageSize: 250 });
  });

  it('keeps the profile story when DLP policies are added: the defined sandbox stays uncovered', () => {
    const model = buildTenantModel({ seed: 42, profile: 'defined', environments: 40, policies: 9, asOf: AS_OF });
    expect(model.dlpPolicies).toHaveLength(9);
    const except = model.dlpPolicies.find((p) => p.environmentType === 'ExceptEnvironments')!;
    const uncovered = except.environments[0]!;
    expect(model.dlpPolicies.filter((p) => p.environmentType === 'OnlyEnvironments').some((p) => p.environments.includes(uncovered))).toBe(false);
    expect(buildTenantModel({ seed: 42, profile: 'defined', environments: 40, policies: 1, asOf: AS_OF }).dlpPolicies).toHaveLength(1);
  });
});
