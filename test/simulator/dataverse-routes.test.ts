/**
 * The demo tenant's Dataverse Web API, per environment with a database: agents, model-driven
 * apps, solutions (CoE Starter Kit by profile), the one organization row, and the Power
 * Platform Pipelines tables of the one pipelines host.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/index.js';

const running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

async function start(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const sim = await startSimulator({ asOf: '2026-06-01T00:00:00Z', ...options });
  running.push(sim);
  return sim;
}

type Json = Record<string, unknown>;

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, { headers: { Authorization: 'Bearer test-token', ...headers } });
  return { status: res.status, body: (await res.json()) as Json };
}

/** The Web API root of an environment, as the environment list gives it. */
const api = (sim: RunningSimulator, env: string): string => `${sim.url}/dataverse/${env}/api/data/v9.2`;

function dataverseEnvironments(sim: RunningSimulator) {
  return sim.model.environments.filter((env) => env.dataverse);
}

const SOLUTIONS_FILTER = [
  'CenterofExcellenceCoreComponents',
  'CenterofExcellenceAuditComponents',
  'CenterofExcellenceNurtureComponents',
  'CenterofExcellenceInnovationBacklog',
  'business_value_core',
  'CenterofExcellenceALMAccelerator',
]
  .map((name) => `uniquename eq '${name}'`)
  .join(' or ');

async function installed(sim: RunningSimulator): Promise<string[]> {
  const names: string[] = [];
  for (const env of dataverseEnvironments(sim)) {
    const { status, body } = await get(`${api(sim, env.name)}/solutions?$select=uniquename,friendlyname,version,ismanaged,installedon&$filter=${encodeURIComponent(SOLUTIONS_FILTER)}`, {
      Prefer: 'odata.maxpagesize=50',
    });
    expect(status).toBe(200);
    names.push(...(body['value'] as Json[]).map((s) => s['uniquename'] as string));
  }
  return names;
}

describe('Dataverse availability', () => {
  it('answers 404 0x80060888 for an environment without a database and for an unknown one', async () => {
    const sim = await start();
    const without = sim.model.environments.find((env) => !env.dataverse)!;
    for (const env of [without.name, 'no-such-environment']) {
      const { status, body } = await get(`${api(sim, env)}/organizations`);
      expect(status).toBe(404);
      expect(body).toEqual({ error: { code: '0x80060888', message: expect.any(String) } });
    }
    const env = dataverseEnvironments(sim)[0]!;
    expect((await get(`${api(sim, env.name)}/nosuchtables`)).body).toEqual({ error: { code: '0x80060888', message: "Resource not found for the segment 'nosuchtables'." } });
  });
});

describe('organization settings by profile', () => {
  const organizations = async (sim: RunningSimulator) =>
    Promise.all(
      dataverseEnvironments(sim).map(async (env) => {
        const { body } = await get(`${api(sim, env.name)}/organizations?$select=isauditenabled,enableipbasedfirewallrule`);
        expect(body['@odata.context']).toBe(`${api(sim, env.name)}/$metadata#organizations(isauditenabled,enableipbasedfirewallrule)`);
        const rows = body['value'] as Json[];
        expect(rows).toHaveLength(1);
        return { sku: env.sku, row: rows[0]! };
      }),
    );

  it('initial: auditing off everywhere', async () => {
    const rows = await organizations(await start({ profile: 'initial' }));
    expect(rows.every(({ row }) => row['isauditenabled'] === false && row['enableipbasedfirewallrule'] === false && row['iscontentsecuritypolicyenabled'] === false)).toBe(true);
  });

  it('defined: auditing on in production only', async () => {
    const rows = await organizations(await start({ profile: 'defined' }));
    expect(rows.some(({ sku }) => sku !== 'Production')).toBe(true);
    for (const { sku, row } of rows) expect(row['isauditenabled']).toBe(sku === 'Production');
  });

  it('capable: auditing everywhere, IP firewall with ranges in production, CSP on', async () => {
    const rows = await organizations(await start({ profile: 'capable' }));
    for (const { sku, row } of rows) {
      expect(row).toMatchObject({
        organizationid: expect.any(String),
        isauditenabled: true,
        isuseraccessauditenabled: true,
        auditretentionperiodv2: 365,
        enableipbasedfirewallrule: sku === 'Production',
        enableipbasedfirewallruleinauditmode: false,
        allowediprangeforfirewall: sku === 'Production' ? '18.205.0.0/24,21.200.0.0/16' : null,
        enableipbasedcookiebinding: sku === 'Production',
        iscontentsecuritypolicyenabled: true,
        iscontentsecuritypolicyenabledforcanvas: true,
      });
    }
  });
});

