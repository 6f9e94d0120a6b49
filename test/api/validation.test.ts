/**
 * Bad requests get a 400 (or 413, 415) with the catalogue code and a sentence naming the
 * parameter or field; unknown routes a JSON 404; a change made with the session cookie must
 * be JSON from this origin (CSRF). Nothing is written by a refused request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES } from '../../src/api/server.js';
import { openApiRig, type ApiRig } from '../support/api-rig.js';

let rig: ApiRig;
beforeAll(async () => {
  rig = await openApiRig({ scans: 1 });
}, 180_000);
afterAll(async () => rig?.close());

const attest = (payload: string | object, headers: Record<string, string> = {}) =>
  rig.server.inject({
    method: 'POST',
    url: `/api/tenants/${rig.tenantId}/attestations`,
    headers: { ...rig.auth('attester'), 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

const VALID = { capabilityId: 'community.300.champions-community', outcome: 'met', statement: 'The champions meet monthly.' };

describe('bad bodies', () => {
  it.each([
    ['no statement', { ...VALID, statement: '   ' }, 'body.statement', 'say why'],
    ['an unknown outcome', { ...VALID, outcome: 'maybe' }, 'body.outcome', 'body.outcome'],
    ['a non-http evidence link', { ...VALID, evidenceUrl: 'javascript:alert(1)' }, 'body.evidenceUrl', 'http(s) link'],
    ['a bad expiry date', { ...VALID, expiresAt: '31/12/2027' }, 'body.expiresAt', 'body.expiresAt'],
    ['an unknown field', { ...VALID, attestedBy: 'someone else' }, 'body', 'attestedBy'],
    ['a missing capability', { outcome: 'met', statement: 'x' }, 'body.capabilityId', 'body.capabilityId'],
  ])('refuses %s, naming the field', async (_name, body, where, text) => {
    const response = await attest(body);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'PPMAT_E_REQUEST_INVALID', where, message: expect.stringContaining(text) });
  });

  it('refuses an expiry in the past or an attestation of a statement outside the model, with the reason', async () => {
    const past = await attest({ ...VALID, expiresAt: '2020-01-01' });
    expect(past.statusCode).toBe(400);
    expect(past.json().error.code).toBe('PPMAT_E_ATTESTATION_INVALID');
    const unknown = await attest({ ...VALID, capabilityId: 'governance.300.nope' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ code: 'PPMAT_E_CAPABILITY_UNKNOWN', where: 'body.capabilityId' });
  });

  it.each([
    ['broken JSON', '{"capabilityId": ', {}, 400, 'not valid JSON'],
    ['an empty body', '', {}, 400, 'empty'],
    ['a form post', 'capabilityId=x', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'must be JSON'],
    ['a body over the limit', JSON.stringify({ ...VALID, statement: 'x'.repeat(BODY_LIMIT_BYTES) }), {}, 413, 'too large'],
  ])('refuses %s', async (_name, payload, headers, status, text) => {
    const response = await attest(payload, headers);
    expect(response.statusCode).toBe(status);
    expect(response.json().error).toMatchObject({ code: 'PPMAT_E_REQUEST_INVALID', message: expect.stringContaining(text) });
  });

  it('wrote nothing for any refused request', async () => {
    expect(await rig.app.db.prisma.attestation.count()).toBe(0);
    expect(await rig.app.db.prisma.auditEvent.count({ where: { action: 'attestation.create' } })).toBe(0);
  });
});

describe('bad parameters', () => {
  it.each([
    ['a scan id that is not a number', () => '/api/scans/abc', 'params.scanId'],
    ['a negative scan id', () => '/api/scans/-4', 'params.scanId'],
    ['a limit too high', () => `/api/tenants/${rig.tenantId}/scans?limit=100000`, 'querystring.limit'],
    ['an unknown query parameter', () => `/api/tenants/${rig.tenantId}/scans?sort=desc`, 'querystring'],
    ['a date that is not one', () => `/api/tenants/${rig.tenantId}/trends?from=yesterday`, 'querystring.from'],
    ['an unknown area', () => `/api/scans/${rig.scanIds[0]}/capabilities?area=marketing`, 'querystring.area'],
    ['a diff without its second scan', () => `/api/diff?from=${rig.scanIds[0]}`, 'querystring.to'],
  ])('refuses %s, naming it', async (_name, url, where) => {
    const response = await rig.server.inject({ url: url(), headers: rig.auth('viewer') });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'PPMAT_E_REQUEST_INVALID', where });
  });

  it('answers an unknown route with a JSON 404', async () => {
    const response = await rig.server.inject({ url: '/api/nothing?secret=1', headers: rig.auth('viewer') });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toEqual({ code: 'PPMAT_E_NOT_FOUND', message: 'No route GET /api/nothing.' });
  });

  it('refuses a path parameter longer than any id', async () => {
    const response = await rig.server.inject({ url: `/api/tenants/${'x'.repeat(400)}`, headers: rig.auth('viewer') });
    expect(response.statusCode).toBe(414);
    expect(response.json().error.code).toBe('PPMAT_E_REQUEST_INVALID');
  });
});

describe('the session cookie', () => {
  let cookie: string;
  beforeAll(async () => {
    cookie = await rig.deps.sessions.create({ kind: 'session', id: 'oid-1', name: 'megan@contoso.example', role: 'attester', tenants: null }, new Date(Date.now() + 3_600_000));
  });
  const withCookie = (headers: Record<string, string>, payload?: string) =>
    rig.server.inject({ method: 'POST', url: `/api/tenants/${rig.tenantId}/attestations`, headers: { cookie: `ppmat_session=${cookie}`, ...headers }, ...(payload !== undefined ? { payload } : {}) });

  it('reads with the cookie alone', async () => {
    const response = await rig.server.inject({ url: '/api/me', headers: { cookie: `ppmat_session=${cookie}` } });
    expect(response.json().principal).toMatchObject({ kind: 'session', name: 'megan@contoso.example', role: 'attester' });
  });

  it('refuses a change from another site, or one that is not JSON', async () => {
    const crossSite = await withCookie({ 'content-type': 'application/json', origin: 'https://evil.example', host: 'localhost:80' }, JSON.stringify(VALID));
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.json().error.message).toContain('evil.example');
    const plain = await withCookie({ 'content-type': 'text/plain' }, JSON.stringify(VALID));
    expect(plain.statusCode).toBe(403);
    expect(plain.json().error.message).toContain('application/json');
  });

  it('accepts a same-origin JSON change and records the signed-in person', async () => {
    const response = await withCookie({ 'content-type': 'application/json', origin: 'http://localhost:80', host: 'localhost:80' }, JSON.stringify(VALID));
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().attestation.attestedBy).toBe('megan@contoso.example');
  });
});
