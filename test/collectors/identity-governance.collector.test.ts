import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createIdentityGovernanceCollector } from '../../src/collectors/identity-governance.collector.js';
import { mapAccessReviewDefinition } from '../../src/collectors/identity-governance.map.js';
import { identityGovernanceEvidenceSchema } from '../../src/evidence/identity.schemas.js';
import { collectionFailure, collectorContext, fixture, GRAPH } from './collector-context.js';

const REVIEWS = '/v1.0/identityGovernance/accessReviews/definitions';
const PACKAGES = '/v1.0/identityGovernance/entitlementManagement/accessPackages';
const REVIEWS_QUERY = { $select: 'id,displayName,status,scope,instanceEnumerationScope,settings' };
const PACKAGES_QUERY = { $select: 'id,displayName,isHidden' };
const PPA = '11648597-926c-4cf3-9c36-bcebb0ba8dcc';
/** The requests as error messages print them. */
const REVIEWS_URL = `${GRAPH}${REVIEWS}?$select=${REVIEWS_QUERY.$select}`;
const PACKAGES_URL = `${GRAPH}${PACKAGES}?$select=${PACKAGES_QUERY.$select}`;

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const reviews = () => nock(GRAPH).get(REVIEWS).query(REVIEWS_QUERY);
const packages = () => nock(GRAPH).get(PACKAGES).query(PACKAGES_QUERY);
const DENIED = { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } };
const NOT_FOUND = { error: { code: 'Request_ResourceNotFound', message: 'Resource not found.' } };
const NO_LICENCE = { error: { code: 'NoLicense', message: 'User is not authorized to perform the operation. Reason: Tenant does not meet license requirement!' } };