describe('solutions', () => {
  it('honours a uniquename-or filter: every CoE solution in capable, CoE Core in defined, none in initial', async () => {
    expect((await installed(await start({ profile: 'capable' }))).sort()).toEqual([
      'CenterofExcellenceALMAccelerator',
      'CenterofExcellenceAuditComponents',
      'CenterofExcellenceCoreComponents',
      'CenterofExcellenceInnovationBacklog',
      'CenterofExcellenceNurtureComponents',
      'business_value_core',
    ]);
    expect(await installed(await start({ profile: 'defined' }))).toEqual(['CenterofExcellenceCoreComponents']);
    expect(await installed(await start({ profile: 'initial' }))).toEqual([]);
  });

  it('lists system solutions without a filter and refuses an unknown column', async () => {
    const sim = await start({ profile: 'capable' });
    const env = sim.model.environments[sim.model.dataverse.coeEnvironment]!;
    expect(env.sku).toBe('Production');
    const { body } = await get(`${api(sim, env.name)}/solutions`, { Prefer: 'odata.maxpagesize=50' });
    expect((body['value'] as Json[]).map((s) => s['uniquename'])).toEqual(expect.arrayContaining(['System', 'Default', 'CenterofExcellenceCoreComponents']));
    const refused = await get(`${api(sim, env.name)}/solutions?$filter=${encodeURIComponent("nosuchcolumn eq 'x'")}`);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error: { code: '0x80060888', message: "Could not find a property named 'nosuchcolumn' on type 'Microsoft.Dynamics.CRM.solution'." } });
  });
});

