import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEnvironmentGroupsCollector } from '../../src/collectors/environment-groups.collector.js';
import { environmentGroupsEvidenceSchema } from '../../src/evidence/governance.schemas.js';
import { API_VERSION, POWER_PLATFORM, collectionFailure, collectorContext, fixture } from './collector-context.js';

const LIST = '/environmentmanagement/environmentGroups';
const PROD = '6e0a3f2c-1d4b-4a8e-9c1f-2b3d4e5f6a71';
const SANDBOX = '7f1b4a3d-2e5c-4b9f-8d2a-3c4e5f6a7b82';
const DEV = '8a2c5b4e-3f6d-4c0a-9e3b-4d5f6a7b8c93';
const assignments = (groupId: string) => `/governance/ruleBasedPolicies/environmentGroups/${groupId}/assignments`;
const ASSIGNMENTS_QUERY = { ...API_VERSION, includeRuleSetCounts: 'true' };
/** The group list request as error messages print it. */
const LIST_URL = `${POWER_PLATFORM}${LIST}?api-version=2024-10-01`;

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

/** One group with no assignment (204), for the retry tests. */
function oneGroup(): nock.Scope {
  return nock(POWER_PLATFORM).get(assignments(PROD)).query(ASSIGNMENTS_QUERY).reply(204);
}
const ONE_GROUP = { value: [{ id: PROD, displayName: 'Managed production' }] };