describe('identity governance collector', () => {
  it('reads access review definitions and access packages, following @odata.nextLink', async () => {
    reviews().reply(200, { ...fixture('graph-access-review-definitions.page1.json'), '@odata.nextLink': `${GRAPH}${REVIEWS}?$skiptoken=p2` });
    nock(GRAPH).get(REVIEWS).query({ $skiptoken: 'p2' }).reply(200, { value: [] });
    packages().reply(200, fixture('graph-access-packages.json'));
    const { ctx, progress } = collectorContext();
    const evidence = await createIdentityGovernanceCollector().collect(ctx);
    expect(identityGovernanceEvidenceSchema.safeParse(evidence).success).toBe(true);
    expect(evidence).toEqual({
      accessReviews: {
        readable: true,
        reason: null,
        definitions: [
          {
            id: 'd7286a17-3a01-406a-b872-986b6b40317c',
            displayName: 'One-time self-review for members of Building security group',
            status: 'InProgress',
            scopeQuery: '/groups/825f1b5e-6fb2-4d9a-b393-d491101acc0c/transitiveMembers',
            recurrence: null,
            coversDirectoryRoles: false,
          },
          {
            id: '1a6c3f0e-7d7b-4f5a-9c31-0b2a1c9e8d71',
            displayName: 'Quarterly review of Power Platform Administrators',
            status: 'InProgress',
            scopeQuery: `/roleManagement/directory/roleAssignmentScheduleInstances?$expand=principal&$filter=(isof(principal,'microsoft.graph.user') and roleDefinitionId eq '${PPA}')`,
            recurrence: 'absoluteMonthly',
            coversDirectoryRoles: true,
          },
        ],
      },
      entitlementManagement: {
        readable: true,
        reason: null,
        accessPackages: [
          { id: '8d3c7ee0-7e7a-4b1f-9c45-2a6d5f0b1c01', displayName: 'Power Platform makers (Sales Prod)' },
          { id: '8d3c7ee0-7e7a-4b1f-9c45-2a6d5f0b1c02', displayName: 'Dataverse support engineers' },
        ],
      },
    });
    expect(progress.map((p) => p.pages)).toEqual([1, 2, 3]);
    expect(ctx.http.stats).toMatchObject({ requests: 3, pages: 3 });
    expect(nock.isDone()).toBe(true);
  });

  it('empty lists are ok and empty', async () => {
    reviews().reply(200, { value: [] });
    packages().reply(200, { value: [] });
    const { ctx } = collectorContext();
    expect(await createIdentityGovernanceCollector().collect(ctx)).toEqual({
      accessReviews: { readable: true, reason: null, definitions: [] },
      entitlementManagement: { readable: true, reason: null, accessPackages: [] },
    });
  });

  it('waits Retry-After on 429, then succeeds', async () => {
    reviews().reply(429, '', { 'Retry-After': '5' });
    reviews().reply(200, { value: [] });
    packages().reply(200, { value: [] });
    const { ctx, sleeps } = collectorContext();
    expect((await createIdentityGovernanceCollector().collect(ctx)).accessReviews.readable).toBe(true);
    expect(sleeps).toEqual([5000]);
    expect(ctx.http.stats).toMatchObject({ throttled: 1, throttledMs: 5000 });
  });

  it('retries a 5xx, then succeeds', async () => {
    reviews().reply(200, { value: [] });
    packages().reply(502);
    packages().reply(200, fixture('graph-access-packages.json'));
    const { ctx } = collectorContext();
    expect((await createIdentityGovernanceCollector().collect(ctx)).entitlementManagement.accessPackages).toHaveLength(2);
    expect(ctx.http.stats.retries).toBe(1);
  });

  it('403 on access reviews makes that part unreadable, naming AccessReview.Read.All; the evidence stays ok', async () => {
    reviews().reply(403, DENIED);
    packages().reply(200, fixture('graph-access-packages.json'));
    const { ctx } = collectorContext();
    const evidence = await createIdentityGovernanceCollector().collect(ctx);
    expect(evidence.accessReviews).toMatchObject({ readable: false, definitions: [] });
    expect(evidence.accessReviews.reason).toMatch(/answered 403: the app lacks the Microsoft Graph application permission AccessReview\.Read\.All/);
    expect(evidence.accessReviews.reason).toContain('Authorization_RequestDenied');
    expect(evidence.entitlementManagement).toMatchObject({ readable: true, reason: null });
    expect(identityGovernanceEvidenceSchema.safeParse(evidence).success).toBe(true);
  });

  it.each([
    ['403 NoLicense', 403],
    ['400 naming the licence', 400],
  ])('a licence refusal (%s) of entitlement management makes that part unreadable with the licence and the permission', async (_what, status) => {
    reviews().reply(200, fixture('graph-access-review-definitions.page1.json'));
    packages().reply(status, NO_LICENCE);
    const { ctx } = collectorContext();
    const evidence = await createIdentityGovernanceCollector().collect(ctx);
    expect(evidence.accessReviews.definitions).toHaveLength(2);
    expect(evidence.entitlementManagement).toMatchObject({ readable: false, accessPackages: [] });
    expect(evidence.entitlementManagement.reason).toMatch(/^The tenant's licence does not include entitlement management \(Microsoft Entra ID P2 or ID Governance; the app also needs the Microsoft Graph application permission EntitlementManagement\.Read\.All\)/);
    expect(evidence.entitlementManagement.reason).toContain('NoLicense: User is not authorized');
  });

  it('both parts refused: the evidence is unavailable and names both permissions', async () => {
    reviews().reply(403, DENIED);
    packages().reply(403, NO_LICENCE);
    const { ctx } = collectorContext();
    const error = await collectionFailure(createIdentityGovernanceCollector().collect(ctx));
    expect(error).toMatchObject({ status: 'unavailable', code: 'PPMAT_E_HTTP_FORBIDDEN' });
    expect(error.message).toMatch(/^Identity governance could not be read\. Access reviews: .*AccessReview\.Read\.All.* Entitlement management: .*EntitlementManagement\.Read\.All/);
  });

  it('a 400 that is no licence refusal fails the collection', async () => {
    reviews().reply(400, { error: { code: 'BadRequest', message: 'Invalid $select.' } });
    packages().reply(200, { value: [] });
    const { ctx } = collectorContext();
    expect(await collectionFailure(createIdentityGovernanceCollector().collect(ctx))).toMatchObject({ status: 'error', code: 'PPMAT_E_HTTP_STATUS' });
  });

  it.each([
    ['a body that is not JSON', 'not json at all'],
    ['a definition without an id', JSON.stringify({ value: [{ displayName: 'x' }] })],
    ['a scope that is not an object', JSON.stringify({ value: [{ id: 'a', scope: 'groups' }] })],
  ])('%s is PPMAT_E_MALFORMED_RESPONSE, even when the other part is refused', async (_what, body) => {
    reviews().reply(200, body, { 'Content-Type': 'application/json' });
    packages().reply(403, DENIED);
    const { ctx } = collectorContext();
    const error = await collectionFailure(createIdentityGovernanceCollector().collect(ctx));
    expect(error).toMatchObject({ status: 'error', code: 'PPMAT_E_MALFORMED_RESPONSE' });
    // A transport error names the full URL, a shape error the path relative to the version root.
    expect(error.message).toContain(REVIEWS_URL.replace(`${GRAPH}/v1.0`, ''));
  });

  // 404 means "none" for neither half: a plain 404 fails the collection, naming the URL;
  // only a 404 whose text names the licence is a refusal of that half (REFUSAL_STATUSES).
  it.each([
    ['access reviews', REVIEWS_URL, 404, 200],
    ['entitlement management', PACKAGES_URL, 200, 404],
  ])('404 on %s is a clear error naming the URL, never read as none', async (_half, url, reviewsStatus, packagesStatus) => {
    reviews().reply(reviewsStatus, reviewsStatus === 404 ? NOT_FOUND : { value: [] });
    packages().reply(packagesStatus, packagesStatus === 404 ? NOT_FOUND : { value: [] });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createIdentityGovernanceCollector().collect(ctx));
    await vi.waitFor(() => expect(nock.isDone()).toBe(true));
    expect(error).toMatchObject({ status: 'error', code: 'PPMAT_E_HTTP_NOT_FOUND', details: { httpStatus: 404, url } });
    expect(error.message).toBe(`GET ${url} answered 404 where a resource was expected. The API said: Request_ResourceNotFound: Resource not found.`);
  });

  it('404 naming the licence makes that part unreadable with the licence reason; the evidence stays ok', async () => {
    reviews().reply(404, NO_LICENCE);
    packages().reply(200, fixture('graph-access-packages.json'));
    const { ctx } = collectorContext();
    const evidence = await createIdentityGovernanceCollector().collect(ctx);
    expect(evidence.accessReviews).toMatchObject({ readable: false, definitions: [] });
    expect(evidence.accessReviews.reason).toBe(
      "The tenant's licence does not include access reviews (Microsoft Entra ID P2 or ID Governance; the app also needs the Microsoft Graph application permission AccessReview.Read.All): " +
        `GET ${REVIEWS_URL} answered 404. The API said: NoLicense: User is not authorized to perform the operation. Reason: Tenant does not meet license requirement!`,
    );
    expect(evidence.entitlementManagement.accessPackages).toHaveLength(2);
  });
});

