import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createModelDrivenAppsCollector } from '../../../src/collectors/inventory/model-driven-apps.collector.js';
import { sectionDataSchemas } from '../../../src/evidence/inventory.schemas.js';
import { describeListSection } from './list-section-cases.js';
import { DATAVERSE, ENVIRONMENT, inventoryFixture, NO_DATAVERSE, sectionContext } from './section-context.js';

const PATH = '/api/data/v9.2/appmodules';
const QUERY = { $select: 'appmoduleid,name,uniquename,publishedon,modifiedon,statecode' };
const M1 = 'd6a1f2c3-4b5e-ef11-a4e6-000d3a2b1c01';
const M2 = 'e7b2a3d4-5c6f-ef11-a4e6-000d3a2b1c02';
const M3 = 'f8c3b4e5-6d70-ef11-a4e6-000d3a2b1c03';

describeListSection({
  section: 'modelDrivenApps',
  create: () => createModelDrivenAppsCollector(),
  host: DATAVERSE,
  path: PATH,
  query: QUERY,
  pages: ['appmodules.page1.json', 'appmodules.page2.json'],
  ids: [M1, M2, M3],
  forbidden: {
    body: inventoryFixture('dataverse.forbidden.json') as nock.Body,
    mentions: ['add the app registration as an application user', 'read appmodules in environment "Contoso Dev"', 'The user is not a member of the organization'],
  },
  // appmodules is a system table of every Dataverse database: a 404 is no "none".
  notFound: { status: 'error', body: { error: { code: '0x80060888', message: "Resource not found for the segment 'appmodules'." } } },
  malformed: { item: { appmoduleid: M1, statecode: 'Active' }, at: 'value[0].statecode' },
});

describe('model-driven apps collector', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('does not apply to an environment without Dataverse', () => {
    const collector = createModelDrivenAppsCollector();
    expect(collector.notApplicable(NO_DATAVERSE)).toBe('it has no Dataverse database');
    expect(collector.notApplicable(ENVIRONMENT)).toBeNull();
    expect(collector.tenantWideRefusal).toBe(false);
  });

  it('maps the rows; a nameless app falls back to its unique name or id', async () => {
    nock(DATAVERSE)
      .get(PATH)
      .query(QUERY)
      .reply(200, inventoryFixture('appmodules.page2.json') as nock.Body);
    const { ctx } = sectionContext<'modelDrivenApps'>();
    const apps = await createModelDrivenAppsCollector().collect(ctx);
    expect(sectionDataSchemas.modelDrivenApps.safeParse(apps).success).toBe(true);
    expect(apps).toEqual([{ id: M3, name: 'Asset Register', uniqueName: null, publishedOn: null, modifiedOn: '2024-12-24T08:00:00Z' }]);
  });
});
