/**
 * The access matrix: every operation the OpenAPI document publishes (the route list comes
 * from /openapi.json, never from a hand list) against every kind of bad credential: none, a
 * malformed, unknown, wrong-secret, expired or revoked API token, another scheme, an Entra ID
 * token that is expired, for another audience, from another issuer, signed with another key
 * or without a ppmat role, an expired or unknown session cookie, each role below the
 * route's least role (as an API token, an Entra token and a session), and a token limited to
 * another tenant on routes that name a tenant. Each must be refused with 401 or 403 in the
 * error shape (never 2xx, never 5xx) without echoing the credential; the least role must be
 * answered (so a refusal is the credential's doing, not a broken request). Every published
 * operation states its least role (`x-ppmat-access`); the only anonymous ones are listed here.
 *
 * Each cell comes from its own client address, so the limit on refused credentials (which
 * the server keeps on, as deployed) does not turn the answers into 429s.
 */
import { createLocalJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/api/auth/authenticator.js';
import { createEntraVerifier } from '../../src/api/auth/entra-verifier.js';
import type { Principal } from '../../src/api/auth/principal.js';
import { SESSION_COOKIE } from '../../src/api/auth/signin.routes.js';
import { ERRORS } from '../../src/errors/catalogue.js';
import { recordFigures } from '../support/figures.js';
import { openApiRig, type ApiRig, type RigRole } from '../support/api-rig.js';
import { entraConfig, NOW, signingKey, signToken, type SigningKey } from './auth/entra-fixtures.js';

type Access = 'anonymous' | RigRole;
const RANK: Record<Access, number> = { anonymous: 0, viewer: 1, attester: 2, admin: 3 };
const ENTRA_ROLE: Record<RigRole, string> = { viewer: 'Ppmat.Viewer', attester: 'Ppmat.Attester', admin: 'Ppmat.Admin' };

/** The operations that need no credentials: health, metrics and the browser sign-in. Anything else published must need a role. */
const ANONYMOUS = ['GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /auth/config', 'GET /auth/login', 'GET /auth/callback', 'POST /auth/logout'];
/** The tenant the scoped tokens are limited to: not the rig's. */
const OTHER_TENANT = 'contoso.example';

interface Operation {
  method: string;
  path: string;
  access: Access | undefined;
  parameters: { name: string; in: string; required?: boolean }[];
  hasBody: boolean;
}

interface Credential {
  name: string;
  /** Whether the cell applies to the route. */
  applies(route: Operation, request: BuiltRequest): boolean;
  headers(): Record<string, string>;
  status: 401 | 403;
  /** The value that must not appear in the answer. */
  secret?: () => string;
}

interface BuiltRequest {
  url: string;
  /** Whether the request names a tenant (a tenant, scan or alert id). */
  namesTenant: boolean;
}

let rig: ApiRig;
let key: SigningKey;
let operations: Operation[];
const ids: Record<string, string> = {};
const secrets: Record<string, string> = {};

beforeAll(async () => {
  key = await signingKey();
  const verifier = createEntraVerifier(entraConfig(), { jwks: createLocalJWKSet(key.jwks), clock: () => NOW });
  rig = await openApiRig({
    deps: (deps) => ({
      ...deps,
      triggerScan: async () => ({ accepted: true }),
      // Entra ID bearer tokens checked against a local key (the tokens are valid around NOW).
      entra: { config: entraConfig(), verifier, clientSecret: undefined },
      authenticator: createAuthenticator({ tokens: deps.tokens, sessions: deps.sessions, entra: verifier, clock: deps.clock }),
    }),
  });
  const cli = { kind: 'cli' as const, id: 'test', name: 'cli:test' };
  const token = (name: string, role: RigRole, tenants: string[] | null = null) => rig.deps.changes.createToken({ name, role, tenants, expiresAt: null }, cli);

  const expired = await token('expired', 'admin');
  await rig.app.db.prisma.apiToken.update({ where: { id: expired.record.id }, data: { expiresAt: new Date(Date.now() - 60_000) } });
  secrets.expired = expired.token;
  const revoked = await token('revoked', 'admin');
  await rig.deps.changes.revokeToken(revoked.record.id, cli);
  secrets.revoked = revoked.token;
  secrets.scopedAdmin = (await token('other tenant admin', 'admin', [OTHER_TENANT])).token;
  secrets.scopedAttester = (await token('other tenant attester', 'attester', [OTHER_TENANT])).token;
  ids.throwawayToken = (await token('to revoke', 'viewer')).record.id;

  const session = (role: RigRole, expiresAt: Date) => {
    const principal: Principal = { kind: 'entra', id: `oid-${role}`, name: `${role}@contoso.example`, role, tenants: null };
    return rig.deps.sessions.create(principal, expiresAt);
  };
  secrets.expiredSession = await session('admin', new Date(Date.now() - 60_000));
  for (const role of ['viewer', 'attester', 'admin'] as const) {
    secrets[`session:${role}`] = await session(role, new Date(Date.now() + 3_600_000));
    secrets[`entra:${role}`] = await signToken(key, { roles: [ENTRA_ROLE[role]], oid: `oid-${role}` });
  }
  secrets.entraExpired = await signToken(key, { roles: ['Ppmat.Admin'] }, { expiresAt: new Date(NOW.getTime() - 600_000) });
  secrets.entraAudience = await signToken(key, { roles: ['Ppmat.Admin'] }, { audience: 'api://someone-else' });
  secrets.entraIssuer = await signToken(key, { roles: ['Ppmat.Admin'] }, { issuer: `https://login.microsoftonline.com/${'9'.repeat(8)}-0000-0000-0000-000000000000/v2.0` });
  secrets.entraOtherKey = await signToken(await signingKey('key-1'), { roles: ['Ppmat.Admin'] });
  secrets.entraNoRole = await signToken(key, { roles: ['Other.App.Role'] });

  const alert = await rig.app.db.prisma.alert.findFirst({ where: { tenantId: rig.tenantId }, orderBy: { id: 'asc' }, select: { id: true } });
  if (!alert) throw new Error('the rig has no alert to acknowledge');
  ids.alert = String(alert.id);

  const document = (await rig.server.inject({ url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { 'x-ppmat-access'?: Access; parameters?: Operation['parameters']; requestBody?: unknown }>> };
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, access: op['x-ppmat-access'], parameters: op.parameters ?? [], hasBody: op.requestBody !== undefined })),
  );
}, 180_000);
afterAll(async () => rig?.close());

