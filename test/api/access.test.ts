/**
 * Every route's access, as a table: without credentials 401 (except health, metrics and the
 * docs), with a role below the route's 403, with the route's role an answer. The table must
 * list every route the OpenAPI document publishes, so a new route cannot skip this test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiRig, type ApiRig, type RigRole } from '../support/api-rig.js';

let rig: ApiRig;
beforeAll(async () => {
  rig = await openApiRig({ deps: (deps) => ({ ...deps, triggerScan: async () => ({ accepted: true }) }) });
}, 180_000);
afterAll(async () => rig?.close());

type Access = 'anonymous' | RigRole;
interface RouteCase {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  url: () => string;
  access: Access;
  body?: () => unknown;
  /** The status of a successful call. */
  ok: number;
}

const tenant = () => rig.tenantId;
const scan = () => rig.scanIds.at(-1)!;
const ROUTES: RouteCase[] = [
  { method: 'GET', path: '/healthz', url: () => '/healthz', access: 'anonymous', ok: 200 },
  { method: 'GET', path: '/readyz', url: () => '/readyz', access: 'anonymous', ok: 200 },
  { method: 'GET', path: '/metrics', url: () => '/metrics', access: 'anonymous', ok: 200 },
  { method: 'GET', path: '/auth/config', url: () => '/auth/config', access: 'anonymous', ok: 200 },
  // Without Entra configured there is no browser sign-in to start or finish: 404, anonymously.
  { method: 'GET', path: '/auth/login', url: () => '/auth/login', access: 'anonymous', ok: 404 },
  { method: 'GET', path: '/auth/callback', url: () => '/auth/callback?code=x&state=y', access: 'anonymous', ok: 404 },
  { method: 'POST', path: '/auth/logout', url: () => '/auth/logout', access: 'anonymous', ok: 200 },
  { method: 'GET', path: '/api/me', url: () => '/api/me', access: 'viewer', ok: 200 },
  { method: 'GET', path: '/api/model', url: () => '/api/model', access: 'viewer', ok: 200 },
  { method: 'GET', path: '/api/tenants', url: () => '/api/tenants', access: 'viewer', ok: 200 },
  { method: 'GET', path: '/api/tenants/{tenantId}', url: () => `/api/tenants/${tenant()}`, access: 'viewer', ok: 200 },
  { method: 'PUT', path: '/api/tenants/{tenantId}/targets', url: () => `/api/tenants/${tenant()}/targets`, access: 'admin', body: () => ({ targets: [{ area: 'security', level: 400, by: '2027-06-30' }] }), ok: 200 },
  { method: 'DELETE', path: '/api/tenants/{tenantId}/targets', url: () => `/api/tenants/${tenant()}/targets`, access: 'admin', ok: 200 },
  { method: 'GET', path: '/api/tenants/{tenantId}/scans', url: () => `/api/tenants/${tenant()}/scans`, access: 'viewer', ok: 200 },
  { method: 'POST', path: '/api/tenants/{tenantId}/scans', url: () => `/api/tenants/${tenant()}/scans`, access: 'admin', ok: 202 },
  { method: 'GET', path: '/api/scans/{scanId}', url: () => `/api/scans/${scan()}`, access: 'viewer', ok: 200 },
  { method: 'GET', path: '/api/scans/{scanId}/evidence/{key}', url: () => `/api/scans/${scan()}/evidence/tenantIsolation`, access: 'viewer', ok: 200 },
  { method: 'GET', path: '/api/scans/{scanId}/capabilities', url: () => `/api/scans/${scan()}/capabilities`, access: 'viewer', ok: 200 },
  { method: 'GET', path: '/api/scans/{scanId}/capabilities/{capabilityId}', url: () => `/api/scans/${scan()}/capabilities/security.200.tenant-isolation`, access: 'viewer', ok: 200 },
  { method: 'GET', path: '/api/tenants/{tenantId}/trends', url: () => `/api/tenants/${tenant()}/trends`, access: 'viewer', ok: 200 },
  { method: 'GET', path: '/api/diff', url: () => `/api/diff?from=${rig.scanIds[0]}&to=${scan()}`, access: 'viewer', ok: 200 },
  { method: 'GET', path: '/api/tenants/{tenantId}/roadmap', url: () => `/api/tenants/${tenant()}/roadmap`, access: 'viewer', ok: 200 },
  { method: 'GET', path: '/api/tenants/{tenantId}/attestations', url: () => `/api/tenants/${tenant()}/attestations`, access: 'viewer', ok: 200 },
  { method: 'GET', path: '/api/tenants/{tenantId}/attestations/history', url: () => `/api/tenants/${tenant()}/attestations/history`, access: 'viewer', ok: 200 },
  {
    method: 'POST',
    path: '/api/tenants/{tenantId}/attestations',
    url: () => `/api/tenants/${tenant()}/attestations`,
    access: 'attester',
    body: () => ({ capabilityId: 'community.300.champions-community', outcome: 'met', statement: 'The champions programme meets monthly.' }),
    ok: 201,
  },
  { method: 'GET', path: '/api/alerts', url: () => '/api/alerts?status=all', access: 'viewer', ok: 200 },
  { method: 'POST', path: '/api/alerts/{alertId}/acknowledge', url: () => '/api/alerts/1/acknowledge', access: 'attester', ok: 200 },
  { method: 'GET', path: '/api/audit', url: () => '/api/audit', access: 'admin', ok: 200 },
  { method: 'GET', path: '/api/tokens', url: () => '/api/tokens', access: 'admin', ok: 200 },
  { method: 'POST', path: '/api/tokens', url: () => '/api/tokens', access: 'admin', body: () => ({ name: 'CI reader', role: 'viewer' }), ok: 201 },
  { method: 'DELETE', path: '/api/tokens/{tokenId}', url: () => '/api/tokens/000000000000', access: 'admin', ok: 404 },
];

