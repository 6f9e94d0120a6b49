import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAgentsCollector } from '../../../src/collectors/inventory/agents.collector.js';
import { sectionDataSchemas } from '../../../src/evidence/inventory.schemas.js';
import { describeListSection } from './list-section-cases.js';
import { DATAVERSE, ENVIRONMENT, inventoryFixture, NO_DATAVERSE, sectionContext } from './section-context.js';

const PATH = '/api/data/v9.2/bots';
const QUERY = { $select: 'botid,name,schemaname,statecode,statuscode,publishedon,modifiedon,authenticationmode,accesscontrolpolicy,_ownerid_value' };
const B1 = '1a2b3c4d-5e6f-ef11-bfe3-000d3a2b1c11';
const B2 = '2b3c4d5e-6f70-ef11-bfe3-000d3a2b1c12';
const B3 = '3c4d5e6f-7081-ef11-bfe3-000d3a2b1c13';

describeListSection({
  section: 'agents',
  create: () => createAgentsCollector(),
  host: DATAVERSE,
  path: PATH,
  query: QUERY,
  pages: ['bots.page1.json', 'bots.page2.json'],
  ids: [B1, B2, B3],
  forbidden: {
    body: inventoryFixture('dataverse.forbidden.json') as nock.Body,
    mentions: [
      'environment "Contoso Dev" (4e1d5c3b-2a19-4f08-b7e6-d5c4b3a29180)',
      'add the app registration as an application user with a security role that can read bots in environment "Contoso Dev"',
      'The user is not a member of the organization',
    ],
  },
  // The bots table is absent where Copilot Studio was never provisioned.
  notFound: { status: 'none', body: inventoryFixture('dataverse.not-found.json') as nock.Body },
  malformed: { item: { botid: '', name: 'x' }, at: 'value[0].botid' },
});

describe('agents collector', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('does not apply to an environment without Dataverse', () => {
    expect(createAgentsCollector().notApplicable(NO_DATAVERSE)).toBe('it has no Dataverse database');
    expect(createAgentsCollector().notApplicable(ENVIRONMENT)).toBeNull();
  });

  it('maps the rows, reading the owner annotations when the server sent them', async () => {
    nock(DATAVERSE)
      .get(PATH)
      .query(QUERY)
      .reply(200, { ...inventoryFixture('bots.page1.json'), '@odata.nextLink': null });
    const { ctx } = sectionContext<'agents'>();
    const agents = await createAgentsCollector().collect(ctx);
    expect(sectionDataSchemas.agents.safeParse(agents).success).toBe(true);
    expect(agents).toEqual([
      {
        id: B1,
        name: 'HR Helpdesk',
        schemaName: 'cr6b2_hrHelpdesk',
        state: 0,
        publishedOn: '2025-04-20T11:00:00Z',
        modifiedOn: '2025-04-20T10:55:00Z',
        owner: { id: '9f8e7d6c-5b4a-ef11-a4e6-000d3a2b1caa', displayName: 'Megan Bowen', type: 'systemuser' },
        authenticationMode: 2,
        accessControlPolicy: 1,
      },
      {
        id: B2,
        name: 'IT Support',
        schemaName: 'cr6b2_itSupport',
        state: 0,
        publishedOn: null,
        modifiedOn: '2025-02-14T14:14:00Z',
        owner: { id: '8e7d6c5b-4a39-ef11-a4e6-000d3a2b1cbb', displayName: null, type: null },
        authenticationMode: 1,
        accessControlPolicy: 0,
      },
    ]);
  });
});