/** Real values for the parameters the routes take (a new required parameter needs one here). */
function sample(name: string): string | undefined {
  const scans = rig.scanIds;
  const values: Record<string, string> = {
    tenantId: rig.tenantId,
    scanId: String(scans.at(-1)),
    key: 'tenantIsolation',
    capabilityId: 'security.200.tenant-isolation',
    alertId: ids.alert!,
    tokenId: ids.throwawayToken!,
    from: String(scans[0]),
    to: String(scans.at(-1)),
  };
  return values[name];
}
const TENANT_NAMING = new Set(['tenantId', 'scanId', 'alertId', 'from', 'to']);

function build(route: Operation): BuiltRequest {
  let url = route.path;
  const query = new URLSearchParams();
  let namesTenant = false;
  for (const parameter of route.parameters) {
    // Required parameters, and an optional tenant filter (so the request names the tenant).
    if (parameter.in === 'query' && !parameter.required && parameter.name !== 'tenantId') continue;
    if (parameter.in !== 'path' && parameter.in !== 'query') continue;
    const value = sample(parameter.name);
    if (value === undefined) throw new Error(`${route.method} ${route.path}: no sample value for the parameter "${parameter.name}"; add one to sample()`);
    if (TENANT_NAMING.has(parameter.name)) namesTenant = true;
    if (parameter.in === 'path') url = url.replace(`{${parameter.name}}`, encodeURIComponent(value));
    else query.set(parameter.name, value);
  }
    const search = query.toString();
  return { url: search ? `${url}?${search}` : url, namesTenant };
}

