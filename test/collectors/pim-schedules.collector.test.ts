import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPimSchedulesCollector } from '../../src/collectors/pim-schedules.collector.js';
import { pimSchedulesEvidenceSchema, ROLE_TEMPLATES } from '../../src/evidence/graph.schemas.js';
import { collectionFailure, collectorContext, fixture, GRAPH } from './collector-context.js';

const ELIGIBLE = '/v1.0/roleManagement/directory/roleEligibilityScheduleInstances';
const ACTIVE = '/v1.0/roleManagement/directory/roleAssignmentScheduleInstances';
const ROLES = Object.values(ROLE_TEMPLATES);
const { powerPlatformAdministrator: PPA } = ROLE_TEMPLATES;
const query = (role: string) => ({ $filter: `roleDefinitionId eq '${role}'`, $expand: 'principal' });
/** One role's request to `path`, as error messages print it. */
const roleUrl = (path: string, role: string) => `${GRAPH}${path}?$filter=roleDefinitionId%20eq%20'${role}'&$expand=principal`;

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

function empty(path: string, ...roles: string[]) {
  for (const role of roles) nock(GRAPH).get(path).query(query(role)).reply(200, { value: [] });
}

const others = ROLES.filter((r) => r !== PPA);

/**
 * Empty answers for every request the collector makes besides the Power Platform
 * Administrator's request to `failing` (its active list is never asked when its eligible one fails).
 */
function othersAnswerEmpty(failing: string): void {
  empty(ELIGIBLE, ...(failing === ELIGIBLE ? others : ROLES));
  empty(ACTIVE, ...others);
}

/**
 * The collector rejects on the first failed role while the other roles' requests are still in
 * flight; wait until they have been answered, so none of them reaches the next test's mocks.
 */
const siblingsSettled = () => vi.waitFor(() => expect(nock.isDone()).toBe(true));

