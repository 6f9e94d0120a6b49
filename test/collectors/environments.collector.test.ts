import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEnvironmentsCollector } from '../../src/collectors/environments.collector.js';
import { environmentsEvidenceSchema } from '../../src/evidence/schemas.js';
import { BAP, collectionFailure, collectorContext, fixture } from './collector-context.js';

const PATH = '/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments';
const QUERY = { 'api-version': '2023-06-01', $expand: 'properties.capacity,properties/billingPolicy' };
/** The first page's URL as error messages print it. */
const URL = `${BAP}${PATH}?api-version=2023-06-01&$expand=properties.capacity,properties/billingPolicy`;

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('environments collector', () => {
  it('reads every page and maps each environment', async () => {
    nock(BAP)
      .get(PATH)
      .query(QUERY)
      .reply(200, fixture('environments.page1.json'))
      .get(PATH)
      .query({ ...QUERY, $skiptoken: 'eyJwYWdlIjoyfQ' })
      .reply(200, fixture('environments.page2.json'));
    const { ctx, progress } = collectorContext();
    const evidence = await createEnvironmentsCollector().collect(ctx);

    expect(environmentsEvidenceSchema.safeParse(evidence).success).toBe(true);
    expect(evidence.environments.map((e) => e.displayName)).toEqual(['Contoso (default)', 'Finance Prod', 'HR Sandbox']);
    const [defaultEnv, finance, hr] = evidence.environments;
    expect(defaultEnv).toMatchObject({ id: 'Default-6f1c7a2e-1b9d-4c55-9a0e-2f3b4c5d6e7f', type: 'Default', isDefault: true, region: 'europe', hasDataverse: false, managed: false, protectionLevel: 'Basic' });
    expect(finance).toMatchObject({
      type: 'Production',
      region: 'westeurope',
      hasDataverse: true,
      securityGroupId: '5b2c1a00-0000-0000-0000-00000000abcd',
      environmentGroupId: '9e0f0000-0000-0000-0000-000000000042',
      managed: true,
      solutionCheckerMode: 'none',
      excludedFromAnalysis: true,
      enterprisePolicies: { vnet: true, customerManagedKey: false },
    });
    expect(finance?.sharing.solutionCloudFlows).toEqual({ mode: 'disableSharing', maxUsers: -1 });
    expect(hr).toMatchObject({ securityGroupId: null, managed: false, enterprisePolicies: { vnet: false, customerManagedKey: true } });
    expect(hr?.sharing.canvasApps).toEqual({ mode: 'noLimit', maxUsers: null, groupSharingDisabled: false });
    expect(progress.map((p) => p.pages)).toEqual([1, 2]);
    expect(progress.at(-1)).toEqual({ collector: 'environments', pages: 2, requests: 2 });
    expect(nock.isDone()).toBe(true);
  });

  it('accepts an empty list', async () => {
    nock(BAP).get(PATH).query(QUERY).reply(200, { value: [] });
    const { ctx } = collectorContext();
    expect(await createEnvironmentsCollector().collect(ctx)).toEqual({ environments: [] });
  });

  it('names the collector, URL and path of a malformed item', async () => {
    nock(BAP)
      .get(PATH)
      .query(QUERY)
      .reply(200, { value: [{ name: 'x', properties: {} }, { name: 'y' }] });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createEnvironmentsCollector().collect(ctx));
    expect(error.code).toBe('PPMAT_E_MALFORMED_RESPONSE');
    expect(error.status).toBe('error');
    expect(error.message).toContain('environments collector');
    expect(error.message).toContain(PATH);
    expect(error.message).toContain('value[1].properties');
  });

  it('reports a body that is not JSON as malformed', async () => {
    nock(BAP).get(PATH).query(QUERY).reply(200, '{"value": [', { 'Content-Type': 'application/json' });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createEnvironmentsCollector().collect(ctx));
    expect(error.code).toBe('PPMAT_E_MALFORMED_RESPONSE');
    expect(error.status).toBe('error');
    expect(error.message).toContain(`GET ${URL} answered 200 with a body that is not the expected shape: it is not JSON`);
  });

  it.each([
    ['a list without value', JSON.stringify({ environments: [] }), /no array "value"/],
    ['a nextLink that is not a string', JSON.stringify({ value: [], nextLink: 3 }), /nextLink is not a string/],
  ])('malformed body: %s is an error naming the URL', async (_name, body, why) => {
    nock(BAP).get(PATH).query(QUERY).reply(200, body, { 'Content-Type': 'application/json' });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createEnvironmentsCollector().collect(ctx));
    expect(error).toMatchObject({ status: 'error', code: 'PPMAT_E_MALFORMED_RESPONSE', details: { url: URL } });
    expect(error.message).toContain(`GET ${URL} answered 200`);
    expect(error.message).toMatch(why);
  });

  it('403 makes the evidence unavailable', async () => {
    nock(BAP)
      .get(PATH)
      .query(QUERY)
      .reply(403, { error: { code: 'Forbidden', message: 'The client does not have permission to access the path' } });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createEnvironmentsCollector().collect(ctx));
    expect(error.status).toBe('unavailable');
    expect(error.code).toBe('PPMAT_E_HTTP_FORBIDDEN');
    expect(error.message).toContain('not registered as a Power Platform admin management application');
    expect(error.message).toContain('does not have permission to access the path');
  });

  it('rides out a 429 with Retry-After', async () => {
    nock(BAP).get(PATH).query(QUERY).reply(429, '', { 'Retry-After': '1' }).get(PATH).query(QUERY).reply(200, { value: [] });
    const { ctx, sleeps } = collectorContext();
    await createEnvironmentsCollector().collect(ctx);
    expect(sleeps).toEqual([1000]);
    expect(ctx.http.stats).toMatchObject({ throttled: 1, throttledMs: 1000, retries: 1 });
  });

  it('rides out a 429 on a later page, keeping the pages already read', async () => {
    nock(BAP)
      .get(PATH)
      .query(QUERY)
      .reply(200, fixture('environments.page1.json'))
      .get(PATH)
      .query({ ...QUERY, $skiptoken: 'eyJwYWdlIjoyfQ' })
      .reply(429, { error: { code: 'TooManyRequests', message: 'Rate limit is exceeded. Try again in 2 seconds.' } }, { 'Retry-After': '2' })
      .get(PATH)
      .query({ ...QUERY, $skiptoken: 'eyJwYWdlIjoyfQ' })
      .reply(200, fixture('environments.page2.json'));
    const { ctx, sleeps } = collectorContext();
    const evidence = await createEnvironmentsCollector().collect(ctx);
    expect(evidence.environments).toHaveLength(3);
    expect(sleeps).toEqual([2000]);
    expect(ctx.http.stats).toMatchObject({ requests: 3, pages: 2, throttled: 1, throttledMs: 2000, retries: 1 });
  });

  it('retries a 5xx, then succeeds', async () => {
    nock(BAP).get(PATH).query(QUERY).reply(503, 'Service Unavailable').get(PATH).query(QUERY).reply(200, fixture('environments.page2.json'));
    const { ctx } = collectorContext();
    const evidence = await createEnvironmentsCollector().collect(ctx);
    expect(evidence.environments.map((e) => e.displayName)).toEqual(['HR Sandbox']);
    expect(ctx.http.stats).toMatchObject({ requests: 2, retries: 1, throttled: 0 });
  });

  // 404 does not mean "no environments" here (only tenant isolation reads 404 as "none"): it stays an error.
  it('404 is an error, never read as an empty list', async () => {
    nock(BAP).get(PATH).query(QUERY).reply(404, { error: { code: 'NotFound', message: 'Resource not found' } });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createEnvironmentsCollector().collect(ctx));
    expect(error.code).toBe('PPMAT_E_HTTP_NOT_FOUND');
    expect(error.status).toBe('error');
    expect(error.details).toEqual({ httpStatus: 404, url: URL });
    expect(error.message).toBe(`GET ${URL} answered 404 where a resource was expected. The API said: NotFound: Resource not found`);
  });
});
