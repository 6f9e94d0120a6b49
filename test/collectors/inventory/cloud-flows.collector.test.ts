import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCloudFlowsCollector } from '../../../src/collectors/inventory/cloud-flows.collector.js';
import type { CloudFlow } from '../../../src/evidence/inventory.schemas.js';
import { sectionDataSchemas } from '../../../src/evidence/inventory.schemas.js';
import { collectionFailure } from '../collector-context.js';
import { describeListSection } from './list-section-cases.js';
import { ENV_ID, FLOW, inventoryFixture, sectionContext } from './section-context.js';

const LIST = `/providers/Microsoft.ProcessSimple/scopes/admin/environments/${ENV_ID}/flows`;
const QUERY = { 'api-version': '2016-11-01' };
const F1 = '7b3c0e5a-1d2f-4e6a-9b8c-0d1e2f3a4b5c';
const F2 = 'a9e8d7c6-b5a4-4392-8170-6f5e4d3c2b1a';
const F3 = '0c1d2e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f';
const permissions = (flow: string): string => `${LIST}/${flow}/permissions`;

describeListSection({
  section: 'cloudFlows',
  create: () => createCloudFlowsCollector({ permissions: false }),
  host: FLOW,
  path: LIST,
  query: QUERY,
  pages: ['cloud-flows.page1.json', 'cloud-flows.page2.json'],
  ids: [F1, F2, F3],
  forbidden: {
    body: { error: { code: 'MissingEnvironmentPermission', message: 'The caller with object id is missing permission to access the environment.' } },
    mentions: ['not registered as a Power Platform admin management application', 'missing permission'],
  },
  notFound: { status: 'error', body: { error: { code: 'EnvironmentAccessDenied', message: `Environment '${ENV_ID}' was not found.` } } },
  malformed: { item: { name: F1, properties: { state: ['Started'] } }, at: 'value[0].properties.state' },
});

function mockList(): void {
  nock(FLOW)
    .get(LIST)
    .query(QUERY)
    .reply(200, inventoryFixture('cloud-flows.page1.json') as nock.Body)
    .get(LIST)
    .query({ ...QUERY, $skiptoken: 'eyJwYWdlIjoyfQ' })
    .reply(200, inventoryFixture('cloud-flows.page2.json') as nock.Body);
}

const none = { value: [] };