/** Bodies the least role's call needs (a refusal comes before the body is read). */
const BODIES: Record<string, object> = {
  'PUT /api/tenants/{tenantId}/targets': { targets: [{ area: 'security', level: 400, by: '2027-06-30' }] },
  'POST /api/tenants/{tenantId}/attestations': { capabilityId: 'community.300.champions-community', outcome: 'met', statement: 'The champions programme meets monthly.' },
  'POST /api/tokens': { name: 'matrix', role: 'viewer' },
};

const bearer = (name: string) => () => ({ authorization: `Bearer ${secrets[name]}` });
const cookie = (name: string) => () => ({ cookie: `${SESSION_COOKIE}=${secrets[name]}` });
const always = () => true;
const below = (role: RigRole) => (route: Operation) => RANK[role] < RANK[route.access ?? 'admin'];

function credentials(): Credential[] {
  const bad: Credential[] = [
    { name: 'no credential', applies: always, headers: () => ({}), status: 401 },
    { name: 'a malformed API token', applies: always, headers: () => ({ authorization: 'Bearer ppmat_nothex_short' }), status: 401 },
    { name: 'an unknown token id', applies: always, headers: () => ({ authorization: `Bearer ppmat_000000000000_${'A'.repeat(43)}` }), status: 401 },
    { name: 'a known id with a wrong secret', applies: always, headers: () => ({ authorization: `Bearer ${rig.tokens.admin.slice(0, -4)}AAAA` }), status: 401, secret: () => rig.tokens.admin.slice(19) },
    { name: 'an expired API token', applies: always, headers: bearer('expired'), status: 401, secret: () => secrets.expired! },
    { name: 'a revoked API token', applies: always, headers: bearer('revoked'), status: 401, secret: () => secrets.revoked! },
    { name: 'another scheme (Basic)', applies: always, headers: () => ({ authorization: 'Basic YWRtaW46YWRtaW4=' }), status: 401 },
    { name: 'an expired Entra token', applies: always, headers: bearer('entraExpired'), status: 401, secret: () => secrets.entraExpired! },
    { name: 'an Entra token for another audience', applies: always, headers: bearer('entraAudience'), status: 401, secret: () => secrets.entraAudience! },
    { name: 'an Entra token from another issuer', applies: always, headers: bearer('entraIssuer'), status: 401, secret: () => secrets.entraIssuer! },
    { name: 'an Entra token signed with another key', applies: always, headers: bearer('entraOtherKey'), status: 401, secret: () => secrets.entraOtherKey! },
    { name: 'an Entra token without a ppmat role', applies: always, headers: bearer('entraNoRole'), status: 401, secret: () => secrets.entraNoRole! },
    { name: 'an expired session cookie', applies: always, headers: cookie('expiredSession'), status: 401, secret: () => secrets.expiredSession! },
    { name: 'an unknown session cookie', applies: always, headers: () => ({ cookie: `${SESSION_COOKIE}=${'x'.repeat(43)}` }), status: 401 },
  ];
  const roles: Credential[] = (['viewer', 'attester'] as const).flatMap((role) => [
    { name: `an API token of the ${role} role`, applies: below(role), headers: () => rig.auth(role), status: 403 as const },
    { name: `an Entra token of the ${role} role`, applies: below(role), headers: bearer(`entra:${role}`), status: 403 as const },
    { name: `a session of the ${role} role`, applies: below(role), headers: cookie(`session:${role}`), status: 403 as const },
  ]);
  const scoped: Credential[] = [
    // Tokens reach only the tenants they name; managing tokens needs an admin of every tenant.
    { name: 'an admin token limited to another tenant', applies: (route, request) => request.namesTenant || route.path.startsWith('/api/tokens'), headers: bearer('scopedAdmin'), status: 403 },
    { name: 'an attester token limited to another tenant', applies: (route, request) => request.namesTenant && !below('attester')(route), headers: bearer('scopedAttester'), status: 403 },
  ];
  return [...bad, ...roles, ...scoped];
}

