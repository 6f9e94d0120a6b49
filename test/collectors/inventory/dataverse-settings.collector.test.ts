import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDataverseSettingsCollector, KNOWN_SOLUTIONS } from '../../../src/collectors/inventory/dataverse-settings.collector.js';
import { sectionDataSchemas } from '../../../src/evidence/inventory.schemas.js';
import { collectionFailure } from '../collector-context.js';
import { DATAVERSE, ENVIRONMENT, inventoryFixture, NO_DATAVERSE, sectionContext } from './section-context.js';

const API = '/api/data/v9.2';
const ORGANIZATIONS = {
  $select:
    'isauditenabled,isuseraccessauditenabled,isreadauditenabled,auditretentionperiodv2,auditretentionperiod,enableipbasedfirewallrule,enableipbasedfirewallruleinauditmode,allowediprangeforfirewall,enableipbasedcookiebinding,iscontentsecuritypolicyenabled,iscontentsecuritypolicyenabledforcanvas',
};
const SOLUTIONS = {
  $select: 'uniquename,friendlyname,version,ismanaged,installedon',
  $filter:
    "uniquename eq 'CenterofExcellenceCoreComponents' or uniquename eq 'CenterofExcellenceAuditComponents' or uniquename eq 'CenterofExcellenceNurtureComponents' or " +
    "uniquename eq 'CenterofExcellenceInnovationBacklog' or uniquename eq 'business_value_core' or uniquename eq 'CenterofExcellenceALMAccelerator'",
};
const PIPELINES = { $select: 'deploymentpipelineid,name' };
const STAGES = {
  $select: 'deploymentstageid,name,_deploymentpipelineid_value,_previousdeploymentstageid_value,predeploymentsteprequired',
  $expand: 'targetdeploymentenvironmentid($select=environmentid)',
};
/** NOW (2025-05-10T06:00Z) minus 90 days. */
const RUNS = { $filter: 'stagerunstatus eq 200000002 and starttime ge 2025-02-09T06:00:00.000Z', $select: 'deploymentstagerunid', $count: 'true' };

const P1 = '7d6c5b4a-3928-ef11-9f89-000d3a2b1d01';
const P2 = '8e7d6c5b-4a39-ef11-9f89-000d3a2b1d02';
const S1 = 'a0b1c2d3-e4f5-ef11-9f89-000d3a2b1e01';
const S2 = 'b1c2d3e4-f5a6-ef11-9f89-000d3a2b1e02';
const S3 = 'c2d3e4f5-a6b7-ef11-9f89-000d3a2b1e03';

type Table = 'organizations' | 'solutions' | 'deploymentpipelines' | 'deploymentstages' | 'deploymentstageruns';
const QUERIES: Record<Table, Record<string, string>> = {
  organizations: ORGANIZATIONS,
  solutions: SOLUTIONS,
  deploymentpipelines: PIPELINES,
  deploymentstages: STAGES,
  deploymentstageruns: RUNS,
};
const FIXTURES: Record<Table, string> = {
  organizations: 'organizations.json',
  solutions: 'solutions.json',
  deploymentpipelines: 'deploymentpipelines.json',
  deploymentstages: 'deploymentstages.json',
  deploymentstageruns: 'deploymentstageruns.json',
};

const get = (table: Table): nock.Interceptor => nock(DATAVERSE).get(`${API}/${table}`).query(QUERIES[table]);

/** Every table answers its recorded fixture, except the ones given. */
function mockTables(except: readonly Table[] = []): void {
  for (const table of Object.keys(QUERIES) as Table[]) {
    if (!except.includes(table)) get(table).reply(200, inventoryFixture(FIXTURES[table]) as nock.Body);
  }
}

async function collect() {
  const rig = sectionContext<'dataverse'>();
  return { data: await createDataverseSettingsCollector().collect(rig.ctx), rig };
}

async function fail() {
  return collectionFailure(createDataverseSettingsCollector().collect(sectionContext<'dataverse'>().ctx));
}