describe('PIM schedules collector', () => {
  it('reads eligible and active instances per role, following @odata.nextLink', async () => {
    empty(ELIGIBLE, ...others);
    empty(ACTIVE, ...others);
    const eligible = fixture('graph-pim-eligibility.ppa.json');
    nock(GRAPH)
      .get(ELIGIBLE)
      .query(query(PPA))
      .reply(200, { ...eligible, '@odata.nextLink': `${GRAPH}${ELIGIBLE}?$skiptoken=page2` })
      .get(ELIGIBLE)
      .query({ $skiptoken: 'page2' })
      .reply(200, { value: [] })
      .get(ACTIVE)
      .query(query(PPA))
      .reply(200, fixture('graph-pim-active.ppa.json'));
    const { ctx } = collectorContext();
    const evidence = await createPimSchedulesCollector().collect(ctx);
    expect(pimSchedulesEvidenceSchema.safeParse(evidence).success).toBe(true);
    const ppa = evidence.roles[0]!;
    expect(ppa).toMatchObject({ roleTemplateId: PPA, displayName: 'Power Platform Administrator' });
    expect(ppa.eligible).toEqual([
      {
        principal: { id: '4e5f6a7b-0000-4000-8000-00000000e001', type: 'user', displayName: 'Adele Vance', userPrincipalName: 'AdeleV@contoso.onmicrosoft.com' },
        startDateTime: '2024-03-04T10:00:00Z',
        endDateTime: '2025-03-04T10:00:00Z',
      },
    ]);
    expect(ppa.active).toEqual([
      expect.objectContaining({ assignmentType: 'Activated', endDateTime: '2025-01-06T16:00:00Z' }),
      // Not expanded (e.g. a deleted principal): the id stays, the type is unknown.
      { principal: { id: '5f6a7b8c-0000-4000-8000-00000000e002', type: 'unknown', displayName: null, userPrincipalName: null }, startDateTime: '2023-11-20T14:12:00Z', endDateTime: null, assignmentType: 'Assigned' },
    ]);
    expect(ctx.http.stats).toMatchObject({ requests: 7, pages: 7 });
    expect(nock.isDone()).toBe(true);
  });

  it('empty lists are ok and empty', async () => {
    empty(ELIGIBLE, ...ROLES);
    empty(ACTIVE, ...ROLES);
    const { ctx } = collectorContext();
    const evidence = await createPimSchedulesCollector().collect(ctx);
    expect(evidence.roles).toHaveLength(3);
    expect(evidence.roles.every((r) => r.eligible.length === 0 && r.active.length === 0)).toBe(true);
  });

  it('waits Retry-After on 429, then succeeds', async () => {
    empty(ELIGIBLE, ...others);
    empty(ACTIVE, ...ROLES);
    nock(GRAPH).get(ELIGIBLE).query(query(PPA)).reply(429, '', { 'Retry-After': '4' }).get(ELIGIBLE).query(query(PPA)).reply(200, { value: [] });
    const { ctx, sleeps } = collectorContext();
    await createPimSchedulesCollector().collect(ctx);
    expect(sleeps).toEqual([4000]);
    expect(ctx.http.stats).toMatchObject({ throttled: 1, throttledMs: 4000 });
  });

  it('retries a 5xx, then succeeds', async () => {
    empty(ELIGIBLE, ...ROLES);
    empty(ACTIVE, ...others);
    nock(GRAPH).get(ACTIVE).query(query(PPA)).reply(500).get(ACTIVE).query(query(PPA)).reply(200, { value: [] });
    const { ctx } = collectorContext();
    await createPimSchedulesCollector().collect(ctx);
    expect(ctx.http.stats.retries).toBe(1);
  });

  it.each([
    [ELIGIBLE, 'RoleEligibilitySchedule.Read.Directory'],
    [ACTIVE, 'RoleAssignmentSchedule.Read.Directory'],
  ])('403 on %s makes the evidence unavailable and names %s', async (path, permission) => {
    const other = path === ELIGIBLE ? ACTIVE : ELIGIBLE;
    nock(GRAPH).get(other).query(true).times(3).optionally().reply(200, { value: [] });
    nock(GRAPH)
      .get(path)
      .query(true)
      .times(3)
      .reply(403, { error: { code: 'AadPremiumLicenseRequired', message: 'The tenant needs an AAD Premium 2 license.' } });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createPimSchedulesCollector().collect(ctx));
    expect(error).toMatchObject({ status: 'unavailable', code: 'PPMAT_E_HTTP_FORBIDDEN' });
    expect(error.message).toContain(permission);
    expect(error.message).toContain('AadPremiumLicenseRequired');
  });

  it('a malformed body is PPMAT_E_MALFORMED_RESPONSE', async () => {
    othersAnswerEmpty(ELIGIBLE);
    nock(GRAPH).get(ELIGIBLE).query(query(PPA)).reply(200, 'not json at all', { 'Content-Type': 'text/plain' });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createPimSchedulesCollector().collect(ctx));
    await siblingsSettled();
    expect(error).toMatchObject({ status: 'error', code: 'PPMAT_E_MALFORMED_RESPONSE', details: { url: roleUrl(ELIGIBLE, PPA) } });
    expect(error.message).toContain(`GET ${roleUrl(ELIGIBLE, PPA)} answered 200`);
  });

  it.each([
    [ELIGIBLE, 'an eligibility instance without principalId', { value: [{ roleDefinitionId: PPA }] }, 'value[0].principalId'],
    [ACTIVE, 'a page without value', { instances: [] }, 'no array "value"'],
  ])('malformed body on %s: %s is an error naming the URL', async (path, _name, body, why) => {
    othersAnswerEmpty(path);
    nock(GRAPH).get(path).query(query(PPA)).reply(200, body);
    const { ctx } = collectorContext();
    const error = await collectionFailure(createPimSchedulesCollector().collect(ctx));
    await siblingsSettled();
    expect(error).toMatchObject({ status: 'error', code: 'PPMAT_E_MALFORMED_RESPONSE' });
    // A shape error names the path relative to the Graph version root; a transport one the full URL.
    expect(error.message).toContain(roleUrl(path, PPA).replace(`${GRAPH}/v1.0`, ''));
    expect(error.message).toContain(why);
  });

  // Graph has no "none" 404 here: a tenant without eligible assignments answers an empty list
  // (and one without Entra ID P2 answers 403, above).
  it.each([ELIGIBLE, ACTIVE])('404 on %s is a clear error naming the URL, never read as no assignments', async (path) => {
    othersAnswerEmpty(path);
    nock(GRAPH)
      .get(path)
      .query(query(PPA))
      .reply(404, { error: { code: 'Request_ResourceNotFound', message: 'Resource not found.' } });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createPimSchedulesCollector().collect(ctx));
    await siblingsSettled();
    const url = roleUrl(path, PPA);
    expect(error).toMatchObject({ status: 'error', code: 'PPMAT_E_HTTP_NOT_FOUND', details: { httpStatus: 404, url } });
    expect(error.message).toBe(`GET ${url} answered 404 where a resource was expected. The API said: Request_ResourceNotFound: Resource not found.`);
  });
});