describe('mapAccessReviewDefinition', () => {
  it.each([
    ['a role definition query', { query: `/roleManagement/directory/roleDefinitions/${PPA}` }, `/roleManagement/directory/roleDefinitions/${PPA}`, true],
    ['a versioned eligibility query', { query: `/beta/roleManagement/directory/roleEligibilityScheduleInstances?$filter=roleDefinitionId eq '${PPA}'` }, `/beta/roleManagement/directory/roleEligibilityScheduleInstances?$filter=roleDefinitionId eq '${PPA}'`, true],
    [
      'guests of a role (principalResourceMembershipsScope)',
      {
        '@odata.type': '#microsoft.graph.principalResourceMembershipsScope',
        principalScopes: [{ query: "/users?$filter=(userType eq 'Guest')" }],
        resourceScopes: [{ query: `/roleManagement/directory/roleDefinitions/${PPA}` }],
      },
      `/roleManagement/directory/roleDefinitions/${PPA}`,
      true,
    ],
    ['a group', { query: '/groups/825f1b5e-6fb2-4d9a-b393-d491101acc0c/transitiveMembers' }, '/groups/825f1b5e-6fb2-4d9a-b393-d491101acc0c/transitiveMembers', false],
    ['no scope', null, null, false],
  ])('%s', (_what, scope, scopeQuery, coversDirectoryRoles) => {
    expect(mapAccessReviewDefinition({ id: 'r1', scope })).toEqual({ id: 'r1', displayName: 'r1', status: null, scopeQuery, recurrence: null, coversDirectoryRoles });
  });
});
