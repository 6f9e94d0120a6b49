import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSectionCollectors } from '../../../src/collectors/inventory/sections.js';
import { INVENTORY_SECTIONS } from '../../../src/evidence/inventory.schemas.js';
import { ENV_ID, ENVIRONMENT, inventoryFixture, NO_DATAVERSE, POWER_APPS, sectionContext } from './section-context.js';

describe('section collectors', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('are all seven, in INVENTORY_SECTIONS order', () => {
    expect(createSectionCollectors().map((collector) => collector.key)).toEqual([...INVENTORY_SECTIONS]);
  });

  it('only Power Pages refuses tenant-wide', () => {
    const refusing = createSectionCollectors().filter((collector) => collector.tenantWideRefusal);
    expect(refusing.map((collector) => collector.key)).toEqual(['powerPagesSites']);
  });

  it('without Dataverse, only the admin-RP sections apply', () => {
    const reasons = Object.fromEntries(createSectionCollectors().map((collector) => [collector.key, collector.notApplicable(NO_DATAVERSE)]));
    expect(reasons).toEqual({
      canvasApps: null,
      cloudFlows: null,
      customConnectors: null,
      modelDrivenApps: 'it has no Dataverse database',
      agents: 'it has no Dataverse database',
      powerPagesSites: 'it has no Dataverse database',
      dataverse: 'it has no Dataverse database',
    });
    expect(createSectionCollectors().every((collector) => collector.notApplicable(ENVIRONMENT) === null)).toBe(true);
  });

  it('passes `appPermissions: false` to the app collector', async () => {
    nock(POWER_APPS)
      .get(`/providers/Microsoft.PowerApps/scopes/admin/environments/${ENV_ID}/apps`)
      .query({ 'api-version': '2016-11-01' })
      .reply(200, inventoryFixture('canvas-apps.page2.json') as nock.Body);
    const [canvasApps] = createSectionCollectors({ appPermissions: false });
    if (canvasApps?.key !== 'canvasApps') throw new Error('the first collector must be canvasApps');
    const { ctx } = sectionContext<'canvasApps'>();
    const apps = await canvasApps.collect(ctx);
    expect(apps.map((app) => app.sharing)).toEqual([null]);
    expect(ctx.http.stats.requests).toBe(1);
  });
});
