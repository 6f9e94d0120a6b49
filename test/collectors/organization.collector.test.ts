import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOrganizationCollector } from '../../src/collectors/organization.collector.js';
import { organizationEvidenceSchema } from '../../src/evidence/identity.schemas.js';
import { collectionFailure, collectorContext, fixture, GRAPH, TENANT_ID } from './collector-context.js';

const PATH = '/v1.0/organization';
const QUERY = { $select: 'id,displayName,verifiedDomains,countryLetterCode,createdDateTime,tenantType' };
/** The request as error messages print it. */
const URL = `${GRAPH}${PATH}?$select=id,displayName,verifiedDomains,countryLetterCode,createdDateTime,tenantType`;

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const CONTOSO = {
  id: TENANT_ID,
  displayName: 'Contoso',
  verifiedDomains: ['contoso.onmicrosoft.com', 'contoso.com'],
  defaultDomain: 'contoso.com',
  countryLetterCode: 'NL',
  createdDateTime: '2019-08-14T09:31:22Z',
  tenantType: 'AAD',
};

describe('organization collector', () => {
  it('reads the organization with its verified and default domains', async () => {
    nock(GRAPH).get(PATH).query(QUERY).reply(200, fixture('graph-organization.json'));
    const { ctx, progress } = collectorContext();
    const evidence = await createOrganizationCollector().collect(ctx);
    expect(organizationEvidenceSchema.safeParse(evidence).success).toBe(true);
    expect(evidence).toEqual(CONTOSO);
    expect(progress).toEqual([{ collector: 'organization', pages: 1, requests: 1 }]);
    expect(ctx.http.stats).toMatchObject({ requests: 1, pages: 1 });
  });

  it('follows @odata.nextLink and picks the scanned tenant; unset values are null, never guessed', async () => {
    const other = { id: '11111111-2222-4333-8444-555555555555', displayName: 'Other', verifiedDomains: [] };
    nock(GRAPH)
      .get(PATH)
      .query(QUERY)
      .reply(200, { value: [other], '@odata.nextLink': `${GRAPH}${PATH}?$skiptoken=p2` })
      .get(PATH)
      .query({ $skiptoken: 'p2' })
      .reply(200, { value: [{ id: TENANT_ID.toUpperCase(), displayName: 'Fabrikam', countryLetterCode: '', createdDateTime: null, verifiedDomains: [{ name: 'fabrikam.onmicrosoft.com', isDefault: false }] }] });
    const { ctx } = collectorContext();
    expect(await createOrganizationCollector().collect(ctx)).toEqual({
      id: TENANT_ID.toUpperCase(),
      displayName: 'Fabrikam',
      verifiedDomains: ['fabrikam.onmicrosoft.com'],
      defaultDomain: null,
      countryLetterCode: null,
      createdDateTime: null,
      tenantType: null,
    });
    expect(ctx.http.stats).toMatchObject({ requests: 2, pages: 2 });
  });

  it('waits Retry-After on 429, then succeeds', async () => {
    nock(GRAPH).get(PATH).query(QUERY).reply(429, '', { 'Retry-After': '3' }).get(PATH).query(QUERY).reply(200, fixture('graph-organization.json'));
    const { ctx, sleeps } = collectorContext();
    expect(await createOrganizationCollector().collect(ctx)).toEqual(CONTOSO);
    expect(sleeps).toEqual([3000]);
    expect(ctx.http.stats).toMatchObject({ requests: 2, throttled: 1, throttledMs: 3000 });
  });

  it('retries a 5xx, then succeeds', async () => {
    nock(GRAPH).get(PATH).query(QUERY).reply(503).get(PATH).query(QUERY).reply(200, fixture('graph-organization.json'));
    const { ctx } = collectorContext();
    expect(await createOrganizationCollector().collect(ctx)).toEqual(CONTOSO);
    expect(ctx.http.stats.retries).toBe(1);
  });

  it('403 makes the evidence unavailable and names Organization.Read.All', async () => {
    nock(GRAPH)
      .get(PATH)
      .query(QUERY)
      .reply(403, { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createOrganizationCollector().collect(ctx));
    expect(error).toMatchObject({ status: 'unavailable', code: 'PPMAT_E_HTTP_FORBIDDEN' });
    expect(error.message).toContain('Organization.Read.All');
    expect(error.message).toContain('Authorization_RequestDenied');
  });

  it('an empty list is malformed: every tenant has its organization', async () => {
    nock(GRAPH).get(PATH).query(QUERY).reply(200, { value: [] });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createOrganizationCollector().collect(ctx));
    expect(error).toMatchObject({ status: 'error', code: 'PPMAT_E_MALFORMED_RESPONSE' });
    expect(error.message).toMatch(/empty list/);
    expect(error.message).toContain(URL.replace(`${GRAPH}/v1.0`, ''));
  });

  it.each([
    ['a body that is not JSON', 'not json at all'],
    ['an entry without an id', JSON.stringify({ value: [{ displayName: 'Contoso' }] })],
    ['a domain without a name', JSON.stringify({ value: [{ id: TENANT_ID, verifiedDomains: [{ isDefault: true }] }] })],
  ])('%s is PPMAT_E_MALFORMED_RESPONSE', async (_what, body) => {
    nock(GRAPH).get(PATH).query(QUERY).reply(200, body, { 'Content-Type': 'application/json' });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createOrganizationCollector().collect(ctx));
    expect(error).toMatchObject({ status: 'error', code: 'PPMAT_E_MALFORMED_RESPONSE' });
    // A transport error names the full URL, a shape error the path relative to the version root.
    expect(error.message).toContain(URL.replace(`${GRAPH}/v1.0`, ''));
  });

  // Graph has no "none" 404 for /organization: every tenant has its organization object.
  it('404 is a clear error naming the URL', async () => {
    nock(GRAPH)
      .get(PATH)
      .query(QUERY)
      .reply(404, { error: { code: 'Request_ResourceNotFound', message: 'Resource not found.' } });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createOrganizationCollector().collect(ctx));
    expect(error).toMatchObject({ status: 'error', code: 'PPMAT_E_HTTP_NOT_FOUND', details: { httpStatus: 404, url: URL } });
    expect(error.message).toBe(`GET ${URL} answered 404 where a resource was expected. The API said: Request_ResourceNotFound: Resource not found.`);
  });
});