const RANK: Record<Access, number> = { anonymous: 0, viewer: 1, attester: 2, admin: 3 };
const below = (access: Access): RigRole[] => (['viewer', 'attester'] as const).filter((role) => RANK[role] < RANK[access]);

function call(route: RouteCase, headers: Record<string, string> = {}) {
  const body = route.body?.();
  return rig.server.inject({ method: route.method, url: route.url(), headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
}

describe('every route', () => {
  it('is in the table, and the table holds only real routes', async () => {
    await rig.server.ready();
    const document = rig.server.swagger() as { paths: Record<string, Record<string, unknown>> };
    const published = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(ROUTES.map((r) => `${r.method} ${r.path}`).sort()).toEqual(published.sort());
  });

  it.each(ROUTES.filter((r) => r.access !== 'anonymous').map((r) => [`${r.method} ${r.path}`, r] as const))('%s refuses a caller without credentials (401)', async (_name, route) => {
    const response = await call(route);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('PPMAT_E_UNAUTHENTICATED');
  });

  it.each(ROUTES.flatMap((r) => below(r.access).map((role) => [`${r.method} ${r.path} as ${role}`, r, role] as const)))('%s is refused (403)', async (_name, route, role) => {
    const response = await call(route, rig.auth(role));
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toMatchObject({ code: 'PPMAT_E_FORBIDDEN', message: expect.stringContaining(`needs ${route.access}`) });
  });

  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))('%s answers its role', async (_name, route) => {
    const response = await call(route, route.access === 'anonymous' ? {} : rig.auth(route.access));
    expect(response.statusCode, response.body).toBe(route.ok);
  });
});

describe('credentials', () => {
  const me = (authorization: string) => rig.server.inject({ url: '/api/me', headers: { authorization } });

  it.each([
    ['a malformed token', 'Bearer ppmat_nothex_short', 'malformed'],
    ['an unknown token', `Bearer ppmat_000000000000_${'A'.repeat(43)}`, 'not known'],
    ['another scheme', 'Basic dXNlcjpwYXNz', 'Bearer'],
    ['a JWT when Entra ID is not configured', 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', 'Entra'],
  ])('refuses %s with the reason, never echoing the token', async (_name, authorization, reason) => {
    const response = await me(authorization);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.message).toContain(reason);
    expect(response.body).not.toContain(authorization.split(' ')[1]!);
  });

  it('refuses a revoked token at once, and an expired one', async () => {
    const created = await rig.server.inject({ method: 'POST', url: '/api/tokens', headers: { ...rig.auth('admin'), 'content-type': 'application/json' }, payload: { name: 'short-lived', role: 'viewer', expiresDays: 1 } });
    const { token, record } = created.json();
    expect((await me(`Bearer ${token}`)).statusCode).toBe(200);
    const revoked = await rig.server.inject({ method: 'DELETE', url: `/api/tokens/${record.id}`, headers: rig.auth('admin') });
    expect(revoked.json().record.revokedBy).toBe('Alex Admin');
    expect((await me(`Bearer ${token}`)).json().error.message).toContain('revoked');

    const expiring = await rig.deps.changes.createToken({ name: 'expired', role: 'viewer', tenants: null, expiresAt: new Date(Date.now() + 50) }, { kind: 'cli', id: 'test', name: 'cli:test' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await me(`Bearer ${expiring.token}`)).json().error.message).toContain('expired');
  });

  it('keeps a token limited to another tenant out of this one (403), and out of the lists', async () => {
    const other = await rig.deps.changes.createToken({ name: 'Other tenant', role: 'attester', tenants: ['contoso.example'], expiresAt: null }, { kind: 'cli', id: 'test', name: 'cli:test' });
    const headers = { authorization: `Bearer ${other.token}` };
    expect((await rig.server.inject({ url: '/api/tenants', headers })).json().tenants).toEqual([]);
    const own = await rig.server.inject({ url: `/api/tenants/${rig.tenantId}`, headers });
    expect(own.statusCode).toBe(403);
    const scanOf = await rig.server.inject({ url: `/api/scans/${rig.scanIds[0]}`, headers });
    expect(scanOf.statusCode).toBe(403);
    const attest = await rig.server.inject({
      method: 'POST',
      url: `/api/tenants/${rig.tenantId}/attestations`,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: { capabilityId: 'community.300.champions-community', outcome: 'met', statement: 'Not my tenant.' },
    });
    expect(attest.statusCode).toBe(403);
    expect((await rig.server.inject({ url: '/api/alerts?status=all', headers })).json().alerts).toEqual([]);
  });
});