describe('Power Platform Pipelines', () => {
  it('has one host, a production environment; every other environment answers 404 for the pipeline tables', async () => {
    const sim = await start({ profile: 'capable' });
    const hosts: string[] = [];
    for (const env of dataverseEnvironments(sim)) {
      for (const table of ['deploymentpipelines', 'deploymentstages', 'deploymentstageruns']) {
        const { status, body } = await get(`${api(sim, env.name)}/${table}?$top=0`);
        if (status === 200) {
          hosts.push(env.name);
          expect(body['value']).toEqual([]);
        } else {
          expect(status).toBe(404);
          expect(body).toEqual({ error: { code: '0x80060888', message: `Resource not found for the segment '${table}'.` } });
        }
      }
    }
    expect(new Set(hosts).size).toBe(1);
    expect(hosts).toHaveLength(3);
    const host = sim.model.environments.find((env) => env.name === hosts[0]);
    expect(host?.sku).toBe('Production');
    // The host names itself through the tenant setting.
    const setting = await get(`${api(sim, host!.name)}/RetrieveSetting(SettingName='DefaultCustomPipelinesHostEnvForTenant')`);
    expect(setting.body['SettingValue']).toBe(host?.name);
  });

  it('initial: no pipelines host anywhere', async () => {
    const sim = await start({ profile: 'initial' });
    for (const env of dataverseEnvironments(sim)) expect((await get(`${api(sim, env.name)}/deploymentpipelines`)).status).toBe(404);
  });

  it('capable: two chained stages, the production stage gated, the target expanded to its environment', async () => {
    const sim = await start({ profile: 'capable' });
    const host = sim.model.environments[sim.model.dataverse.pipelinesHost]!;
    const pipelines = (await get(`${api(sim, host.name)}/deploymentpipelines?$select=deploymentpipelineid,name`)).body['value'] as Json[];
    expect(pipelines).toHaveLength(1);
    const stages = (
      await get(
        `${api(sim, host.name)}/deploymentstages?$select=deploymentstageid,name,_deploymentpipelineid_value,_previousdeploymentstageid_value,predeploymentsteprequired&$expand=${encodeURIComponent('targetdeploymentenvironmentid($select=environmentid)')}`,
      )
    ).body['value'] as Json[];
    expect(stages).toHaveLength(2);
    const [test, production] = stages as [Json, Json];
    expect(test).toMatchObject({ _deploymentpipelineid_value: pipelines[0]?.['deploymentpipelineid'], _previousdeploymentstageid_value: null, predeploymentsteprequired: false });
    expect(production).toMatchObject({ _previousdeploymentstageid_value: test['deploymentstageid'], predeploymentsteprequired: true });
    const target = production['targetdeploymentenvironmentid'] as Json;
    const targetEnv = sim.model.environments.find((env) => env.name === target['environmentid']);
    expect(targetEnv?.sku).toBe('Production');
    expect(test['targetdeploymentenvironmentid']).toMatchObject({ environmentid: expect.any(String) });
    // Without $expand the lookup is only its `_value` column, as in the Web API.
    const plain = (await get(`${api(sim, host.name)}/deploymentstages`)).body['value'] as Json[];
    expect(plain[0]).not.toHaveProperty('targetdeploymentenvironmentid');
    expect(plain[0]).toHaveProperty('_targetdeploymentenvironmentid_value');
  });

  it('defined: one stage without approval', async () => {
    const sim = await start({ profile: 'defined' });
    const host = sim.model.environments[sim.model.dataverse.pipelinesHost]!;
    const stages = (await get(`${api(sim, host.name)}/deploymentstages`)).body['value'] as Json[];
    expect(stages).toEqual([expect.objectContaining({ predeploymentsteprequired: false, _previousdeploymentstageid_value: null })]);
  });

  it('counts recent successful runs with $filter and $count, paging the rows', async () => {
    const sim = await start({ profile: 'capable', inventoryPageSize: 5 });
    const host = sim.model.environments[sim.model.dataverse.pipelinesHost]!;
    const since = new Date(Date.parse('2026-06-01T00:00:00Z') - 90 * 86_400_000).toISOString();
    const query = `$filter=${encodeURIComponent(`stagerunstatus eq 200000002 and starttime ge ${since}`)}&$select=deploymentstagerunid&$count=true`;
    const first = await get(`${api(sim, host.name)}/deploymentstageruns?${query}`);
    expect(first.status).toBe(200);
    const count = first.body['@odata.count'] as number;
    expect(count).toBe(13);
    expect(first.body['value']).toHaveLength(5);
    let rows = [...(first.body['value'] as Json[])];
    let next = first.body['@odata.nextLink'] as string | undefined;
    while (next) {
      expect(next.startsWith(`${api(sim, host.name)}/deploymentstageruns?`)).toBe(true);
      const page = await get(next);
      rows = rows.concat(page.body['value'] as Json[]);
      next = page.body['@odata.nextLink'] as string | undefined;
    }
    expect(rows).toHaveLength(count);
    expect(rows.every((r) => r['stagerunstatus'] === 200000002 && Date.parse(r['starttime'] as string) >= Date.parse(since))).toBe(true);
    // A window that ends before every run counts none.
    const none = await get(`${api(sim, host.name)}/deploymentstageruns?$count=true&$filter=${encodeURIComponent('starttime ge 2026-06-02T00:00:00Z')}`);
    expect(none.body['@odata.count']).toBe(0);
  });
});