let address = 0;
/** A fresh client address per cell (10.x.y.z), so the refused-credential limit never answers for the route. */
const nextAddress = () => {
  address += 1;
  return `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`;
};

function call(route: Operation, request: BuiltRequest, headers: Record<string, string>) {
  const body = BODIES[`${route.method} ${route.path}`] ?? (route.hasBody ? {} : undefined);
  return rig.server.inject({
    method: route.method as 'GET',
    url: request.url,
    remoteAddress: nextAddress(),
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
  });
}

describe('the access matrix', () => {
  it('covers every published operation: each states its least role, and only the listed ones are anonymous', () => {
    expect(operations.length).toBeGreaterThan(20);
    expect(operations.filter((op) => op.access === undefined).map((op) => `${op.method} ${op.path}`)).toEqual([]);
    const anonymous = operations.filter((op) => op.access === 'anonymous').map((op) => `${op.method} ${op.path}`);
    expect(anonymous.sort()).toEqual([...ANONYMOUS].sort());
  });

  it('checks its own credentials: each kind at the route\'s role is answered', async () => {
    for (const headers of [rig.auth('viewer'), bearer('entra:viewer')(), cookie('session:viewer')()]) {
      const response = await rig.server.inject({ url: '/api/me', headers, remoteAddress: nextAddress() });
      expect(response.statusCode, response.body).toBe(200);
    }
  });

  it('refuses every bad credential on every route that needs one (401/403 in the error shape), and answers the least role', async () => {
    const problems: string[] = [];
    const lines: string[] = [];
    let refusals = 0;
    let letThrough = 0;
    const walked = operations.filter((op) => op.access !== 'anonymous');
    for (const route of walked) {
      const request = build(route);
      let cells = 0;
      for (const credential of credentials()) {
        if (!credential.applies(route, request)) continue;
        const response = await call(route, request, credential.headers());
        const name = `${route.method} ${route.path} with ${credential.name}`;
        cells += 1;
        refusals += 1;
        if (response.statusCode < 400 || response.statusCode >= 500) letThrough += response.statusCode < 400 ? 1 : 0;
        let body: { error?: { code?: string; message?: string } } = {};
        try {
          body = response.json();
        } catch {
          problems.push(`${name}: the answer is not JSON`);
        }
        const code = body.error?.code as keyof typeof ERRORS | undefined;
        if (response.statusCode !== credential.status) problems.push(`${name}: answered ${response.statusCode}, expected ${credential.status} (${response.body.slice(0, 200)})`);
        else if (!code || !(code in ERRORS) || ERRORS[code].httpStatus !== response.statusCode || typeof body.error?.message !== 'string') problems.push(`${name}: not in the error shape: ${response.body.slice(0, 200)}`);
        const secret = credential.secret?.();
        if (secret && response.body.includes(secret)) problems.push(`${name}: the answer echoes the credential`);
      }
      // The least role is answered: the refusals above are the credentials' doing.
      const allowed = await call(route, request, rig.auth(route.access as RigRole));
      if (allowed.statusCode >= 400) problems.push(`${route.method} ${route.path} as ${route.access}: answered ${allowed.statusCode} (${allowed.body.slice(0, 200)})`);
      lines.push(`${route.method} ${route.path} (${route.access}): ${cells} refusals`);
    }
    await recordFigures('access', {
      title: 'access: route x credential',
      figures: { 'refusals checked': refusals, routes: walked.length, 'anonymous routes': operations.length - walked.length, 'credential kinds': credentials().length, 'let through': letThrough },
      lines,
    });
    expect(problems).toEqual([]);
    expect(letThrough).toBe(0);
  }, 120_000);
});