describe('environment groups collector', () => {
  it('reads every page of groups, then each group\'s assignments (204 and 404 mean none)', async () => {
    nock(POWER_PLATFORM)
      .get(LIST)
      .query(API_VERSION)
      .reply(200, fixture('environment-groups.page1.json') as nock.Body)
      .get(LIST)
      .query({ ...API_VERSION, $skiptoken: 'eyJwYWdlIjoyfQ' })
      .reply(200, fixture('environment-groups.page2.json') as nock.Body)
      .get(assignments(PROD))
      .query(ASSIGNMENTS_QUERY)
      .reply(200, fixture('environment-group-assignments.json') as nock.Body)
      .get(assignments(SANDBOX))
      .query(ASSIGNMENTS_QUERY)
      .reply(204)
      .get(assignments(DEV))
      .query(ASSIGNMENTS_QUERY)
      .reply(404, { error: { code: 'NotFound', message: 'No policy is assigned to this environment group.' } });
    const { ctx, progress } = collectorContext();
    const evidence = await createEnvironmentGroupsCollector({ assignmentConcurrency: 1 }).collect(ctx);

    expect(environmentGroupsEvidenceSchema.safeParse(evidence).success).toBe(true);
    expect(evidence.groups).toEqual([
      {
        id: PROD,
        displayName: 'Managed production',
        description: 'Business-critical production environments.',
        parentGroupId: null,
        createdTime: '2024-03-04T10:15:00.0000000Z',
        ruleSetCount: 3,
        policyIds: ['3b9e2d1c-0a4f-4e8b-b7c6-5d4e3f2a1b09', '4c0f3e2d-1b5a-4f9c-a8d7-6e5f4a3b2c10'],
      },
      { id: SANDBOX, displayName: 'Managed sandboxes', description: null, parentGroupId: PROD, createdTime: '2024-03-05T10:15:00.0000000Z', ruleSetCount: 0, policyIds: [] },
      { id: DEV, displayName: 'Developer environments', description: null, parentGroupId: null, createdTime: '2024-06-10T09:00:00.0000000Z', ruleSetCount: 0, policyIds: [] },
    ]);
    expect(progress.map((p) => p.pages)).toEqual([1, 2, 3, 4, 5]);
    expect(ctx.http.stats).toMatchObject({ requests: 5, pages: 5, retries: 0 });
  });

  it('follows the nextLink of a group\'s assignments', async () => {
    nock(POWER_PLATFORM)
      .get(LIST)
      .query(API_VERSION)
      .reply(200, ONE_GROUP)
      .get(assignments(PROD))
      .query(ASSIGNMENTS_QUERY)
      .reply(200, {
        value: [{ policyId: 'p1', ruleSetCount: 2 }],
        '@odata.nextLink': `${POWER_PLATFORM}${assignments(PROD)}?api-version=2024-10-01&includeRuleSetCounts=true&$skiptoken=2`,
      })
      .get(assignments(PROD))
      .query({ ...ASSIGNMENTS_QUERY, $skiptoken: '2' })
      .reply(200, { value: [{ policyId: 'p2', ruleSetCount: 4 }, { policyId: 'p1', ruleSetCount: 0 }] });
    const { ctx } = collectorContext();
    const evidence = await createEnvironmentGroupsCollector().collect(ctx);
    expect(evidence.groups[0]).toMatchObject({ ruleSetCount: 6, policyIds: ['p1', 'p2'] });
  });

  it.each([
    ['204 No Content', () => nock(POWER_PLATFORM).get(LIST).query(API_VERSION).reply(204)],
    ['an empty list', () => nock(POWER_PLATFORM).get(LIST).query(API_VERSION).reply(200, { value: [] })],
  ])('reads %s as no groups, with no assignment request', async (_name, reply) => {
    reply();
    const { ctx } = collectorContext();
    expect(await createEnvironmentGroupsCollector().collect(ctx)).toEqual({ groups: [] });
    expect(ctx.http.stats).toMatchObject({ requests: 1, pages: 1 });
  });

  it('waits Retry-After on 429, then succeeds', async () => {
    nock(POWER_PLATFORM)
      .get(LIST)
      .query(API_VERSION)
      .reply(429, { error: { code: 'TooManyRequests', message: 'Rate limit is exceeded. Try again in 4 seconds.' } }, { 'Retry-After': '4' })
      .get(LIST)
      .query(API_VERSION)
      .reply(200, ONE_GROUP);
    oneGroup();
    const { ctx, sleeps } = collectorContext();
    const evidence = await createEnvironmentGroupsCollector().collect(ctx);
    expect(evidence.groups.map((g) => g.id)).toEqual([PROD]);
    expect(sleeps).toEqual([4000]);
    expect(ctx.http.stats).toMatchObject({ throttled: 1, retries: 1 });
  });

  it('retries a 5xx, then succeeds', async () => {
    nock(POWER_PLATFORM).get(LIST).query(API_VERSION).reply(503, 'Service Unavailable').get(LIST).query(API_VERSION).reply(200, ONE_GROUP);
    nock(POWER_PLATFORM).get(assignments(PROD)).query(ASSIGNMENTS_QUERY).reply(500).get(assignments(PROD)).query(ASSIGNMENTS_QUERY).reply(200, fixture('environment-group-assignments.json') as nock.Body);
    const { ctx, sleeps } = collectorContext();
    const evidence = await createEnvironmentGroupsCollector().collect(ctx);
    expect(evidence.groups[0]?.ruleSetCount).toBe(3);
    expect(sleeps.length).toBeGreaterThanOrEqual(2);
    expect(ctx.http.stats.retries).toBe(2);
  });

  it('403 makes the evidence unavailable and names the missing permission', async () => {
    nock(POWER_PLATFORM).get(LIST).query(API_VERSION).reply(403, { error: { code: 'Forbidden', message: 'The caller is not authorized.' } });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createEnvironmentGroupsCollector().collect(ctx));
    expect(error).toMatchObject({ status: 'unavailable', code: 'PPMAT_E_HTTP_FORBIDDEN' });
    expect(error.message).toMatch(/answered 403: the identity lacks the Power Platform API permission \(admin consent\) or the Power Platform Administrator role\. The API said: Forbidden: The caller is not authorized\./);
  });

  it.each([
    ['a body that is not JSON', '<html>oops</html>', /it is not JSON/],
    ['a list without value', JSON.stringify({ groups: [] }), /not the expected shape at value/],
    ['a group without id', JSON.stringify({ value: [{ displayName: 'No id' }] }), /not the expected shape at value\[0\]\.id/],
    ['a nextLink that is not a string', JSON.stringify({ value: [], '@odata.nextLink': 3 }), /@odata\.nextLink/],
  ])('reports %s as a malformed response', async (_name, body, message) => {
    nock(POWER_PLATFORM).get(LIST).query(API_VERSION).reply(200, body, { 'Content-Type': 'application/json' });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createEnvironmentGroupsCollector().collect(ctx));
    expect(error).toMatchObject({ status: 'error', code: 'PPMAT_E_MALFORMED_RESPONSE' });
    expect(error.message).toMatch(message);
    // A transport error names the full URL, a shape error the path relative to the API base.
    expect(error.message).toContain(`${LIST}?api-version=2024-10-01`);
  });

  // Only 204 means "no groups" for the list (reference 7a); 404 means "no policy" only for a group's assignments.
  it('404 on the group list is a clear error naming the URL, never read as no groups', async () => {
    nock(POWER_PLATFORM).get(LIST).query(API_VERSION).reply(404, { error: { code: 'NotFound', message: 'Resource not found.' } });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createEnvironmentGroupsCollector().collect(ctx));
    expect(error).toMatchObject({ status: 'error', code: 'PPMAT_E_HTTP_NOT_FOUND', details: { httpStatus: 404, url: LIST_URL } });
    expect(error.message).toBe(`GET ${LIST_URL} answered 404 where a resource was expected. The API said: NotFound: Resource not found.`);
  });

  it('refuses an assignment without its rule set count rather than reading it as no rules', async () => {
    nock(POWER_PLATFORM)
      .get(LIST)
      .query(API_VERSION)
      .reply(200, ONE_GROUP)
      .get(assignments(PROD))
      .query(ASSIGNMENTS_QUERY)
      .reply(200, { value: [{ policyId: 'p1' }] });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createEnvironmentGroupsCollector().collect(ctx));
    expect(error.code).toBe('PPMAT_E_MALFORMED_RESPONSE');
    expect(error.message).toContain(`${assignments(PROD)}?api-version=2024-10-01&includeRuleSetCounts=true`);
    expect(error.message).toContain('value[0].ruleSetCount');
  });
});
