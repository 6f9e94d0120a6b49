/**
 * The API's rate limits on a clock that moves only when the test says so: sign-in requests
 * per client address, refused credentials per address (then every credentialed request of
 * that address, valid ones included, until the window ends; probes and other addresses
 * untouched), and the optional limit per caller. A 429 has Retry-After and the error shape
 * with PPMAT_E_RATE_LIMITED, `where` naming the limit.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createLocalJWKSet } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiDeps } from '../../src/api/api-deps.js';
import { createEntraVerifier } from '../../src/api/auth/entra-verifier.js';
import { clientKey, createWindowCounter, DEFAULT_RATE_LIMITS, resolveRateLimits, type RateLimits } from '../../src/api/rate-limits.js';
import { buildServer } from '../../src/api/server.js';
import { openApiRig, type ApiRig } from '../support/api-rig.js';
import { entraConfig, NOW, signingKey } from './auth/entra-fixtures.js';

let rig: ApiRig;
let now: number;
const servers: FastifyInstance[] = [];

beforeAll(async () => {
  rig = await openApiRig({ scans: 0 });
}, 180_000);
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
afterAll(async () => rig?.close());

/** A server over the rig's database with these limits (default: the defaults), on the test's clock. */
async function serverWith(rateLimits?: Partial<RateLimits>, extra: Partial<ApiDeps> = {}): Promise<FastifyInstance> {
  now = Date.parse('2026-03-01T09:00:00.000Z');
  const server = await buildServer({ ...rig.deps, clock: () => new Date(now), ...(rateLimits ? { rateLimits } : {}), ...extra });
  servers.push(server);
  return server;
}

const ME = '/api/me';
const BAD = { authorization: `Bearer ppmat_000000000000_${'A'.repeat(43)}` };

function expectLimited(response: LightMyRequestResponse, where: string, retryAfter: number): void {
  expect(response.statusCode, response.body).toBe(429);
  expect(response.headers['retry-after']).toBe(String(retryAfter));
  expect(response.json()).toEqual({ error: { code: 'PPMAT_E_RATE_LIMITED', message: expect.stringMatching(/try again in \d+ s\.$/), where } });
}

describe('the sign-in limit', () => {
  it('allows 20 sign-in requests a minute per address, then 429 until the window ends; /auth/config is not limited', async () => {
    const key = await signingKey();
    const server = await serverWith(undefined, {
      entra: { config: entraConfig(), verifier: createEntraVerifier(entraConfig(), { jwks: createLocalJWKSet(key.jwks), clock: () => NOW }), clientSecret: 'the-secret' },
    });
    const login = (remoteAddress: string) => server.inject({ url: '/auth/login', remoteAddress });
    for (let i = 0; i < 20; i++) expect((await login('192.0.2.10')).statusCode).toBe(302);
    expectLimited(await login('192.0.2.10'), 'api.rateLimits.signIn', 60);
    // The callback and the sign-out count in the same window.
    expectLimited(await server.inject({ url: '/auth/callback?code=x&state=y', remoteAddress: '192.0.2.10' }), 'api.rateLimits.signIn', 60);
    expectLimited(await server.inject({ method: 'POST', url: '/auth/logout', remoteAddress: '192.0.2.10' }), 'api.rateLimits.signIn', 60);
    expect((await server.inject({ url: '/auth/config', remoteAddress: '192.0.2.10' })).statusCode).toBe(200);
    expect((await login('192.0.2.11')).statusCode).toBe(302);
    now += 45_000;
    expectLimited(await login('192.0.2.10'), 'api.rateLimits.signIn', 15);
    now += 15_000;
    expect((await login('192.0.2.10')).statusCode).toBe(302);
  });
});