describe('cloud flows collector', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('maps every flow, its maker as owner, and its sharing', async () => {
    mockList();
    nock(FLOW)
      .get(permissions(F1))
      .query(QUERY)
      .reply(200, inventoryFixture('cloud-flow.permissions.json') as nock.Body)
      .get(permissions(F2))
      .query(QUERY)
      .reply(200, none)
      .get(permissions(F3))
      .query(QUERY)
      .reply(200, none);
    const { ctx } = sectionContext<'cloudFlows'>();
    const flows = await createCloudFlowsCollector().collect(ctx);

    expect(sectionDataSchemas.cloudFlows.safeParse(flows).success).toBe(true);
    expect(flows[0]).toEqual({
      id: F1,
      displayName: 'Approve expense reports',
      state: 'Started',
      owner: { id: 'f99f844b-ce3b-49ae-86f3-e374ecae789c', displayName: null, type: 'User' },
      createdTime: '2024-11-05T08:00:00.0000000Z',
      lastModifiedTime: '2025-04-29T09:30:00.0000000Z',
      // A co-owner group counts as a share; the maker's own Owner assignment does not.
      sharing: { users: 1, groups: 1, everyone: false },
    });
    // A userType other than ActiveDirectory is kept as sent.
    expect(flows[1]?.owner).toEqual({ id: '3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a9f', displayName: null, type: 'ServicePrincipal' });
    expect(flows.map((flow) => flow.state)).toEqual(['Started', 'Stopped', 'Suspended']);
    expect(nock.isDone()).toBe(true);
  });

  it('sends no permission request when permissions are off', async () => {
    mockList();
    const { ctx } = sectionContext<'cloudFlows'>();
    const flows = await createCloudFlowsCollector({ permissions: false }).collect(ctx);
    expect(flows.every((flow) => flow.sharing === null)).toBe(true);
    expect(ctx.http.stats.requests).toBe(2);
  });

  it('a flow deleted before its permissions were read (404) keeps sharing null', async () => {
    nock(FLOW)
      .get(LIST)
      .query(QUERY)
      .reply(200, inventoryFixture('cloud-flows.page2.json') as nock.Body)
      .get(permissions(F3))
      .query(QUERY)
      .reply(404, { error: { code: 'FlowNotFound', message: `Could not find flow '${F3}'.` } });
    const { ctx } = sectionContext<'cloudFlows'>();
    const flows = await createCloudFlowsCollector().collect(ctx);
    expect(flows).toHaveLength(1);
    expect(flows[0]?.sharing).toBeNull();
  });

  it('retries a 5xx on a permission request', async () => {
    nock(FLOW)
      .get(LIST)
      .query(QUERY)
      .reply(200, inventoryFixture('cloud-flows.page2.json') as nock.Body)
      .get(permissions(F3))
      .query(QUERY)
      .reply(502, 'Bad Gateway')
      .get(permissions(F3))
      .query(QUERY)
      .reply(200, none);
    const { ctx } = sectionContext<'cloudFlows'>();
    const flows = await createCloudFlowsCollector().collect(ctx);
    expect(flows[0]?.sharing).toEqual({ users: 0, groups: 0, everyone: false });
    expect(ctx.http.stats).toMatchObject({ requests: 3, retries: 1 });
  });

  it('a 403 on a permission request makes the section unavailable', async () => {
    nock(FLOW)
      .get(LIST)
      .query(QUERY)
      .reply(200, inventoryFixture('cloud-flows.page2.json') as nock.Body)
      .get(permissions(F3))
      .query(QUERY)
      .reply(403, { error: { code: 'Forbidden', message: 'nope' } });
    const { ctx } = sectionContext<'cloudFlows'>();
    const error = await collectionFailure(createCloudFlowsCollector().collect(ctx));
    expect(error.status).toBe('unavailable');
    expect(error.code).toBe('PPMAT_E_HTTP_FORBIDDEN');
  });

  describe('reuse of the last scan', () => {
    async function firstScan(): Promise<CloudFlow[]> {
      mockList();
      const { ctx } = sectionContext<'cloudFlows'>();
      return createCloudFlowsCollector({ permissions: false }).collect(ctx);
    }

    it('unchanged flows make no permission request and count as reused; a changed one is read again', async () => {
      const listed = await firstScan();
      const kept = { users: 3, groups: 0, everyone: false };
      const previous = listed.map((flow) =>
        flow.id === F2 ? { ...flow, lastModifiedTime: '2023-12-31T00:00:00.0000000Z', sharing: kept } : { ...flow, sharing: kept },
      );
      mockList();
      const scope = nock(FLOW).get(permissions(F2)).query(QUERY).reply(200, none);
      const { ctx, reused } = sectionContext<'cloudFlows'>({ previous });
      const flows = await createCloudFlowsCollector().collect(ctx);

      expect(flows.map((flow) => flow.sharing)).toEqual([kept, { users: 0, groups: 0, everyone: false }, kept]);
      expect(reused()).toBe(2);
      expect(scope.isDone()).toBe(true);
      expect(ctx.http.stats.requests).toBe(3);
    });

    it('a flow the last scan did not know is read', async () => {
      const listed = await firstScan();
      const previous = listed.filter((flow) => flow.id !== F3).map((flow) => ({ ...flow, sharing: { users: 0, groups: 0, everyone: false } }));
      mockList();
      nock(FLOW).get(permissions(F3)).query(QUERY).reply(200, none);
      const { ctx, reused } = sectionContext<'cloudFlows'>({ previous });
      await createCloudFlowsCollector().collect(ctx);
      expect(reused()).toBe(2);
      expect(nock.isDone()).toBe(true);
    });
  });
});
