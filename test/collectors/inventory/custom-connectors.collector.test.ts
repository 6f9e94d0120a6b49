import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCustomConnectorsCollector } from '../../../src/collectors/inventory/custom-connectors.collector.js';
import { sectionDataSchemas } from '../../../src/evidence/inventory.schemas.js';
import { describeListSection } from './list-section-cases.js';
import { ENV_ID, inventoryFixture, POWER_APPS, sectionContext } from './section-context.js';

const LIST = `/providers/Microsoft.PowerApps/scopes/admin/environments/${ENV_ID}/apis`;
const QUERY = { 'api-version': '2016-11-01' };
const C1 = 'shared_contoso-20invoices-5f3a9c1e2d4b6a80';
const C3 = 'shared_fabrikam-20crm-0a1b2c3d4e5f6a7b';

describeListSection({
  section: 'customConnectors',
  create: () => createCustomConnectorsCollector(),
  host: POWER_APPS,
  path: LIST,
  query: QUERY,
  pages: ['custom-connectors.page1.json', 'custom-connectors.page2.json'],
  // shared_office365users says isCustomApi: false and is left out.
  ids: [C1, C3],
  forbidden: {
    body: { error: { code: 'Forbidden', message: 'The caller does not have permission to access the path.' } },
    mentions: ['not registered as a Power Platform admin management application', 'does not have permission'],
  },
  notFound: { status: 'error', body: { error: { code: 'EnvironmentNotFound', message: `The environment '${ENV_ID}' could not be found.` } } },
  malformed: { item: { name: C1, properties: { isCustomApi: 'yes' } }, at: 'value[0].properties.isCustomApi' },
});

describe('custom connectors collector', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('maps custom connectors: the creator as owner, changedTime as last modification', async () => {
    nock(POWER_APPS)
      .get(LIST)
      .query(QUERY)
      .reply(200, inventoryFixture('custom-connectors.page1.json') as nock.Body)
      .get(LIST)
      .query({ ...QUERY, $skiptoken: 'eyJwYWdlIjoyfQ' })
      .reply(200, inventoryFixture('custom-connectors.page2.json') as nock.Body);
    const { ctx } = sectionContext<'customConnectors'>();
    const connectors = await createCustomConnectorsCollector().collect(ctx);
    expect(sectionDataSchemas.customConnectors.safeParse(connectors).success).toBe(true);
    expect(connectors).toEqual([
      {
        id: C1,
        displayName: 'Contoso Invoices',
        owner: { id: '2b7c9d1e-3f40-4a5b-8c6d-7e8f9a0b1c2d', displayName: 'Alex Wilber', type: 'User' },
        createdTime: '2024-08-12T10:20:30.1234567Z',
        lastModifiedTime: '2025-03-03T08:00:00.7654321Z',
      },
      // No isCustomApi: kept (absent is not false); no createdBy and no changedTime: null, not guessed.
      { id: C3, displayName: 'Fabrikam CRM', owner: { id: null, displayName: null, type: null }, createdTime: '2022-05-05T05:05:05.0000000Z', lastModifiedTime: null },
    ]);
  });
});