describe('the refused-credentials limit', () => {
  it('blocks an address after 30 refused credentials, valid tokens included, until its window ends', async () => {
    const server = await serverWith();
    const from = (remoteAddress: string, headers: Record<string, string>) => server.inject({ url: ME, headers, remoteAddress });
    for (let i = 0; i < 30; i++) {
      const refused = await from('198.51.100.7', BAD);
      expect(refused.statusCode).toBe(401);
      expect(refused.json().error.code).toBe('PPMAT_E_UNAUTHENTICATED');
    }
    expectLimited(await from('198.51.100.7', rig.auth('viewer')), 'api.rateLimits.authFailures', 60);
    expectLimited(await from('198.51.100.7', BAD), 'api.rateLimits.authFailures', 60);
    expectLimited(await from('198.51.100.7', {}), 'api.rateLimits.authFailures', 60);
    // Another address is not affected.
    expect((await from('198.51.100.8', rig.auth('viewer'))).statusCode).toBe(200);
    // Nor are the probes and the anonymous routes of the blocked address.
    for (const url of ['/healthz', '/readyz', '/metrics', '/auth/config', '/openapi.json']) {
      expect((await server.inject({ url, remoteAddress: '198.51.100.7' })).statusCode, url).toBe(200);
    }
    now += 59_000;
    expectLimited(await from('198.51.100.7', rig.auth('viewer')), 'api.rateLimits.authFailures', 1);
    now += 1_000;
    expect((await from('198.51.100.7', rig.auth('viewer'))).statusCode).toBe(200);
  });

  it('counts every kind of refused credential (token, Entra, session) but not a missing one, nor a refused role', async () => {
    const server = await serverWith({ authFailures: { max: 4, windowSeconds: 60 } });
    const from = (headers: Record<string, string>, url = ME) => server.inject({ url, headers, remoteAddress: '203.0.113.5' });
    for (let i = 0; i < 50; i++) expect((await from({})).statusCode).toBe(401);
    for (let i = 0; i < 50; i++) expect((await from(rig.auth('viewer'), '/api/audit')).statusCode).toBe(403);
    for (let i = 0; i < 50; i++) expect((await from(rig.auth('viewer'))).statusCode).toBe(200);
    expect((await from({ authorization: 'Bearer ppmat_nope' })).statusCode).toBe(401);
    expect((await from({ authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' })).statusCode).toBe(401);
    expect((await from({ cookie: `ppmat_session=${'x'.repeat(43)}` })).statusCode).toBe(401);
    expect((await from({ authorization: 'Basic YWRtaW46YWRtaW4=' })).statusCode).toBe(401);
    expectLimited(await from(rig.auth('viewer')), 'api.rateLimits.authFailures', 60);
  });

  it('counts an IPv6 /64 as one address, and an IPv4-mapped address as its IPv4', async () => {
    const server = await serverWith({ authFailures: { max: 2, windowSeconds: 60 } });
    const from = (remoteAddress: string, headers: Record<string, string>) => server.inject({ url: ME, headers, remoteAddress });
    expect((await from('2001:db8:1:2::1', BAD)).statusCode).toBe(401);
    expect((await from('2001:db8:1:2:ffff::9', BAD)).statusCode).toBe(401);
    expectLimited(await from('2001:db8:1:2::abcd', rig.auth('viewer')), 'api.rateLimits.authFailures', 60);
    expect((await from('2001:db8:1:3::1', rig.auth('viewer'))).statusCode).toBe(200);
    expect((await from('::ffff:192.0.2.44', BAD)).statusCode).toBe(401);
    expect((await from('192.0.2.44', BAD)).statusCode).toBe(401);
    expectLimited(await from('::ffff:192.0.2.44', rig.auth('viewer')), 'api.rateLimits.authFailures', 60);
  });

  it('is off when configured null', async () => {
    const server = await serverWith({ authFailures: null });
    for (let i = 0; i < 100; i++) expect((await server.inject({ url: ME, headers: BAD, remoteAddress: '192.0.2.99' })).statusCode).toBe(401);
    expect((await server.inject({ url: ME, headers: rig.auth('viewer'), remoteAddress: '192.0.2.99' })).statusCode).toBe(200);
  });
});

describe('the per-caller limit', () => {
  it('is off by default', async () => {
    expect(DEFAULT_RATE_LIMITS.perCaller).toBeNull();
    const server = await serverWith();
    for (let i = 0; i < 200; i++) expect((await server.inject({ url: ME, headers: rig.auth('viewer') })).statusCode).toBe(200);
  });

  it('when configured, limits each caller, whatever its address, and not the others', async () => {
    const server = await serverWith({ perCaller: { max: 5, windowSeconds: 10 } });
    for (let i = 0; i < 5; i++) expect((await server.inject({ url: ME, headers: rig.auth('viewer'), remoteAddress: `192.0.2.${i + 1}` })).statusCode).toBe(200);
    const limited = await server.inject({ url: ME, headers: rig.auth('viewer'), remoteAddress: '192.0.2.200' });
    expectLimited(limited, 'api.rateLimits.perCaller', 10);
    expect(limited.json().error.message).toContain('Vera Viewer');
    expect((await server.inject({ url: ME, headers: rig.auth('attester') })).statusCode).toBe(200);
    now += 10_000;
    expect((await server.inject({ url: ME, headers: rig.auth('viewer') })).statusCode).toBe(200);
  });
});

describe('limits', () => {
  it('refuse a limit that cannot work, naming its configuration path', () => {
    expect(() => resolveRateLimits({ signIn: { max: 0, windowSeconds: 60 } })).toThrow(/api\.rateLimits\.signIn/);
    expect(() => resolveRateLimits({ perCaller: { max: 5, windowSeconds: 0 } })).toThrow(/api\.rateLimits\.perCaller/);
    expect(resolveRateLimits({ signIn: null })).toEqual({ ...DEFAULT_RATE_LIMITS, signIn: null });
  });

  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:0db8:0001:0002:0003:0004:0005:0006', '2001:db8:1:2::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['64:ff9b::192.0.2.33', '64:ff9b:0:0::/64'],
    [undefined, 'unknown'],
  ])('count %s as %s', (address, key) => {
    expect(clientKey(address)).toBe(key);
  });

  it('keep at most the given number of keys, dropping expired windows first, then the oldest', () => {
    let t = 0;
    const counter = createWindowCounter(1_000, () => t, 3);
    counter.hit('a');
    counter.hit('b');
    t = 500;
    counter.hit('c');
    counter.hit('d');
    expect(counter.size).toBe(3);
    expect(counter.peek('a')).toBeNull();
    expect(counter.peek('d')).toEqual({ count: 1, resetAt: 1_500 });
    t = 1_200;
    counter.hit('e');
    // b's window ended at 1000: swept; c and d stay.
    expect(counter.size).toBe(3);
    expect(counter.peek('c')).toEqual({ count: 1, resetAt: 1_500 });
    expect(counter.hit('e')).toEqual({ count: 2, resetAt: 2_200 });
    t = 2_200;
    expect(counter.hit('e')).toEqual({ count: 1, resetAt: 3_200 });
  });
});
