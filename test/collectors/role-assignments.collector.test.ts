import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRoleAssignmentsCollector } from '../../src/collectors/role-assignments.collector.js';
import { ROLE_TEMPLATES, roleAssignmentsEvidenceSchema } from '../../src/evidence/graph.schemas.js';
import { collectionFailure, collectorContext, fixture, GRAPH } from './collector-context.js';

const PATH = '/v1.0/roleManagement/directory/roleAssignments';
const { powerPlatformAdministrator: PPA, globalAdministrator: GA, dynamics365Administrator: D365 } = ROLE_TEMPLATES;
const query = (role: string) => ({ $filter: `roleDefinitionId eq '${role}'`, $expand: 'principal' });
/** One role's request, relative to the version root, as the collector names it. */
const rolePath = (role: string) => `/roleManagement/directory/roleAssignments?$filter=roleDefinitionId%20eq%20'${role}'&$expand=principal`;

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

/** Empty answers for the roles a test does not look at. */
function emptyRoles(...roles: string[]) {
  for (const role of roles) nock(GRAPH).get(PATH).query(query(role)).reply(200, { value: [] });
}

/**
 * The collector rejects on the first failed role while the other roles' requests may still be
 * in flight; wait until they have been answered, so none of them reaches the next test's mocks.
 */
const siblingsSettled = () => vi.waitFor(() => expect(nock.isDone()).toBe(true));

describe('role assignments collector', () => {
  it('reads each role with its $filter, follows @odata.nextLink and maps user, service principal and group principals', async () => {
    emptyRoles(PPA, D365);
    nock(GRAPH)
      .get(PATH)
      .query(query(GA))
      .reply(200, fixture('graph-role-assignments.ga.json'))
      .get(PATH)
      .query({ ...query(GA), $skiptoken: 'TWljcm9zb2Z0' })
      .reply(200, fixture('graph-role-assignments.ga.page2.json'));
    const { ctx, progress } = collectorContext();
    const evidence = await createRoleAssignmentsCollector().collect(ctx);
    expect(roleAssignmentsEvidenceSchema.safeParse(evidence).success).toBe(true);
    expect(evidence.roles.map((r) => [r.roleTemplateId, r.displayName, r.assignments.length])).toEqual([
      [PPA, 'Power Platform Administrator', 0],
      [GA, 'Global Administrator', 3],
      [D365, 'Dynamics 365 Administrator', 0],
    ]);
    expect(evidence.roles[1]?.assignments).toEqual([
      { directoryScopeId: '/', principal: { id: '6f7a5b4c-0000-4000-8000-00000000a001', type: 'user', displayName: 'Megan Bowen', userPrincipalName: 'MeganB@contoso.onmicrosoft.com' } },
      { directoryScopeId: '/', principal: { id: '9d8c7b6a-0000-4000-8000-00000000a002', type: 'servicePrincipal', displayName: 'Provisioning automation', userPrincipalName: null } },
      { directoryScopeId: '/', principal: { id: '1a2b3c4d-0000-4000-8000-00000000a003', type: 'group', displayName: 'Tier-0 admins', userPrincipalName: null } },
    ]);
    expect(ctx.http.stats).toMatchObject({ requests: 4, pages: 4 });
    expect(progress.at(-1)?.pages).toBe(4);
    expect(nock.isDone()).toBe(true);
  });

  it('empty lists are ok and empty', async () => {
    emptyRoles(PPA, GA, D365);
    const { ctx } = collectorContext();
    const evidence = await createRoleAssignmentsCollector().collect(ctx);
    expect(evidence.roles.every((r) => r.assignments.length === 0)).toBe(true);
  });

  it('waits Retry-After on 429, then succeeds', async () => {
    emptyRoles(PPA, D365);
    nock(GRAPH).get(PATH).query(query(GA)).reply(429, '', { 'Retry-After': '2' }).get(PATH).query(query(GA)).reply(200, { value: [] });
    const { ctx, sleeps } = collectorContext();
    await createRoleAssignmentsCollector().collect(ctx);
    expect(sleeps).toEqual([2000]);
    expect(ctx.http.stats).toMatchObject({ throttled: 1, throttledMs: 2000, retries: 1 });
  });

  it('retries a 5xx, then succeeds', async () => {
    emptyRoles(GA, D365);
    nock(GRAPH).get(PATH).query(query(PPA)).reply(503).get(PATH).query(query(PPA)).reply(200, { value: [] });
    const { ctx } = collectorContext();
    await createRoleAssignmentsCollector().collect(ctx);
    expect(ctx.http.stats.retries).toBe(1);
  });

  it('403 makes the evidence unavailable and names RoleManagement.Read.Directory', async () => {
    nock(GRAPH)
      .get(PATH)
      .query(true)
      .times(3)
      .reply(403, { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createRoleAssignmentsCollector().collect(ctx));
    expect(error).toMatchObject({ status: 'unavailable', code: 'PPMAT_E_HTTP_FORBIDDEN' });
    expect(error.message).toContain('RoleManagement.Read.Directory');
    expect(error.message).toContain('admin consent');
  });

  it('a malformed body is PPMAT_E_MALFORMED_RESPONSE', async () => {
    emptyRoles(PPA, D365);
    nock(GRAPH).get(PATH).query(query(GA)).reply(200, { value: [{ roleDefinitionId: GA }] });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createRoleAssignmentsCollector().collect(ctx));
    await siblingsSettled();
    expect(error.code).toBe('PPMAT_E_MALFORMED_RESPONSE');
    expect(error.status).toBe('error');
    expect(error.message).toContain(`roleAssignments collector got a body from ${rolePath(GA)}`);
    expect(error.message).toContain('value[0].principalId');
  });

  it.each([
    ['a body that is not JSON', 'not json at all', /it is not JSON/],
    ['a page without value', JSON.stringify({ assignments: [] }), /no array "value"/],
  ])('malformed body: %s is an error naming the role\'s URL', async (_name, body, why) => {
    emptyRoles(PPA, D365);
    nock(GRAPH).get(PATH).query(query(GA)).reply(200, body, { 'Content-Type': 'application/json' });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createRoleAssignmentsCollector().collect(ctx));
    await siblingsSettled();
    expect(error).toMatchObject({ status: 'error', code: 'PPMAT_E_MALFORMED_RESPONSE', details: { url: `${GRAPH}/v1.0${rolePath(GA)}` } });
    expect(error.message).toContain(`GET ${GRAPH}/v1.0${rolePath(GA)} answered 200`);
    expect(error.message).toMatch(why);
  });

  // Graph has no "no assignments" 404: a role nobody holds answers an empty list.
  it('404 is a clear error naming the role\'s URL, never read as no assignments', async () => {
    emptyRoles(PPA, D365);
    nock(GRAPH)
      .get(PATH)
      .query(query(GA))
      .reply(404, { error: { code: 'Request_ResourceNotFound', message: 'Resource not found.' } });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createRoleAssignmentsCollector().collect(ctx));
    await siblingsSettled();
    const url = `${GRAPH}/v1.0${rolePath(GA)}`;
    expect(error).toMatchObject({ status: 'error', code: 'PPMAT_E_HTTP_NOT_FOUND', details: { httpStatus: 404, url } });
    expect(error.message).toBe(`GET ${url} answered 404 where a resource was expected. The API said: Request_ResourceNotFound: Resource not found.`);
  });
});