describe('agents and model-driven apps', () => {
  it('pages bots by @odata.nextLink, owners from the maker directory, annotations when preferred', async () => {
    const sim = await start({ profile: 'defined', size: { environments: 4, apps: 200 }, inventoryPageSize: 7 });
    const index = sim.model.environments.findIndex((env, i) => env.dataverse && (sim.model.dataverse.table(i, 'bots')?.count ?? 0) > 7);
    const env = sim.model.environments[index]!;
    const total = sim.model.dataverse.table(index, 'bots')!.count;
    let rows: Json[] = [];
    let next: string | undefined = `${api(sim, env.name)}/bots?$select=botid,name,schemaname,statecode,statuscode,publishedon,modifiedon,authenticationmode,accesscontrolpolicy,_ownerid_value`;
    while (next) {
      const page = await get(next, { Prefer: 'odata.include-annotations="*"' });
      rows = rows.concat(page.body['value'] as Json[]);
      next = page.body['@odata.nextLink'] as string | undefined;
    }
    expect(rows).toHaveLength(total);
    for (const bot of rows) {
      expect(bot).toMatchObject({ botid: expect.any(String), name: expect.any(String), schemaname: expect.any(String), statecode: expect.any(Number), authenticationmode: expect.any(Number), accesscontrolpolicy: expect.any(Number) });
      const owner = sim.model.makers.byId(bot['_ownerid_value'] as string);
      expect(owner).not.toBeNull();
      expect(bot['_ownerid_value@OData.Community.Display.V1.FormattedValue']).toBe(owner?.displayName);
    }
    const modelApps = (await get(`${api(sim, env.name)}/appmodules?$select=appmoduleid,name,uniquename,publishedon,modifiedon,statecode`, { Prefer: 'odata.maxpagesize=500' })).body['value'] as Json[];
    expect(modelApps.length).toBe(sim.model.dataverse.table(index, 'appmodules')?.count);
    expect(modelApps[0]).toMatchObject({ appmoduleid: expect.any(String), name: expect.any(String), uniquename: expect.any(String), statecode: 0 });
  });

  it('gives agents without authentication in initial and none in capable', async () => {
    const shareWithoutAuth = async (profile: 'initial' | 'capable'): Promise<number[]> => {
      const sim = await start({ profile, size: { environments: 10, apps: 400 } });
      const modes: number[] = [];
      sim.model.environments.forEach((_, i) => {
        const table = sim.model.dataverse.table(i, 'bots');
        for (let r = 0; r < (table?.count ?? 0); r += 1) modes.push(table!.row(r)['authenticationmode'] as number);
      });
      return modes;
    };
    expect((await shareWithoutAuth('initial')).filter((mode) => mode === 1).length).toBeGreaterThan(0);
    expect((await shareWithoutAuth('capable')).filter((mode) => mode === 1)).toEqual([]);
  });
});

describe('Dataverse $batch', () => {
  it('answers a batch of GETs, by organization host, in order, as one multipart answer', async () => {
    const sim = await start({ profile: 'capable' });
    const env = dataverseEnvironments(sim)[0]!;
    const host = `${env.dataverse!.uniqueName}.api.crm4.dynamics.com`;
    const { batchRequest, parseBatchResponse } = await import('../../src/collectors/inventory/dataverse-batch.js');
    const request = batchRequest([`https://${host}/api/data/v9.2/organizations?$select=isauditenabled`, `https://${host}/api/data/v9.2/nosuchtable`]);
    const res = await fetch(`${sim.url}/dataverse/${host}/api/data/v9.2/$batch`, {
      method: 'POST',
      headers: { Authorization: 'Bearer test-token', 'Content-Type': request.contentType },
      body: request.text,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^multipart\/mixed; boundary=batchresponse_/);
    const parts = parseBatchResponse(await res.text());
    expect(parts.map((p) => p.status)).toEqual([200, 404]);
    const organizations = JSON.parse(parts[0]!.body) as { value: Json[] };
    expect(organizations.value).toHaveLength(1);
    // The same row as a single request gives.
    const single = await get(`${sim.url}/dataverse/${host}/api/data/v9.2/organizations?$select=isauditenabled`);
    expect(organizations.value).toEqual(single.body['value']);
    expect(sim.stats().requests).toBe(2);
  });

  it('refuses a batch without a multipart boundary', async () => {
    const sim = await start();
    const env = dataverseEnvironments(sim)[0]!;
    const res = await fetch(`${api(sim, env.name)}/$batch`, { method: 'POST', headers: { Authorization: 'Bearer test-token', 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(400);
  });
});