describe('Dataverse settings collector', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('does not apply to an environment without Dataverse', () => {
    const collector = createDataverseSettingsCollector();
    expect(collector.notApplicable(NO_DATAVERSE)).toBe('it has no Dataverse database');
    expect(collector.notApplicable({ ...ENVIRONMENT, dataverseUrl: null })).toMatch(/no URL/);
    expect(collector.notApplicable(ENVIRONMENT)).toBeNull();
    expect(collector.tenantWideRefusal).toBe(false);
  });

  it('looks for the six known solutions', () => {
    expect(KNOWN_SOLUTIONS).toHaveLength(6);
  });

  it('reads the organization, the known solutions, and the pipelines with their stages and recent runs', async () => {
    mockTables();
    const { data, rig } = await collect();
    expect(sectionDataSchemas.dataverse.safeParse(data).success).toBe(true);
    expect(data).toEqual({
      organization: {
        auditEnabled: true,
        userAccessAuditEnabled: true,
        readAuditEnabled: false,
        auditRetentionDays: 365,
        ipFirewallEnabled: true,
        ipFirewallAuditMode: false,
        allowedIpRanges: ['18.205.0.0/24', '21.200.0.0/16'],
        cookieBindingEnabled: true,
        cspEnabled: true,
        cspEnabledForCanvas: false,
      },
      solutions: [
        { uniqueName: 'CenterofExcellenceCoreComponents', friendlyName: 'Center of Excellence - Core Components', version: '4.24.0.0', isManaged: true, installedOn: '2024-09-12T08:00:00Z' },
        { uniqueName: 'business_value_core', friendlyName: 'Business value', version: '1.0.0.0', isManaged: true, installedOn: '2025-01-20T10:00:00Z' },
      ],
      pipelinesHost: true,
      pipelines: [
        {
          id: P1,
          name: 'Finance apps',
          // In chain order (Test, then Production), though the API listed Production first.
          stages: [
            { id: S1, name: 'Deploy to Test', pipelineId: P1, targetEnvironmentId: '1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b', previousStageId: null, approvalRequired: false },
            { id: S2, name: 'Deploy to Production', pipelineId: P1, targetEnvironmentId: '2e3d4c5b-6a79-4889-9bac-1d2e3f4a5b6c', previousStageId: S1, approvalRequired: true },
          ],
        },
        {
          id: P2,
          name: 'HR apps',
          stages: [{ id: S3, name: 'Deploy to Production', pipelineId: P2, targetEnvironmentId: '2e3d4c5b-6a79-4889-9bac-1d2e3f4a5b6c', previousStageId: null, approvalRequired: false }],
        },
      ],
      // The server's @odata.count, not the two rows of the page.
      successfulRunsLast90Days: 14,
    });
    expect(rig.ctx.http.stats.requests).toBe(5);
    expect(nock.isDone()).toBe(true);
  });

  it('a 404 for deploymentpipelines means no pipelines host, and nothing more is asked', async () => {
    mockTables(['deploymentpipelines', 'deploymentstages', 'deploymentstageruns']);
    get('deploymentpipelines').reply(404, { error: { code: '0x80060888', message: "Resource not found for the segment 'deploymentpipelines'." } });
    const { data, rig } = await collect();
    expect(data).toMatchObject({ pipelinesHost: false, pipelines: [], successfulRunsLast90Days: null });
    expect(data.solutions).toHaveLength(2);
    expect(rig.ctx.http.stats.requests).toBe(3);
  });

  it('reads every page of solutions and stages, and counts runs over pages when the server sent no count', async () => {
    mockTables(['solutions', 'deploymentstages', 'deploymentstageruns']);
    const solutions = inventoryFixture('solutions.json')['value'] as unknown[];
    const stages = inventoryFixture('deploymentstages.json')['value'] as unknown[];
    const next = (table: string, page: number): string => `${DATAVERSE}${API}/${table}?$skiptoken=%3Ccookie%20pagenumber=%22${page}%22%20/%3E`;
    get('solutions').reply(200, { value: solutions.slice(0, 1), '@odata.nextLink': next('solutions', 2) });
    nock(DATAVERSE).get(`${API}/solutions`).query({ $skiptoken: '<cookie pagenumber="2" />' }).reply(200, { value: solutions.slice(1) });
    get('deploymentstages').reply(200, { value: stages.slice(0, 2), '@odata.nextLink': next('deploymentstages', 2) });
    nock(DATAVERSE).get(`${API}/deploymentstages`).query({ $skiptoken: '<cookie pagenumber="2" />' }).reply(200, { value: stages.slice(2) });
    get('deploymentstageruns').reply(200, { value: [{ deploymentstagerunid: 'r1' }, { deploymentstagerunid: 'r2' }], '@odata.nextLink': next('deploymentstageruns', 2) });
    nock(DATAVERSE).get(`${API}/deploymentstageruns`).query({ $skiptoken: '<cookie pagenumber="2" />' }).reply(200, { value: [{ deploymentstagerunid: 'r3' }] });
    const { data, rig } = await collect();
    expect(data.solutions.map((solution) => solution.uniqueName)).toEqual(['CenterofExcellenceCoreComponents', 'business_value_core']);
    expect(data.pipelines.map((pipeline) => pipeline.stages.length)).toEqual([2, 1]);
    expect(data.successfulRunsLast90Days).toBe(3);
    expect(rig.ctx.http.stats).toMatchObject({ requests: 8, pages: 8 });
    expect(nock.isDone()).toBe(true);
  });

  it('waits as long as a 429 Retry-After says, then reads on', async () => {
    mockTables(['organizations']);
    get('organizations').reply(429, inventoryFixture('throttled.json') as nock.Body, { 'Retry-After': '2' });
    get('organizations').reply(200, inventoryFixture('organizations.json') as nock.Body);
    const { data, rig } = await collect();
    expect(data.organization?.auditEnabled).toBe(true);
    expect(rig.sleeps).toContain(2000);
    expect(rig.ctx.http.stats).toMatchObject({ requests: 6, retries: 1, throttled: 1 });
  });

  it('retries a 5xx, then reads on', async () => {
    mockTables(['deploymentstages']);
    get('deploymentstages').reply(500, { error: { code: '0x80040216', message: 'An unexpected error occurred.' } });
    get('deploymentstages').reply(200, inventoryFixture('deploymentstages.json') as nock.Body);
    const { data, rig } = await collect();
    expect(data.pipelines).toHaveLength(2);
    expect(rig.ctx.http.stats).toMatchObject({ requests: 6, retries: 1, throttled: 0 });
  });

  it.each<[Table, readonly Table[]]>([
    ['organizations', []],
    ['solutions', ['organizations']],
    ['deploymentpipelines', ['organizations', 'solutions']],
    ['deploymentstageruns', ['organizations', 'solutions', 'deploymentpipelines', 'deploymentstages']],
  ])('403 on %s is unavailable, naming the environment, the table and the fix', async (table, before) => {
    for (const answered of before) get(answered).reply(200, inventoryFixture(FIXTURES[answered]) as nock.Body);
    get(table).reply(403, inventoryFixture('dataverse.forbidden.json') as nock.Body);
    const error = await fail();
    expect(error.status).toBe('unavailable');
    expect(error.code).toBe('PPMAT_E_HTTP_FORBIDDEN');
    expect(error.message).toContain('environment "Contoso Dev" (4e1d5c3b-2a19-4f08-b7e6-d5c4b3a29180)');
    expect(error.message).toContain(`add the app registration as an application user with a security role that can read ${table} in environment "Contoso Dev"`);
    expect(error.message).toContain('The user is not a member of the organization');
  });

  it('404 for organizations is an error, never "no settings"', async () => {
    get('organizations').reply(404, { error: { code: '0x80060888', message: "Resource not found for the segment 'organizations'." } });
    const error = await fail();
    expect(error.status).toBe('error');
    expect(error.code).toBe('PPMAT_E_HTTP_NOT_FOUND');
    expect(error.message).toContain(`${API}/organizations`);
  });

  it('empty answers: no organization row, no known solution, a pipelines host without pipelines or runs', async () => {
    get('organizations').reply(200, { value: [] });
    get('solutions').reply(200, { value: [] });
    get('deploymentpipelines').reply(200, { value: [] });
    get('deploymentstages').reply(200, { value: [] });
    get('deploymentstageruns').reply(200, { '@odata.count': 0, value: [] });
    const { data } = await collect();
    expect(data).toEqual({ organization: null, solutions: [], pipelinesHost: true, pipelines: [], successfulRunsLast90Days: 0 });
  });

  it('reads the legacy retention column and trims IP ranges; absent columns are null', async () => {
    mockTables(['organizations']);
    get('organizations').reply(200, { value: [{ auditretentionperiod: 30, allowediprangeforfirewall: ' 10.0.0.0/8 , ,192.168.1.0/24 ' }] });
    const { data } = await collect();
    expect(data.organization).toEqual({
      auditEnabled: null,
      userAccessAuditEnabled: null,
      readAuditEnabled: null,
      auditRetentionDays: 30,
      ipFirewallEnabled: null,
      ipFirewallAuditMode: null,
      allowedIpRanges: ['10.0.0.0/8', '192.168.1.0/24'],
      cookieBindingEnabled: null,
      cspEnabled: null,
      cspEnabledForCanvas: null,
    });
  });

  it.each<[Table, Table[], unknown, string]>([
    ['organizations', [], { value: [{ isauditenabled: 'yes' }] }, 'value[0].isauditenabled'],
    ['solutions', ['organizations'], { value: [{ uniquename: 'business_value_core', version: 1 }] }, 'value[0].version'],
    ['deploymentstages', ['organizations', 'solutions', 'deploymentpipelines'], { value: [{ deploymentstageid: S1, predeploymentsteprequired: 'true' }] }, 'value[0].predeploymentsteprequired'],
    ['deploymentstageruns', ['organizations', 'solutions', 'deploymentpipelines', 'deploymentstages'], { '@odata.count': -1, value: [] }, '@odata.count'],
  ])('a %s body of the wrong shape is an error naming the URL and the path', async (table, before, body, at) => {
    for (const answered of before) get(answered).reply(200, inventoryFixture(FIXTURES[answered]) as nock.Body);
    get(table).reply(200, body as nock.Body);
    const error = await fail();
    expect(error.status).toBe('error');
    expect(error.code).toBe('PPMAT_E_MALFORMED_RESPONSE');
    expect(error.message).toContain(`${DATAVERSE}${API}/${table}?`);
    expect(error.message).toContain(at);
  });

  it('a body that is not JSON is an error naming the URL', async () => {
    get('organizations').reply(200, '<html>Service Unavailable</html>', { 'Content-Type': 'text/html' });
    const error = await fail();
    expect(error.code).toBe('PPMAT_E_MALFORMED_RESPONSE');
    expect(error.message).toContain(`${API}/organizations`);
  });
});
