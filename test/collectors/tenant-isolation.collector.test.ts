import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTenantIsolationCollector } from '../../src/collectors/tenant-isolation.collector.js';
import { BAP, TENANT_ID, collectionFailure, collectorContext, fixture } from './collector-context.js';

const PATH = `/providers/PowerPlatform.Governance/v1/tenants/${TENANT_ID}/tenantIsolationPolicy`;
const QUERY = { 'api-version': '2020-06-01' };
/** The request as error messages print it. */
const URL = `${BAP}${PATH}?api-version=2020-06-01`;

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('tenant isolation collector', () => {
  it('maps a configured policy', async () => {
    nock(BAP).get(PATH).query(QUERY).reply(200, fixture('tenant-isolation.json') as nock.Body);
    const { ctx, progress } = collectorContext();
    expect(await createTenantIsolationCollector().collect(ctx)).toEqual({
      configured: true,
      enabled: true,
      allowedTenants: [
        { tenantId: '11111111-1111-1111-1111-111111111111', inbound: true, outbound: true },
        { tenantId: '22222222-2222-2222-2222-222222222222', inbound: false, outbound: true },
      ],
    });
    expect(progress).toHaveLength(1);
  });

  it('accepts the unwrapped shape', async () => {
    nock(BAP).get(PATH).query(QUERY).reply(200, fixture('tenant-isolation.unwrapped.json') as nock.Body);
    const { ctx } = collectorContext();
    expect(await createTenantIsolationCollector().collect(ctx)).toEqual({ configured: true, enabled: false, allowedTenants: [] });
  });

  it.each([
    ['404', 404, { error: { code: 'NotFound', message: 'No policy' } }],
    ['an empty body', 200, ''],
    ['a null body', 200, 'null'],
  ])('reads %s as never configured', async (_name, status, body) => {
    nock(BAP)
      .get(PATH)
      .query(QUERY)
      .reply(status, typeof body === 'string' ? body : JSON.stringify(body));
    const { ctx } = collectorContext();
    expect(await createTenantIsolationCollector().collect(ctx)).toEqual({ configured: false, enabled: false, allowedTenants: [] });
  });

  it('reports malformed JSON as an error', async () => {
    nock(BAP).get(PATH).query(QUERY).reply(200, '{"properties": {"isDisabled": fal');
    const { ctx } = collectorContext();
    const error = await collectionFailure(createTenantIsolationCollector().collect(ctx));
    expect(error.status).toBe('error');
    expect(error.code).toBe('PPMAT_E_MALFORMED_RESPONSE');
    expect(error.message).toContain(`GET ${URL} answered 200`);
  });

  it('reports a body of the wrong shape with its path', async () => {
    nock(BAP)
      .get(PATH)
      .query(QUERY)
      .reply(200, { properties: { isDisabled: 'no', allowedTenants: [] } });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createTenantIsolationCollector().collect(ctx));
    expect(error.code).toBe('PPMAT_E_MALFORMED_RESPONSE');
    expect(error.status).toBe('error');
    expect(error.message).toContain('tenantIsolation collector');
    expect(error.message).toContain(`${PATH}?api-version=2020-06-01`);
    expect(error.message).toContain('properties.isDisabled');
  });

  it.each([
    ['a JSON array', [{ isDisabled: false }]],
    ['an allowed tenant without tenantId', { properties: { isDisabled: false, allowedTenants: [{ direction: { inbound: true } }] } }],
  ])('malformed body: %s is an error naming the collector and URL', async (_name, body) => {
    nock(BAP).get(PATH).query(QUERY).reply(200, JSON.stringify(body), { 'Content-Type': 'application/json' });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createTenantIsolationCollector().collect(ctx));
    expect(error).toMatchObject({ status: 'error', code: 'PPMAT_E_MALFORMED_RESPONSE', details: { url: `${PATH}?api-version=2020-06-01` } });
    expect(error.message).toContain('tenantIsolation collector');
  });

  it('403 makes the evidence unavailable', async () => {
    nock(BAP).get(PATH).query(QUERY).reply(403, { error: { code: 'Forbidden', message: 'not an admin app' } });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createTenantIsolationCollector().collect(ctx));
    expect(error.status).toBe('unavailable');
    expect(error.code).toBe('PPMAT_E_HTTP_FORBIDDEN');
    expect(error.message).toContain('not registered as a Power Platform admin management application');
    expect(error.message).toContain('not an admin app');
  });

  // Several pages: does not apply. The policy is one object, never a `{ value: [...], nextLink }`
  // list; the "empty list" case is a configured policy that allows no tenant (below).

  it('reads a configured policy with no allowed tenants as ok and empty', async () => {
    nock(BAP)
      .get(PATH)
      .query(QUERY)
      .reply(200, { properties: { isDisabled: false, allowedTenants: [] } });
    const { ctx } = collectorContext();
    expect(await createTenantIsolationCollector().collect(ctx)).toEqual({ configured: true, enabled: true, allowedTenants: [] });
  });

  it('rides out a 429 with Retry-After', async () => {
    nock(BAP)
      .get(PATH)
      .query(QUERY)
      .reply(429, { error: { code: 'TooManyRequests', message: 'Rate limit is exceeded. Try again in 4 seconds.' } }, { 'Retry-After': '4' })
      .get(PATH)
      .query(QUERY)
      .reply(200, fixture('tenant-isolation.json') as nock.Body);
    const { ctx, sleeps } = collectorContext();
    expect(await createTenantIsolationCollector().collect(ctx)).toMatchObject({ configured: true, enabled: true });
    expect(sleeps).toEqual([4000]);
    expect(ctx.http.stats).toMatchObject({ requests: 2, retries: 1, throttled: 1, throttledMs: 4000 });
  });

  it('retries a 5xx, then succeeds (and a 404 after it still means never configured)', async () => {
    nock(BAP).get(PATH).query(QUERY).reply(500, { error: { code: 'InternalServerError' } }).get(PATH).query(QUERY).reply(404, { error: { code: 'NotFound' } });
    const { ctx } = collectorContext();
    expect(await createTenantIsolationCollector().collect(ctx)).toEqual({ configured: false, enabled: false, allowedTenants: [] });
    expect(ctx.http.stats).toMatchObject({ requests: 2, retries: 1, throttled: 0 });
  });
});
