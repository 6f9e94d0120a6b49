import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPimSchedulesCollector } from '../../src/collectors/pim-schedules.collector.js';
import { pimSchedulesEvidenceSchema, ROLE_TEMPLATES } from '../../src/evidence/graph.schemas.js';
import { collectionFailure, collectorContext, fixture, GRAPH } from './collector-context.js';

const ELIGIBLE = '/v1.0/roleManagement/directory/roleEligibilityScheduleInstances';
const ACTIVE = '/v1.0/roleManagement/directory/roleAssignmentScheduleInstances';
const ROLES = Object.values(ROLE_TEMPLATES);
const { powerPlatformAdministrator: PPA } = ROLE_TEMPLATES;
const query = (role: string) => ({ $filter: `roleDefinitionId eq '${role}'`, $expand: 'principal' });

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

function empty(path: string, ...roles: string[]) {
  for (const role of roles) nock(GRAPH).get(path).query(query(role)).reply(200, { value: [] });
}

const others = ROLES.filter((r) => r !== PPA);

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
    empty(ELIGIBLE, ...others);
    empty(ACTIVE, ...ROLES);
    nock(GRAPH).get(ELIGIBLE).query(query(PPA)).reply(200, 'not json at all', { 'Content-Type': 'text/plain' });
    const { ctx } = collectorContext();
    expect(await collectionFailure(createPimSchedulesCollector().collect(ctx))).toMatchObject({ status: 'error', code: 'PPMAT_E_MALFORMED_RESPONSE' });
  });
});
