/**
 * The demo tenant's Microsoft Graph side, read by the real Graph collectors over loopback:
 * each profile gives exactly the identity posture that checks are written against.
 */
import nock from 'nock';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLOUDS } from '../../src/auth/clouds.js';
import { StaticTokenCredential } from '../../src/auth/credentials.js';
import { createConditionalAccessCollector, createPimSchedulesCollector, createRoleAssignmentsCollector } from '../../src/collectors/index.js';
import { CollectionError, type CollectorContext } from '../../src/collectors/types.js';
import { ROLE_TEMPLATES, type ConditionalAccessEvidence, type PimSchedulesEvidence, type RoleAssignmentsEvidence } from '../../src/evidence/graph.schemas.js';
import { evidenceDataSchemas } from '../../src/evidence/schemas.js';
import { createGraphClient } from '../../src/http/graph-client.js';
import { createHttpClient } from '../../src/http/http-client.js';
import { simulatorEndpoints, startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/index.js';

const { powerPlatformAdministrator: PPA, globalAdministrator: GA, dynamics365Administrator: D365 } = ROLE_TEMPLATES;
const POWER_APPS = '475226c6-020e-4fb2-8a90-7a972cbfc1d4';
const FLOW = '7df0a125-d3be-4c96-aa54-591f83ff541c';

const running: RunningSimulator[] = [];
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(async () => {
  nock.cleanAll();
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});
afterAll(() => nock.enableNetConnect());

function context(sim: RunningSimulator, sleeps: number[] = []): CollectorContext {
  const log = pino({ level: 'silent' });
  const sleep = async (ms: number) => {
    sleeps.push(ms);
  };
  const http = createHttpClient({ baseUrls: simulatorEndpoints(sim.url), scopes: CLOUDS.public.scopes, credential: new StaticTokenCredential('t'), log, sleep });
  const graph = createGraphClient({ baseUrl: sim.url, scope: CLOUDS.public.scopes.graph, credential: new StaticTokenCredential('t'), log, maxRetries: 3, sleep }).scoped(http.stats);
  return { tenantId: sim.tenantId, http, graph, log };
}

interface Identity {
  ca: ConditionalAccessEvidence;
  roles: RoleAssignmentsEvidence;
  pim: PimSchedulesEvidence;
  ctx: CollectorContext;
}

async function identity(options: SimulatorOptions): Promise<Identity> {
  const sim = await startSimulator(options);
  running.push(sim);
  const ctx = context(sim);
  const ca = await createConditionalAccessCollector().collect(ctx);
  const roles = await createRoleAssignmentsCollector().collect(ctx);
  const pim = await createPimSchedulesCollector().collect(ctx);
  expect(evidenceDataSchemas.conditionalAccess.safeParse(ca).success).toBe(true);
  expect(evidenceDataSchemas.roleAssignments.safeParse(roles).success).toBe(true);
  expect(evidenceDataSchemas.pimSchedules.safeParse(pim).success).toBe(true);
  return { ca, roles, pim, ctx };
}

const standing = (e: RoleAssignmentsEvidence, role: string) => e.roles.find((r) => r.roleTemplateId === role)!.assignments;
const pimRole = (e: PimSchedulesEvidence, role: string) => e.roles.find((r) => r.roleTemplateId === role)!;

describe('simulator Graph postures', () => {
  it('initial: no Conditional Access, no Power Platform admin, 6 permanent Global Administrators, nobody eligible', async () => {
    const { ca, roles, pim, ctx } = await identity({ profile: 'initial' });
    expect(ca).toEqual({ policies: [] });
    expect(roles.roles.map((r) => r.displayName)).toEqual(['Power Platform Administrator', 'Global Administrator', 'Dynamics 365 Administrator']);
    expect(standing(roles, PPA)).toEqual([]);
    const globalAdmins = standing(roles, GA);
    expect(globalAdmins).toHaveLength(6);
    expect(globalAdmins.every((a) => a.principal.type === 'user' && a.directoryScopeId === '/' && a.principal.userPrincipalName?.includes('@'))).toBe(true);
    expect(standing(roles, D365)).toEqual([]);
    for (const role of pim.roles) expect(role.eligible).toEqual([]);
    const active = pimRole(pim, GA).active;
    expect(active).toHaveLength(6);
    expect(active.every((a) => a.assignmentType === 'Assigned' && a.endDateTime === null)).toBe(true);
    expect(active.map((a) => a.principal.id).sort()).toEqual(globalAdmins.map((a) => a.principal.id).sort());
    expect(pimRole(pim, PPA).active).toEqual([]);
    // 1 policy list, 3 role lists and 6 PIM lists; 6 Global Administrators at 5 per page add a
    // second page to the GA role list and to its active instances. All counted on the run's HttpClient stats.
    expect(ctx.http.stats).toMatchObject({ requests: 12, pages: 12, retries: 0 });
    expect(ctx.graph.stats).toBe(ctx.http.stats);
  });

  it('defined: MFA for admins enforced, legacy auth blocked in report-only, 3 + 2 permanent admins', async () => {
    const { ca, roles, pim } = await identity({ profile: 'defined' });
    expect(ca.policies).toHaveLength(2);
    const [mfa, legacy] = ca.policies;
    expect(mfa).toMatchObject({
      displayName: 'Require MFA for administrators',
      state: 'enabled',
      users: { include: [], includeRoles: [PPA, GA], exclude: [], excludeRoles: [] },
      applications: { include: ['All'], exclude: [] },
      grant: { operator: 'OR', builtInControls: ['mfa'], authenticationStrength: null },
      session: { cloudAppSecurity: false, continuousAccessEvaluation: null, signInFrequency: false },
    });
    expect(legacy).toMatchObject({ displayName: 'Block legacy authentication', state: 'enabledForReportingButNotEnforced', grant: { builtInControls: ['block'] } });
    expect(standing(roles, PPA)).toHaveLength(3);
    expect(standing(roles, GA)).toHaveLength(2);
    expect(pimRole(pim, PPA).eligible).toEqual([]);
    expect(pimRole(pim, PPA).active).toHaveLength(3);
    expect(pimRole(pim, PPA).active.every((a) => a.assignmentType === 'Assigned' && a.endDateTime === null)).toBe(true);
    expect(pimRole(pim, GA).active.every((a) => a.assignmentType === 'Assigned' && a.endDateTime === null)).toBe(true);
    expect(pimRole(pim, GA).eligible).toEqual([]);
  });

  it('capable: phishing-resistant MFA for admins, session monitoring, Power Platform admin only through PIM, one break-glass account', async () => {
    const { ca, roles, pim } = await identity({ profile: 'capable' });
    expect(ca.policies.map((p) => [p.displayName, p.state])).toEqual([
      ['Require MFA for administrators', 'enabled'],
      ['Block legacy authentication', 'enabledForReportingButNotEnforced'],
      ['Monitor Power Platform sessions', 'enabled'],
    ]);
    const [admins, , monitor] = ca.policies;
    expect(admins).toMatchObject({
      users: { includeRoles: [PPA, GA, D365] },
      applications: { include: ['All'] },
      grant: { operator: 'OR', builtInControls: [], authenticationStrength: 'Phishing-resistant MFA' },
    });
    expect(monitor).toMatchObject({ users: { include: ['All'] }, applications: { include: [POWER_APPS, FLOW] }, session: { cloudAppSecurity: true } });

    const ppa = pimRole(pim, PPA);
    expect(ppa.eligible).toHaveLength(3);
    expect(ppa.active).toHaveLength(1);
    const [activation] = ppa.active;
    expect(activation).toMatchObject({ assignmentType: 'Activated' });
    expect(activation?.endDateTime).not.toBeNull();
    expect(ppa.eligible.map((e) => e.principal.id)).toContain(activation?.principal.id);
    expect(ppa.active.some((a) => a.assignmentType === 'Assigned')).toBe(false);
    expect(standing(roles, PPA).map((a) => a.principal.id)).toEqual([activation?.principal.id]);

    const ga = pimRole(pim, GA);
    expect(ga.eligible).toHaveLength(2);
    expect(ga.active).toEqual([expect.objectContaining({ assignmentType: 'Assigned', endDateTime: null, principal: expect.objectContaining({ displayName: 'Break-glass admin' }) })]);
    expect(standing(roles, GA).map((a) => a.principal.displayName)).toEqual(['Break-glass admin']);
  });

  it('is deterministic per seed', async () => {
    const [a, b] = await Promise.all([identity({ profile: 'capable', seed: 3 }), identity({ profile: 'capable', seed: 3 })]);
    expect(a.roles).toEqual(b.roles);
    expect(a.pim).toEqual(b.pim);
    expect(a.ca).toEqual(b.ca);
  });
});

describe('simulator Graph wire shapes', () => {
  it('answers with @odata.context, pages with an absolute @odata.nextLink and honours $filter and $expand', async () => {
    const sim = await startSimulator({ profile: 'initial', pageSize: 4 });
    running.push(sim);
    const headers = { Authorization: 'Bearer x' };
    const filter = encodeURIComponent(`roleDefinitionId eq '${GA}'`);
    const first = (await (await fetch(`${sim.url}/v1.0/roleManagement/directory/roleAssignments?$filter=${filter}&$expand=principal`, { headers })).json()) as Record<string, unknown>;
    expect(first['@odata.context']).toBe(`${sim.url}/v1.0/$metadata#roleManagement/directory/roleAssignments(principal())`);
    const value = first['value'] as Record<string, unknown>[];
    expect(value).toHaveLength(4);
    expect(value[0]).toMatchObject({ roleDefinitionId: GA, directoryScopeId: '/', principal: { '@odata.type': '#microsoft.graph.user' } });
    const next = first['@odata.nextLink'] as string;
    expect(next.startsWith(`${sim.url}/v1.0/roleManagement/directory/roleAssignments?`)).toBe(true);
    const second = (await (await fetch(next, { headers })).json()) as Record<string, unknown>;
    expect(second['value']).toHaveLength(2);
    expect(second['@odata.nextLink']).toBeUndefined();

    const ppa = (await (await fetch(`${sim.url}/v1.0/roleManagement/directory/roleAssignments?$filter=${encodeURIComponent(`roleDefinitionId eq '${PPA}'`)}`, { headers })).json()) as Record<string, unknown>;
    expect(ppa['value']).toEqual([]);
    const unexpanded = (await (await fetch(`${sim.url}/v1.0/roleManagement/directory/roleAssignments`, { headers })).json()) as { value: Record<string, unknown>[] };
    expect(unexpanded.value[0]).not.toHaveProperty('principal');
    expect((await fetch(`${sim.url}/v1.0/roleManagement/directory/roleAssignments?$filter=startswith(id,'x')`, { headers })).status).toBe(400);
  });

  it('sends Conditional Access policies with unset blocks as null, like Graph', async () => {
    const sim = await startSimulator({ profile: 'capable' });
    running.push(sim);
    const body = (await (await fetch(`${sim.url}/v1.0/identity/conditionalAccess/policies`, { headers: { Authorization: 'Bearer x' } })).json()) as { value: Record<string, unknown>[] };
    const [admins, , monitor] = body.value;
    expect(admins).toMatchObject({ sessionControls: null, grantControls: { authenticationStrength: { displayName: 'Phishing-resistant MFA' } } });
    expect(monitor).toMatchObject({ grantControls: null, sessionControls: { cloudAppSecurity: { isEnabled: true, cloudAppSecurityType: 'monitorOnly' } } });
  });
});

describe('simulator Graph faults', () => {
  async function failure(promise: Promise<unknown>): Promise<CollectionError> {
    try {
      await promise;
    } catch (error) {
      if (error instanceof CollectionError) return error;
      throw error;
    }
    throw new Error('expected a failure');
  }

  it('403 on the PIM family names the missing permission; the other Graph families still work', async () => {
    const sim = await startSimulator({ profile: 'capable', faults: { pimSchedules: { status: 403 } } });
    running.push(sim);
    const ctx = context(sim);
    const error = await failure(createPimSchedulesCollector().collect(ctx));
    expect(error).toMatchObject({ status: 'unavailable', code: 'PPMAT_E_HTTP_FORBIDDEN' });
    expect(error.message).toMatch(/RoleEligibilitySchedule\.Read\.Directory|RoleAssignmentSchedule\.Read\.Directory/);
    expect((await createRoleAssignmentsCollector().collect(ctx)).roles).toHaveLength(3);
  });

  it('429 with Retry-After on Conditional Access is waited out and counted', async () => {
    const sim = await startSimulator({ profile: 'defined', faults: { conditionalAccess: { status: 429, times: 1, retryAfterSeconds: 2 } } });
    running.push(sim);
    const sleeps: number[] = [];
    const ctx = context(sim, sleeps);
    expect((await createConditionalAccessCollector().collect(ctx)).policies).toHaveLength(2);
    expect(sleeps).toEqual([2000]);
    expect(ctx.http.stats).toMatchObject({ requests: 2, throttled: 1, throttledMs: 2000 });
  });

  it('500 once on role assignments is retried; a malformed body is PPMAT_E_MALFORMED_RESPONSE', async () => {
    const flaky = await startSimulator({ faults: { roleAssignments: { status: 500, times: 1 } } });
    running.push(flaky);
    expect((await createRoleAssignmentsCollector().collect(context(flaky))).roles).toHaveLength(3);
    const broken = await startSimulator({ faults: { roleAssignments: { status: 200, body: '{"value": [' } } });
    running.push(broken);
    expect((await failure(createRoleAssignmentsCollector().collect(context(broken)))).code).toBe('PPMAT_E_MALFORMED_RESPONSE');
  });
});
