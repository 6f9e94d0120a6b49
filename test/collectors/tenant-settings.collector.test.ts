import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTenantSettingsCollector } from '../../src/collectors/tenant-settings.collector.js';
import { BAP, collectionFailure, collectorContext, fixture } from './collector-context.js';

const PATH = '/providers/Microsoft.BusinessAppPlatform/listTenantSettings';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('tenant settings collector', () => {
  it('POSTs {} and keeps the settings as sent', async () => {
    const body = fixture('tenant-settings.json');
    nock(BAP).post(PATH, {}).query({ 'api-version': '2023-06-01' }).reply(200, body as nock.Body);
    const { ctx, progress } = collectorContext();
    const evidence = await createTenantSettingsCollector().collect(ctx);
    expect(evidence).toEqual(body);
    expect(evidence['disableEnvironmentCreationByNonAdminUsers']).toBe(true);
    expect(progress).toEqual([{ collector: 'tenantSettings', pages: 1, requests: 1 }]);
  });

  it.each([
    ['an array', [1, 2]],
    ['null', null],
    ['a string', 'settings'],
  ])('rejects %s as malformed', async (_name, body) => {
    nock(BAP).post(PATH).query(true).reply(200, JSON.stringify(body));
    const { ctx } = collectorContext();
    const error = await collectionFailure(createTenantSettingsCollector().collect(ctx));
    expect(error.code).toBe('PPMAT_E_MALFORMED_RESPONSE');
    expect(error.message).toContain('tenantSettings collector');
    expect(error.message).toContain('listTenantSettings');
  });

  it('403 makes the evidence unavailable', async () => {
    nock(BAP).post(PATH).query(true).reply(403, {});
    const { ctx } = collectorContext();
    const error = await collectionFailure(createTenantSettingsCollector().collect(ctx));
    expect(error.status).toBe('unavailable');
  });
});
