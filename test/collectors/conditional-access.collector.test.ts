import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createConditionalAccessCollector } from '../../src/collectors/conditional-access.collector.js';
import { conditionalAccessEvidenceSchema } from '../../src/evidence/graph.schemas.js';
import { collectionFailure, collectorContext, fixture, GRAPH } from './collector-context.js';

const PATH = '/v1.0/identity/conditionalAccess/policies';
/** The request as error messages print it. */
const URL = `${GRAPH}${PATH}`;

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('conditional access collector', () => {
  it('reads every page (@odata.nextLink) and maps each policy', async () => {
    nock(GRAPH)
      .get(PATH)
      .reply(200, fixture('graph-ca-policies.page1.json'))
      .get(PATH)
      .query({ $skiptoken: 'RFNwdAIAAQAAAB86' })
      .reply(200, fixture('graph-ca-policies.page2.json'));
    const { ctx, progress } = collectorContext();
    const evidence = await createConditionalAccessCollector().collect(ctx);
    expect(conditionalAccessEvidenceSchema.safeParse(evidence).success).toBe(true);
    expect(evidence.policies.map((p) => [p.displayName, p.state])).toEqual([
      ['Require phishing-resistant MFA for admins', 'enabled'],
      ['Power Platform session monitoring', 'enabledForReportingButNotEnforced'],
    ]);
    expect(evidence.policies[0]).toMatchObject({
      users: { includeRoles: ['11648597-926c-4cf3-9c36-bcebb0ba8dcc', '62e90394-69f5-4237-9190-012177145e10'], exclude: ['a1c2e3f4-0000-4000-8000-00000000b001'] },
      grant: { operator: 'OR', builtInControls: [], authenticationStrength: 'Phishing-resistant MFA' },
    });
    expect(evidence.policies[1]).toMatchObject({ grant: { operator: null, builtInControls: [] }, session: { cloudAppSecurity: true, signInFrequency: true } });
    expect(progress.map((p) => p.pages)).toEqual([1, 2]);
    expect(ctx.http.stats).toMatchObject({ requests: 2, pages: 2 });
    expect(nock.isDone()).toBe(true);
  });

  it('an empty list is ok and empty', async () => {
    nock(GRAPH).get(PATH).reply(200, { '@odata.context': 'x', value: [] });
    const { ctx } = collectorContext();
    expect(await createConditionalAccessCollector().collect(ctx)).toEqual({ policies: [] });
  });

  it('waits Retry-After on 429, then succeeds', async () => {
    nock(GRAPH).get(PATH).reply(429, { error: { code: 'TooManyRequests', message: 'Too many requests' } }, { 'Retry-After': '7' }).get(PATH).reply(200, { value: [] });
    const { ctx, sleeps } = collectorContext();
    expect(await createConditionalAccessCollector().collect(ctx)).toEqual({ policies: [] });
    expect(sleeps).toEqual([7000]);
    expect(ctx.http.stats).toMatchObject({ requests: 2, retries: 1, throttled: 1, throttledMs: 7000 });
  });

  it('retries a 5xx, then succeeds', async () => {
    nock(GRAPH).get(PATH).reply(502).get(PATH).reply(200, { value: [] });
    const { ctx, sleeps } = collectorContext();
    expect(await createConditionalAccessCollector().collect(ctx)).toEqual({ policies: [] });
    expect(sleeps).toHaveLength(1);
  });

  it('403 makes the evidence unavailable and names Policy.Read.All with admin consent', async () => {
    nock(GRAPH)
      .get(PATH)
      .reply(403, { error: { code: 'AccessDenied', message: 'You cannot perform the requested operation, required scopes are missing in the token.' } });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createConditionalAccessCollector().collect(ctx));
    expect(error).toMatchObject({ status: 'unavailable', code: 'PPMAT_E_HTTP_FORBIDDEN' });
    expect(error.message).toContain('Policy.Read.All');
    expect(error.message).toContain('admin consent');
  });

  it('a body that is not JSON is PPMAT_E_MALFORMED_RESPONSE', async () => {
    nock(GRAPH).get(PATH).reply(200, '{"value": [', { 'Content-Type': 'application/json' });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createConditionalAccessCollector().collect(ctx));
    expect(error).toMatchObject({ status: 'error', code: 'PPMAT_E_MALFORMED_RESPONSE', details: { url: URL } });
    expect(error.message).toContain(`GET ${URL} answered 200`);
  });

  it.each([
    ['a page without value', JSON.stringify({ policies: [] }), /no array "value"/],
    ['an @odata.nextLink that is not a string', JSON.stringify({ value: [], '@odata.nextLink': 3 }), /@odata\.nextLink is not a string/],
  ])('malformed body: %s is an error naming the URL', async (_name, body, why) => {
    nock(GRAPH).get(PATH).reply(200, body, { 'Content-Type': 'application/json' });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createConditionalAccessCollector().collect(ctx));
    expect(error).toMatchObject({ status: 'error', code: 'PPMAT_E_MALFORMED_RESPONSE', details: { url: URL } });
    expect(error.message).toContain(`GET ${URL} answered 200`);
    expect(error.message).toMatch(why);
  });

  // Graph has no "no policies" 404: a tenant without Conditional Access answers an empty list.
  it('404 is a clear error naming the URL, never read as no policies', async () => {
    nock(GRAPH)
      .get(PATH)
      .reply(404, { error: { code: 'Request_ResourceNotFound', message: 'Resource not found.' } });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createConditionalAccessCollector().collect(ctx));
    expect(error).toMatchObject({ status: 'error', code: 'PPMAT_E_HTTP_NOT_FOUND', details: { httpStatus: 404, url: URL } });
    expect(error.message).toBe(`GET ${URL} answered 404 where a resource was expected. The API said: Request_ResourceNotFound: Resource not found.`);
  });

  it('a policy without an id is PPMAT_E_MALFORMED_RESPONSE naming the item', async () => {
    nock(GRAPH).get(PATH).reply(200, { value: [{ id: 'a', displayName: 'ok' }, { displayName: 'no id' }] });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createConditionalAccessCollector().collect(ctx));
    expect(error.code).toBe('PPMAT_E_MALFORMED_RESPONSE');
    expect(error.status).toBe('error');
    expect(error.message).toContain('conditionalAccess collector');
    expect(error.message).toContain('/identity/conditionalAccess/policies');
    expect(error.message).toContain('value[1].id');
  });
});
