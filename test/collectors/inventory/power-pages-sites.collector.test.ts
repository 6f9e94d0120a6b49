import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPowerPagesSitesCollector } from '../../../src/collectors/inventory/power-pages-sites.collector.js';
import { sectionDataSchemas } from '../../../src/evidence/inventory.schemas.js';
import { describeListSection } from './list-section-cases.js';
import { ENV_ID, ENVIRONMENT, inventoryFixture, NO_DATAVERSE, POWER_PLATFORM, sectionContext } from './section-context.js';

const PATH = `/powerpages/environments/${ENV_ID}/websites`;
const QUERY = { 'api-version': '2024-10-01' };
const W1 = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const W2 = 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e';
const W3 = 'c3d4e5f6-a7b8-4c9d-8e1f-2a3b4c5d6e7f';

describeListSection({
  section: 'powerPagesSites',
  create: () => createPowerPagesSitesCollector(),
  host: POWER_PLATFORM,
  path: PATH,
  query: QUERY,
  pages: ['websites.page1.json', 'websites.page2.json'],
  ids: [W1, W2, W3],
  forbidden: {
    body: inventoryFixture('power-pages.forbidden.json') as nock.Body,
    mentions: [
      'the Power Pages admin API does not accept service principals (app-only tokens); sites can only be listed by a user',
      'The service principal is not supported for this operation',
    ],
  },
  // The API answers 404 for an environment without a Dataverse database (reference 8a, pitfall 8).
  notFound: { status: 'none', body: { error: { code: 'EnvironmentNotFound', message: 'Environment does not have a Microsoft Dataverse database.' } } },
  malformed: { item: { id: W1, siteVisibility: false }, at: 'value[0].siteVisibility' },
});

describe('Power Pages sites collector', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('refuses tenant-wide and does not apply without Dataverse', () => {
    const collector = createPowerPagesSitesCollector();
    expect(collector.tenantWideRefusal).toBe(true);
    expect(collector.notApplicable(NO_DATAVERSE)).toBe('it has no Dataverse database');
    expect(collector.notApplicable(ENVIRONMENT)).toBeNull();
  });

  it('maps the WebsiteDto fields', async () => {
    nock(POWER_PLATFORM)
      .get(PATH)
      .query(QUERY)
      .reply(200, inventoryFixture('websites.page2.json') as nock.Body);
    const { ctx } = sectionContext<'powerPagesSites'>();
    const sites = await createPowerPagesSitesCollector().collect(ctx);
    expect(sectionDataSchemas.powerPagesSites.safeParse(sites).success).toBe(true);
    expect(sites).toEqual([
      {
        id: W3,
        name: 'Supplier Onboarding',
        websiteUrl: 'https://contoso-suppliers.powerappsportals.com',
        siteVisibility: 'private',
        type: 'Production',
        status: 'OperationInProgress',
        ownerId: '2b7c9d1e-3f40-4a5b-8c6d-7e8f9a0b1c2d',
        createdOn: '2025-05-01T07:45:00Z',
      },
    ]);
  });
});