describe('a token limited to another tenant', () => {
  const scoped = () => ({ authorization: `Bearer ${secrets.scopedAttester}` });

  it('cannot attest, acknowledge or read this tenant\'s data: 403, without naming the tenant', async () => {
    const attempts: { method: 'GET' | 'POST'; url: string; payload?: object }[] = [
      { method: 'POST' as const, url: `/api/tenants/${rig.tenantId}/attestations`, payload: BODIES['POST /api/tenants/{tenantId}/attestations'] },
      { method: 'POST' as const, url: `/api/alerts/${ids.alert}/acknowledge` },
      { method: 'GET' as const, url: `/api/tenants/${rig.tenantId}/attestations/history` },
      { method: 'GET' as const, url: `/api/scans/${rig.scanIds[0]}` },
      { method: 'GET' as const, url: `/api/alerts?tenantId=${rig.tenantId}` },
    ];
    for (const attempt of attempts) {
      const { method, url, payload } = attempt;
      const response = await rig.server.inject({ method, url, headers: { ...scoped(), ...(payload ? { 'content-type': 'application/json' } : {}) }, ...(payload ? { payload: JSON.stringify(payload) } : {}) });
      expect(response.statusCode, `${attempt.method} ${attempt.url}`).toBe(403);
      expect(response.json().error).toMatchObject({ code: 'PPMAT_E_FORBIDDEN', message: expect.stringContaining('limited to other tenants') });
      expect(response.body).not.toContain(rig.tenantId);
    }
    const alert = await rig.app.db.prisma.alert.findUnique({ where: { id: Number(ids.alert) } });
    expect(alert?.acknowledgedBy ?? null).not.toBe('other tenant attester');
    const attestations = await rig.app.db.prisma.attestation.findMany({ where: { attestedBy: 'other tenant attester' } });
    expect(attestations).toEqual([]);
  });

  it('sees nothing of this tenant in the lists', async () => {
    expect((await rig.server.inject({ url: '/api/tenants', headers: scoped() })).json().tenants).toEqual([]);
    expect((await rig.server.inject({ url: '/api/alerts?status=all', headers: scoped() })).json().alerts).toEqual([]);
  });
});

describe('an attestation', () => {
  it('is recorded under the attester\'s own identity: a name in the body is refused, not taken', async () => {
    const url = `/api/tenants/${rig.tenantId}/attestations`;
    const body = { ...BODIES['POST /api/tenants/{tenantId}/attestations'], capabilityId: 'community.300.champions-community' };
    const headers = { ...rig.auth('attester'), 'content-type': 'application/json' };
    for (const field of ['attestedBy', 'by', 'actor']) {
      const forged = await rig.server.inject({ method: 'POST', url, headers, payload: { ...body, [field]: 'Mallory' } });
      expect(forged.statusCode, field).toBe(400);
      expect(forged.json().error.code).toBe('PPMAT_E_REQUEST_INVALID');
    }
    const recorded = await rig.server.inject({ method: 'POST', url, headers, payload: body });
    expect(recorded.statusCode, recorded.body).toBe(201);
    const { attestation } = recorded.json();
    expect(attestation.attestedBy).toBe('Ada Attester');
    const event = await rig.app.db.prisma.auditEvent.findFirst({ where: { target: `attestation:${attestation.id}` } });
    expect(event).toMatchObject({ actor: 'Ada Attester', actorKind: 'token' });
  });

  it('by an Entra ID user is recorded under the user\'s sign-in name', async () => {
    const response = await rig.server.inject({
      method: 'POST',
      url: `/api/tenants/${rig.tenantId}/attestations`,
      headers: { authorization: `Bearer ${secrets['entra:attester']}`, 'content-type': 'application/json' },
      payload: JSON.stringify(BODIES['POST /api/tenants/{tenantId}/attestations']),
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().attestation.attestedBy).toBe('ann@contoso.example');
  });
});
