import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAdvisorRecommendationsCollector } from '../../src/collectors/advisor-recommendations.collector.js';
import { advisorRecommendationsEvidenceSchema } from '../../src/evidence/governance.schemas.js';
import { API_VERSION, POWER_PLATFORM, collectionFailure, collectorContext, fixture } from './collector-context.js';

const PATH = '/analytics/advisorRecommendations';
/** The request as error messages print it. */
const URL = `${POWER_PLATFORM}${PATH}?api-version=2024-10-01`;
const NO_MANAGED_ENVIRONMENT = { error: { code: 'ManagedEnvironmentRequired', message: 'Recommendations require at least one Managed Environment in the tenant.' } };

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const collect = (ctx: Parameters<ReturnType<typeof createAdvisorRecommendationsCollector>['collect']>[0]) => createAdvisorRecommendationsCollector().collect(ctx);

describe('Power Advisor recommendations collector', () => {
  it('reads every page, following nextLink with $skipToken', async () => {
    nock(POWER_PLATFORM)
      .get(PATH)
      .query(API_VERSION)
      .reply(200, fixture('advisor-recommendations.page1.json') as nock.Body)
      .get(PATH)
      .query({ ...API_VERSION, $skipToken: 'c2tpcD0y' })
      .reply(200, fixture('advisor-recommendations.page2.json') as nock.Body);
    const { ctx, progress } = collectorContext();
    const evidence = await collect(ctx);
    expect(advisorRecommendationsEvidenceSchema.safeParse(evidence).success).toBe(true);
    expect(evidence.recommendations).toEqual([
      { scenario: 'UnusedApps', resourceCount: 12, lastRefreshed: '2025-01-14T04:00:00Z' },
      { scenario: 'AbandonedApps', resourceCount: 3, lastRefreshed: '2025-01-14T04:00:00Z' },
      { scenario: 'OversharedApps', resourceCount: 0, lastRefreshed: '2025-01-14T04:00:00Z' },
    ]);
    expect(progress.map((p) => p.pages)).toEqual([1, 2]);
    expect(ctx.http.stats).toMatchObject({ requests: 2, pages: 2 });
  });

  it.each([
    ['204 No Content', 204, undefined],
    ['an empty list', 200, { value: [] }],
  ])('reads %s as no recommendations', async (_name, status, body) => {
    nock(POWER_PLATFORM).get(PATH).query(API_VERSION).reply(status, body);
    const { ctx } = collectorContext();
    expect(await collect(ctx)).toEqual({ recommendations: [] });
  });

  it('waits Retry-After on 429, then succeeds', async () => {
    nock(POWER_PLATFORM)
      .get(PATH)
      .query(API_VERSION)
      .reply(429, { error: { code: 'TooManyRequests', message: 'Too many requests.' } }, { 'Retry-After': '3' })
      .get(PATH)
      .query(API_VERSION)
      .reply(200, fixture('advisor-recommendations.page2.json') as nock.Body);
    const { ctx, sleeps } = collectorContext();
    expect((await collect(ctx)).recommendations).toHaveLength(1);
    expect(sleeps).toEqual([3000]);
    expect(ctx.http.stats).toMatchObject({ throttled: 1, retries: 1 });
  });

  it('retries a 5xx, then succeeds', async () => {
    nock(POWER_PLATFORM).get(PATH).query(API_VERSION).reply(502).get(PATH).query(API_VERSION).reply(200, { value: [] });
    const { ctx, sleeps } = collectorContext();
    expect(await collect(ctx)).toEqual({ recommendations: [] });
    expect(sleeps).toHaveLength(1);
  });

  it('403 for a missing permission makes the evidence unavailable and names the permission', async () => {
    nock(POWER_PLATFORM).get(PATH).query(API_VERSION).reply(403, { error: { code: 'Forbidden', message: 'The caller is not authorized.' } });
    const { ctx } = collectorContext();
    const error = await collectionFailure(collect(ctx));
    expect(error).toMatchObject({ status: 'unavailable', code: 'PPMAT_E_HTTP_FORBIDDEN' });
    expect(error.message).toMatch(/answered 403: the identity lacks the Power Platform API permission/);
  });

  it.each([400, 403, 404])('a %i refusal for want of a managed environment is unavailable with that reason', async (status) => {
    nock(POWER_PLATFORM).get(PATH).query(API_VERSION).reply(status, NO_MANAGED_ENVIRONMENT);
    const { ctx } = collectorContext();
    const error = await collectionFailure(collect(ctx));
    expect(error).toMatchObject({ status: 'unavailable', code: 'PPMAT_E_PREREQUISITE_MISSING', details: { httpStatus: status } });
    expect(error.message).toBe(
      `Power Advisor gives recommendations only when at least one environment is managed, and GET ${POWER_PLATFORM}${PATH}?api-version=2024-10-01 answered ${status}: ` +
        'ManagedEnvironmentRequired: Recommendations require at least one Managed Environment in the tenant.',
    );
  });

  it('keeps other 400 and 404 answers as errors', async () => {
    nock(POWER_PLATFORM).get(PATH).query(API_VERSION).reply(404, { error: { code: 'NotFound', message: 'Resource not found.' } });
    const { ctx } = collectorContext();
    expect(await collectionFailure(collect(ctx))).toMatchObject({ status: 'error', code: 'PPMAT_E_HTTP_NOT_FOUND' });
  });

  // 204 means "no recommendations"; a 404 that does not name a managed environment means nothing.
  it.each([
    [404, 'PPMAT_E_HTTP_NOT_FOUND', 'where a resource was expected'],
    [400, 'PPMAT_E_HTTP_STATUS', ''],
  ])('%i without the managed-environment reason is a clear error naming the URL', async (status, code, expected) => {
    nock(POWER_PLATFORM)
      .get(PATH)
      .query(API_VERSION)
      .reply(status, { error: { code: 'Other', message: 'Something else.' } });
    const { ctx } = collectorContext();
    const error = await collectionFailure(collect(ctx));
    expect(error).toMatchObject({ status: 'error', code, details: { httpStatus: status, url: URL } });
    expect(error.message).toBe(`GET ${URL} answered ${status}${expected === '' ? '' : ` ${expected}`}. The API said: Other: Something else.`);
  });

  it.each([
    ['a body that is not JSON', '{"value": [', /it is not JSON/],
    ['an item without scenario', JSON.stringify({ value: [{ details: { resourceCount: 1 } }] }), /not the expected shape at value\[0\]\.scenario/],
    ['a resource count that is not a number', JSON.stringify({ value: [{ scenario: 'UnusedApps', details: { resourceCount: 'many' } }] }), /value\[0\]\.details\.resourceCount/],
  ])('reports %s as a malformed response', async (_name, body, message) => {
    nock(POWER_PLATFORM).get(PATH).query(API_VERSION).reply(200, body, { 'Content-Type': 'application/json' });
    const { ctx } = collectorContext();
    const error = await collectionFailure(collect(ctx));
    expect(error).toMatchObject({ status: 'error', code: 'PPMAT_E_MALFORMED_RESPONSE' });
    expect(error.message).toMatch(message);
    // A transport error names the full URL, a shape error the path relative to the API base.
    expect(error.message).toContain(`${PATH}?api-version=2024-10-01`);
  });
});
