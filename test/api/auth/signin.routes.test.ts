/**
 * The browser sign-in end to end: ppmat's side through fastify `inject()`, Microsoft's side
 * a fake OpenID authority on 127.0.0.1 (token endpoint and JWKS) that checks the PKCE
 * verifier, client secret and redirect URI as Entra does, and signs id_tokens with a local key.
 */
import fastifyCookie from '@fastify/cookie';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import type { JWTPayload } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../../src/api/auth/authenticator.js';
import { registerSignInRoutes, type SignInDeps } from '../../../src/api/auth/signin.routes.js';
import { createAuditRepository } from '../../../src/store/audit-repository.js';
import { createSessionRepository } from '../../../src/store/session-repository.js';
import { createTokenRepository } from '../../../src/store/token-repository.js';
import { openTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { CLIENT_ID, entraConfig, NOW, signingKey, signToken, TENANT_ID, type SigningKey } from './entra-fixtures.js';

const CLIENT_SECRET = 'the-client-secret';

/** What the fake authority knows of an authorization it "granted": the authorize request's parameters. */
interface Grant {
  nonce: string;
  challenge: string;
  redirectUri: string;
  claims: JWTPayload;
}

let db: TestDatabase;
let key: SigningKey;
let authority: Server;
let authorityUrl: string;
const grants = new Map<string, Grant>();
const tokenRequests: URLSearchParams[] = [];

beforeAll(async () => {
  db = await openTestDatabase();
  key = await signingKey();
  authority = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === `/${TENANT_ID}/discovery/v2.0/keys`) return send(200, key.jwks);
    if (req.method === 'POST' && req.url === `/${TENANT_ID}/oauth2/v2.0/token`) {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(raw);
        tokenRequests.push(form);
        const grant = grants.get(form.get('code') ?? '');
        grants.delete(form.get('code') ?? '');
        const refuse = (description: string) => send(400, { error: 'invalid_grant', error_description: `${description}\r\nTrace ID: 0000\r\nCorrelation ID: 1111` });
        if (form.get('grant_type') !== 'authorization_code') return refuse('AADSTS70003: unsupported grant type.');
        if (form.get('client_id') !== CLIENT_ID || form.get('client_secret') !== CLIENT_SECRET) return send(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
        if (!grant) return refuse('AADSTS70008: The provided authorization code or refresh token has expired or was already used.');
        if (form.get('redirect_uri') !== grant.redirectUri) return refuse('AADSTS50148: The redirect_uri does not match.');
        const verifier = form.get('code_verifier') ?? '';
        if (createHash('sha256').update(verifier).digest('base64url') !== grant.challenge) return refuse('AADSTS501481: The Code_Verifier does not match the code_challenge.');
        void signToken(key, { nonce: grant.nonce, ...grant.claims }, { issuer: `${authorityUrl}/${TENANT_ID}/v2.0` }).then((idToken) =>
          send(200, { token_type: 'Bearer', id_token: idToken, access_token: 'opaque', refresh_token: 'opaque', expires_in: 3600 }),
        );
      });
      return;
    }
    send(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => authority.listen(0, '127.0.0.1', resolve));
  authorityUrl = `http://127.0.0.1:${(authority.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => authority?.close(() => resolve()));
  await db?.dispose();
});
beforeEach(() => {
  tokenRequests.length = 0;
});

const clock = () => NOW;

async function ppmat(overrides: Partial<SignInDeps> = {}): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(fastifyCookie);
  registerSignInRoutes(app, {
    entra: entraConfig({ authority: authorityUrl }),
    clientSecret: CLIENT_SECRET,
    sessions: createSessionRepository(db.prisma, { clock }),
    audit: createAuditRepository(db.prisma, { clock }),
    sessionHours: 8,
    clock,
    ...overrides,
  });
  return app;
}

const cookie = (response: LightMyRequestResponse, name: string) => response.cookies.find((c) => c.name === name);

/** /auth/login, then the user signs in at the fake authority, which "grants" a code. */
async function startSignIn(app: FastifyInstance, claims: JWTPayload = { roles: ['Ppmat.Attester'] }) {
  const login = await app.inject({ method: 'GET', url: '/auth/login' });
  expect(login.statusCode).toBe(302);
  const location = new URL(login.headers.location as string);
  const params = location.searchParams;
  const code = `code-${Math.random().toString(36).slice(2)}`;
  grants.set(code, { nonce: params.get('nonce')!, challenge: params.get('code_challenge')!, redirectUri: params.get('redirect_uri')!, claims });
  return { login, location, params, code, signInCookie: cookie(login, 'ppmat_signin')! };
}

describe('browser sign-in with Microsoft Entra ID', () => {
  it('signs in: PKCE authorize redirect, code redeemed with secret and verifier, session cookie, audit event; logout ends it', async () => {
    const app = await ppmat();
    const { location, params, code, signInCookie } = await startSignIn(app);
    expect(`${location.origin}${location.pathname}`).toBe(`${authorityUrl}/${TENANT_ID}/oauth2/v2.0/authorize`);
    expect(Object.fromEntries(params)).toEqual({
      client_id: CLIENT_ID,
      response_type: 'code',
      redirect_uri: 'http://localhost:80/auth/callback',
      response_mode: 'query',
      scope: 'openid profile offline_access',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
    });
    expect(signInCookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/auth', maxAge: 600 });
    expect(signInCookie.secure).toBeFalsy();

    const callback = await app.inject({ method: 'GET', url: `/auth/callback?code=${code}&state=${params.get('state')}`, cookies: { ppmat_signin: signInCookie.value } });
    expect(callback.statusCode, callback.body).toBe(302);
    expect(callback.headers.location).toBe('/');
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]!.get('redirect_uri')).toBe('http://localhost:80/auth/callback');
    const session = cookie(callback, 'ppmat_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 8 * 3600 });
    expect(session.secure).toBeFalsy();
    expect(cookie(callback, 'ppmat_signin')?.value).toBe('');

    const authenticator = createAuthenticator({ tokens: createTokenRepository(db.prisma, { clock }), sessions: createSessionRepository(db.prisma, { clock }), clock });
    await expect(authenticator.authenticate({ sessionCookie: session.value })).resolves.toEqual({ kind: 'session', id: 'oid-ann', name: 'ann@contoso.example', role: 'attester', tenants: null });
    const [event] = await createAuditRepository(db.prisma, { clock }).list({ limit: 1 });
    expect(event).toMatchObject({ action: 'session.signin', actor: 'ann@contoso.example', actorKind: 'entra', target: 'session', details: { role: 'attester', actorId: 'oid-ann' } });

    const logout = await app.inject({ method: 'POST', url: '/auth/logout', cookies: { ppmat_session: session.value } });
    expect(logout.statusCode).toBe(200);
    expect(logout.json()).toEqual({ signedOut: true });
    expect(cookie(logout, 'ppmat_session')?.value).toBe('');
    await expect(authenticator.authenticate({ sessionCookie: session.value })).rejects.toMatchObject({ code: 'PPMAT_E_UNAUTHENTICATED' });
  });

  it('uses the public URL for the redirect URI and marks cookies Secure behind https', async () => {
    const app = await ppmat({ publicUrl: 'https://ppmat.contoso.example/' });
    const { params, code, signInCookie } = await startSignIn(app);
    expect(params.get('redirect_uri')).toBe('https://ppmat.contoso.example/auth/callback');
    expect(signInCookie.secure).toBe(true);
    const callback = await app.inject({ method: 'GET', url: `/auth/callback?code=${code}&state=${params.get('state')}`, cookies: { ppmat_signin: signInCookie.value } });
    expect(callback.statusCode, callback.body).toBe(302);
    expect(cookie(callback, 'ppmat_session')?.secure).toBe(true);
  });

  type Case = [string, JWTPayload | undefined, (s: Awaited<ReturnType<typeof startSignIn>>) => { url: string; cookies: Record<string, string> }, RegExp];
  it.each<Case>([
    ['a state that is not this browser\'s', undefined, (s) => ({ url: `/auth/callback?code=${s.code}&state=forged`, cookies: { ppmat_signin: s.signInCookie.value } }), /state mismatch/],
    ['no sign-in cookie', undefined, (s) => ({ url: `/auth/callback?code=${s.code}&state=${s.params.get('state')}`, cookies: {} }), /cookie is missing or expired/],
    [
      'a tampered sign-in cookie',
      undefined,
      (s) => ({ url: `/auth/callback?code=${s.code}&state=${s.params.get('state')}`, cookies: { ppmat_signin: `${Buffer.from(JSON.stringify({ state: s.params.get('state') })).toString('base64url')}.${s.signInCookie.value.split('.')[1]}` } }),
      /not one this server issued/,
    ],
    ['a code the authority does not know', undefined, (s) => ({ url: `/auth/callback?code=stolen&state=${s.params.get('state')}`, cookies: { ppmat_signin: s.signInCookie.value } }), /refused the code \(invalid_grant\): AADSTS70008: The provided authorization code/],
    ['an id_token of another sign-in (nonce)', { nonce: 'another', roles: ['Ppmat.Admin'] }, (s) => ({ url: `/auth/callback?code=${s.code}&state=${s.params.get('state')}`, cookies: { ppmat_signin: s.signInCookie.value } }), /nonce/],
    ['a user without a ppmat app role', { roles: [] }, (s) => ({ url: `/auth/callback?code=${s.code}&state=${s.params.get('state')}`, cookies: { ppmat_signin: s.signInCookie.value } }), /none of the app roles Ppmat\.Viewer/],
    [
      'an error from the authority',
      undefined,
      (s) => ({ url: `/auth/callback?error=access_denied&error_description=${encodeURIComponent('AADSTS65004: User declined to consent.\r\nTrace ID: x')}&state=${s.params.get('state')}`, cookies: { ppmat_signin: s.signInCookie.value } }),
      /answered access_denied: AADSTS65004: User declined to consent\.$/,
    ],
  ])('refuses %s with 401 PPMAT_E_SIGNIN_FAILED and opens no session', async (_name, claims, request, message) => {
    const app = await ppmat();
    const started = await startSignIn(app, claims ?? { roles: ['Ppmat.Viewer'] });
    const sessionsBefore = await db.prisma.webSession.count();
    const response = await app.inject({ method: 'GET', ...request(started) });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: { code: 'PPMAT_E_SIGNIN_FAILED', message: expect.stringMatching(message) } });
    expect(cookie(response, 'ppmat_session')).toBeUndefined();
    expect(await db.prisma.webSession.count()).toBe(sessionsBefore);
  });

  it('refuses a sign-in that took longer than 10 minutes', async () => {
    let now = NOW;
    const app = await ppmat({ clock: () => now });
    const { params, code, signInCookie } = await startSignIn(app);
    now = new Date(NOW.getTime() + 11 * 60_000);
    const response = await app.inject({ method: 'GET', url: `/auth/callback?code=${code}&state=${params.get('state')}`, cookies: { ppmat_signin: signInCookie.value } });
    expect(response.json()).toMatchObject({ error: { code: 'PPMAT_E_SIGNIN_FAILED', message: expect.stringMatching(/over 10 minutes/) } });
  });

  it('never sends the client secret to the browser', async () => {
    const app = await ppmat();
    const { login } = await startSignIn(app);
    expect(JSON.stringify(login.headers)).not.toContain(CLIENT_SECRET);
  });

  it.each([
    ['no Entra configuration', { entra: undefined }, /not configured \(api\.auth\.entra\)/],
    ['no client secret', { clientSecret: undefined }, /needs the app's client secret/],
  ])('with %s: /auth/config says so, /auth/login and /auth/callback answer 404', async (_name, overrides, message) => {
    const app = await ppmat(overrides);
    expect((await app.inject({ method: 'GET', url: '/auth/config' })).json()).toEqual({ entra: false });
    for (const url of ['/auth/login', '/auth/callback?code=x&state=y']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: { code: 'PPMAT_E_NOT_FOUND', message: expect.stringMatching(message) } });
    }
  });

  it('says when Entra sign-in is available', async () => {
    const app = await ppmat();
    expect((await app.inject({ method: 'GET', url: '/auth/config' })).json()).toEqual({ entra: true });
  });
});
