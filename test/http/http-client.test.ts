import nock from 'nock';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { CLOUDS } from '../../src/auth/clouds.js';
import { CollectionError } from '../../src/collectors/types.js';
import { createHostLimiter } from '../../src/http/host-limiter.js';
import { createHttpClient, type HttpClientOptions } from '../../src/http/http-client.js';
import { FakeClock, until } from '../support/fake-clock.js';

const BAP = 'https://api.bap.microsoft.com';
const PP = 'https://api.powerplatform.com';

/** A credential that counts calls and hands out numbered tokens. */
class CountingCredential implements TokenCredential {
  calls = 0;
  constructor(
    private readonly lifetimeMs = 3_600_000,
    private readonly now: () => number = Date.now,
  ) {}
  async getToken(): Promise<AccessToken> {
    this.calls += 1;
    return { token: `token-${this.calls}`, expiresOnTimestamp: this.now() + this.lifetimeMs };
  }
}

function setup(overrides: Partial<HttpClientOptions> = {}) {
  const sleeps: number[] = [];
  const credential = overrides.credential ?? new CountingCredential();
  const client = createHttpClient({
    baseUrls: CLOUDS.public.baseUrls,
    scopes: CLOUDS.public.scopes,
    credential,
    log: pino({ level: 'silent' }),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  });
  return { client, sleeps, credential };
}

async function failure(promise: Promise<unknown>): Promise<CollectionError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CollectionError);
    return error as CollectionError;
  }
  throw new Error('expected the request to fail');
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => nock.enableNetConnect());

describe('tokens', () => {
  it('sends a bearer token per surface and caches it', async () => {
    const { client, credential } = setup();
    nock(BAP).matchHeader('authorization', 'Bearer token-1').matchHeader('accept', 'application/json').get('/a').times(2).reply(200, { ok: 1 });
    await client.request({ surface: 'bap', url: '/a' });
    const response = await client.request({ surface: 'bap', url: '/a' });
    expect(response.data).toEqual({ ok: 1 });
    expect((credential as CountingCredential).calls).toBe(1);
  });

  it('asks again for a token that is about to expire', async () => {
    let now = 1_000_000;
    const credential = new CountingCredential(10 * 60_000, () => now);
    const { client } = setup({ credential, now: () => now });
    nock(BAP).get('/a').matchHeader('authorization', 'Bearer token-1').reply(200, {});
    nock(BAP).get('/a').matchHeader('authorization', 'Bearer token-2').reply(200, {});
    await client.request({ surface: 'bap', url: '/a' });
    now += 6 * 60_000; // within the 5-minute refresh margin of a 10-minute token
    await client.request({ surface: 'bap', url: '/a' });
    expect(credential.calls).toBe(2);
    expect(nock.isDone()).toBe(true);
  });

  it('turns a credential failure into PPMAT_E_AUTH_TOKEN', async () => {
    const credential: TokenCredential = { getToken: async () => Promise.reject(new Error('AADSTS7000215: Invalid client secret')) };
    const { client } = setup({ credential });
    const error = await failure(client.request({ surface: 'bap', url: '/a' }));
    expect(error.code).toBe('PPMAT_E_AUTH_TOKEN');
    expect(error.message).toContain('https://service.powerapps.com/.default');
    expect(error.message).toContain('AADSTS7000215');
  });

  it('retries a 401 once with a fresh token when the rejected one came from the cache', async () => {
    const { client, credential } = setup();
    nock(BAP).get('/a').reply(200, {});
    nock(BAP).get('/b').matchHeader('authorization', 'Bearer token-1').reply(401, { error: { code: 'InvalidAuthenticationToken', message: 'expired' } });
    nock(BAP).get('/b').matchHeader('authorization', 'Bearer token-2').reply(200, { ok: true });
    await client.request({ surface: 'bap', url: '/a' });
    const response = await client.request({ surface: 'bap', url: '/b' });
    expect(response.data).toEqual({ ok: true });
    expect((credential as CountingCredential).calls).toBe(2);
  });

  it('never logs the token', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const { client } = setup({ log: pino({ level: 'trace' }, stream) });
    nock(BAP).get('/a').reply(503, 'busy').get('/a').reply(200, {});
    await client.request({ surface: 'bap', url: '/a' });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain('token-1');
  });
});

describe('pagination', () => {
  it('follows nextLink and @odata.nextLink and counts pages', async () => {
    const { client } = setup();
    nock(BAP)
      .get('/list')
      .query({ 'api-version': '2023-06-01' })
      .reply(200, { value: [1, 2], nextLink: `${BAP}/list?api-version=2023-06-01&$skiptoken=p2` })
      .get('/list')
      .query({ 'api-version': '2023-06-01', $skiptoken: 'p2' })
      .reply(200, { value: [3], '@odata.nextLink': `${BAP}/list?page=3` })
      .get('/list')
      .query({ page: '3' })
      .reply(200, { value: [4], nextLink: null });
    const pages: number[] = [];
    const items = await client.paginate<number>({ surface: 'bap', url: '/list?api-version=2023-06-01' }, (_items, page) => pages.push(page));
    expect(items).toEqual([1, 2, 3, 4]);
    expect(pages).toEqual([1, 2, 3]);
    expect(client.stats.pages).toBe(3);
    expect(client.stats.requests).toBe(3);
    expect(nock.isDone()).toBe(true);
  });

  it('follows a regional subdomain of the surface host', async () => {
    const { client } = setup();
    nock(BAP).get('/list').reply(200, { value: [1], nextLink: 'https://europe.api.bap.microsoft.com/list?x=2' });
    nock('https://europe.api.bap.microsoft.com').get('/list').query({ x: '2' }).reply(200, { value: [2] });
    expect(await client.paginate({ surface: 'bap', url: '/list' })).toEqual([1, 2]);
  });

  it('refuses a nextLink to another host, so the token is not sent there', async () => {
    const { client } = setup();
    nock(BAP).get('/list').reply(200, { value: [1], nextLink: 'https://evil.example.com/steal' });
    const evil = nock('https://evil.example.com').get('/steal').reply(200, { value: [] });
    const error = await failure(client.paginate({ surface: 'bap', url: '/list' }));
    expect(error.code).toBe('PPMAT_E_MALFORMED_RESPONSE');
    expect(error.message).toContain('evil.example.com');
    expect(evil.isDone()).toBe(false);
  });

  it('stops a nextLink loop', async () => {
    const { client } = setup();
    nock(BAP)
      .get('/list')
      .reply(200, { value: [1], nextLink: `${BAP}/list?p=2` })
      .get('/list')
      .query({ p: '2' })
      .reply(200, { value: [2], nextLink: `${BAP}/list?p=2` });
    const error = await failure(client.paginate({ surface: 'bap', url: '/list' }));
    expect(error.code).toBe('PPMAT_E_MALFORMED_RESPONSE');
    expect(error.message).toMatch(/repeats a page/);
  });

  it('caps the number of pages', async () => {
    const { client } = setup({ maxPages: 2 });
    nock(BAP)
      .get('/list')
      .reply(200, { value: [1], nextLink: `${BAP}/list?p=2` })
      .get('/list')
      .query({ p: '2' })
      .reply(200, { value: [2], nextLink: `${BAP}/list?p=3` });
    const error = await failure(client.paginate({ surface: 'bap', url: '/list' }));
    expect(error.message).toContain('more than 2 pages');
  });

  it.each([
    ['no value', { items: [] }],
    ['value not an array', { value: {} }],
    ['an array body', [1, 2]],
  ])('rejects a page with %s', async (_name, body) => {
    const { client } = setup();
    nock(BAP).get('/list').reply(200, body);
    const error = await failure(client.paginate({ surface: 'bap', url: '/list' }));
    expect(error.code).toBe('PPMAT_E_MALFORMED_RESPONSE');
    expect(error.status).toBe('error');
    expect(error.message).toContain(`${BAP}/list`);
  });

  it('uses the surface base URL', async () => {
    const { client } = setup();
    nock(PP).get('/environmentmanagement/environmentGroups').reply(200, { value: ['g'] });
    expect(await client.paginate({ surface: 'powerPlatform', url: 'environmentmanagement/environmentGroups' })).toEqual(['g']);
  });
});

describe('retries', () => {
  it('honours Retry-After in seconds on 429, then succeeds', async () => {
    const { client, sleeps } = setup();
    nock(BAP).get('/a').reply(429, { error: { code: 'TooManyRequests' } }, { 'Retry-After': '7' }).get('/a').reply(200, { ok: true });
    const response = await client.request({ surface: 'bap', url: '/a' });
    expect(response.data).toEqual({ ok: true });
    expect(sleeps).toEqual([7000]);
    expect(client.stats).toMatchObject({ requests: 2, retries: 1, throttled: 1, throttledMs: 7000 });
  });

  it('honours Retry-After as an HTTP date', async () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 0);
    const { client, sleeps } = setup({ now: () => now });
    nock(BAP)
      .get('/a')
      .reply(429, '', { 'Retry-After': new Date(now + 3000).toUTCString() })
      .get('/a')
      .reply(200, {});
    await client.request({ surface: 'bap', url: '/a' });
    expect(sleeps).toEqual([3000]);
  });

  it('caps Retry-After at maxBackoffMs', async () => {
    const { client, sleeps } = setup({ maxBackoffMs: 10_000 });
    nock(BAP).get('/a').reply(429, '', { 'Retry-After': '3600' }).get('/a').reply(200, {});
    await client.request({ surface: 'bap', url: '/a' });
    expect(sleeps).toEqual([10_000]);
  });

  it('retries 5xx and 408 with full-jitter exponential backoff, then succeeds', async () => {
    const { client, sleeps } = setup({ baseDelayMs: 1000 });
    nock(BAP).get('/a').reply(503).get('/a').reply(500).get('/a').reply(408).get('/a').reply(200, { ok: 1 });
    const response = await client.request({ surface: 'bap', url: '/a' });
    expect(response.data).toEqual({ ok: 1 });
    // random() = 0.5 of min(cap, 1000 * 2^attempt)
    expect(sleeps).toEqual([500, 1000, 2000]);
    expect(client.stats).toMatchObject({ requests: 4, retries: 3, throttled: 0, throttledMs: 0 });
  });

  it('gives up on 429 after maxRetries with PPMAT_E_HTTP_THROTTLED', async () => {
    const { client, sleeps } = setup({ maxRetries: 2 });
    nock(BAP).get('/a').times(3).reply(429, { error: { code: 'TooManyRequests', message: 'Rate limit is exceeded. Try again in 2 seconds.' } }, { 'Retry-After': '2' });
    const error = await failure(client.request({ surface: 'bap', url: '/a' }));
    expect(error.code).toBe('PPMAT_E_HTTP_THROTTLED');
    expect(error.details.httpStatus).toBe(429);
    expect(error.message).toContain('Rate limit is exceeded');
    expect(sleeps).toEqual([2000, 2000]);
    expect(client.stats).toMatchObject({ requests: 3, retries: 2, throttled: 3, throttledMs: 4000 });
  });

  it('gives up on 5xx after maxRetries with PPMAT_E_HTTP_STATUS naming the status and URL', async () => {
    const { client } = setup({ maxRetries: 1 });
    nock(BAP).get('/a').query(true).times(2).reply(502, 'Bad gateway');
    const error = await failure(client.request({ surface: 'bap', url: '/a?api-version=1' }));
    expect(error.code).toBe('PPMAT_E_HTTP_STATUS');
    expect(error.status).toBe('error');
    expect(error.message).toContain('502');
    expect(error.message).toContain(`${BAP}/a?api-version=1`);
  });

  it('does not retry other 4xx', async () => {
    const { client, sleeps } = setup();
    nock(BAP).get('/a').reply(400, { error: { code: 'BadRequest', message: 'nope' } });
    const error = await failure(client.request({ surface: 'bap', url: '/a' }));
    expect(error.code).toBe('PPMAT_E_HTTP_STATUS');
    expect(sleeps).toEqual([]);
    expect(client.stats.requests).toBe(1);
  });

  // nock's replyWithError does not reach axios through nock 15's interceptors, so network
  // failures are produced for real on the loopback interface.
  it('retries network errors, then reports PPMAT_E_HTTP_NETWORK', async () => {
    const closed = await closedPort();
    const { client } = setup({ maxRetries: 2, baseUrls: { ...CLOUDS.public.baseUrls, bap: `http://127.0.0.1:${closed}` } });
    const error = await failure(client.request({ surface: 'bap', url: '/a' }));
    expect(error.code).toBe('PPMAT_E_HTTP_NETWORK');
    expect(error.message).toContain('ECONNREFUSED');
    expect(client.stats).toMatchObject({ requests: 3, retries: 2 });
  });

  it('recovers from a connection reset', async () => {
    let connections = 0;
    const server = createServer((req, res) => {
      connections += 1;
      if (connections === 1) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":1}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const { client } = setup({ baseUrls: { ...CLOUDS.public.baseUrls, bap: `http://127.0.0.1:${port}` } });
      expect((await client.request({ surface: 'bap', url: '/a' })).data).toEqual({ ok: 1 });
      expect(client.stats.retries).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('times out slow answers and reports PPMAT_E_HTTP_TIMEOUT after retries', async () => {
    const { client } = setup({ timeoutMs: 50, maxRetries: 1 });
    nock(BAP).get('/slow').times(2).delay(500).reply(200, {});
    const error = await failure(client.request({ surface: 'bap', url: '/slow' }));
    expect(error.code).toBe('PPMAT_E_HTTP_TIMEOUT');
    expect(error.message).toContain('50 ms');
    expect(client.stats.requests).toBe(2);
  });
});

describe('statuses', () => {
  it('403 on BAP is unavailable and says what is missing', async () => {
    const { client, sleeps } = setup();
    nock(BAP)
      .get('/a')
      .reply(403, { error: { code: 'Forbidden', message: "The service principal does not have permission to access the path '/providers/...'" } });
    const error = await failure(client.request({ surface: 'bap', url: '/a' }));
    expect(error.status).toBe('unavailable');
    expect(error.code).toBe('PPMAT_E_HTTP_FORBIDDEN');
    expect(error.message).toContain('not registered as a Power Platform admin management application');
    expect(error.message).toContain('Power Platform Administrator role');
    expect(error.message).toContain('does not have permission to access the path');
    expect(error.details).toEqual({ httpStatus: 403, url: `${BAP}/a` });
    expect(sleeps).toEqual([]);
  });

  it('401 with a fresh token is PPMAT_E_HTTP_UNAUTHORIZED', async () => {
    const { client } = setup();
    nock(BAP).get('/a').reply(401, { error: { code: 'InvalidAuthenticationToken', message: 'audience is invalid' } });
    const error = await failure(client.request({ surface: 'bap', url: '/a' }));
    expect(error.code).toBe('PPMAT_E_HTTP_UNAUTHORIZED');
    expect(error.status).toBe('error');
    expect(error.message).toContain('audience is invalid');
  });

  it('404 is an error unless accepted', async () => {
    const { client } = setup();
    nock(BAP).get('/a').reply(404, { error: { code: 'NotFound' } }).get('/a').reply(404, { error: { code: 'NotFound' } });
    const error = await failure(client.request({ surface: 'bap', url: '/a' }));
    expect(error.code).toBe('PPMAT_E_HTTP_NOT_FOUND');
    const accepted = await client.request({ surface: 'bap', url: '/a', acceptStatus: [404] });
    expect(accepted.status).toBe(404);
  });

  it('a 2xx body that is not JSON is PPMAT_E_MALFORMED_RESPONSE and is not retried', async () => {
    const { client } = setup();
    nock(BAP).get('/a').reply(200, '<html>Sign in</html>', { 'Content-Type': 'text/html' });
    const error = await failure(client.request({ surface: 'bap', url: '/a' }));
    expect(error.code).toBe('PPMAT_E_MALFORMED_RESPONSE');
    expect(error.message).toContain('<html>Sign in');
    expect(client.stats.requests).toBe(1);
  });

  it('an empty 2xx body reads as null', async () => {
    const { client } = setup();
    nock(BAP).get('/a').reply(200, '');
    expect((await client.request({ surface: 'bap', url: '/a' })).data).toBeNull();
  });

  it('sends a POST body as JSON and counts bytes', async () => {
    const { client } = setup();
    nock(BAP)
      .post('/listTenantSettings', {})
      .matchHeader('content-type', 'application/json')
      .reply(200, { walkMeOptOut: false });
    const response = await client.request({ surface: 'bap', method: 'POST', url: '/listTenantSettings', body: {} });
    expect(response.data).toEqual({ walkMeOptOut: false });
    expect(client.stats.bytes).toBe(JSON.stringify({ walkMeOptOut: false }).length);
  });

  it('redacts secret query values in messages', async () => {
    const { client } = setup();
    nock(BAP).get('/a').query(true).reply(400, {});
    const error = await failure(client.request({ surface: 'bap', url: '/a?api-version=1&sig=abc123&$skiptoken=xyz' }));
    expect(error.message).toContain('api-version=1');
    expect(error.message).not.toContain('abc123');
    expect(error.message).not.toContain('xyz');
  });
});

describe('cancellation', () => {
  it('rejects with PPMAT_E_ABORTED when already aborted', async () => {
    const { client } = setup();
    const scope = nock(BAP).get('/a').reply(200, {});
    const controller = new AbortController();
    controller.abort();
    const error = await failure(client.request({ surface: 'bap', url: '/a', signal: controller.signal }));
    expect(error.code).toBe('PPMAT_E_ABORTED');
    expect(scope.isDone()).toBe(false);
  });

  it('stops retrying when aborted during a backoff', async () => {
    const controller = new AbortController();
    const { client } = setup({
      sleep: async () => {
        controller.abort();
      },
    });
    nock(BAP).get('/a').reply(503).get('/a').reply(200, {});
    const error = await failure(client.request({ surface: 'bap', url: '/a', signal: controller.signal }));
    expect(error.code).toBe('PPMAT_E_ABORTED');
    expect(client.stats.requests).toBe(1);
  });

  it('aborts a request in flight', async () => {
    const { client } = setup();
    nock(BAP).get('/slow').delay(2000).reply(200, {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const error = await failure(client.request({ surface: 'bap', url: '/slow', signal: controller.signal }));
    expect(error.code).toBe('PPMAT_E_ABORTED');
  });
});

describe('scoped clients', () => {
  it('have their own stats and share the token cache', async () => {
    const { client, credential } = setup();
    nock(BAP).get('/a').times(2).reply(200, {});
    await client.request({ surface: 'bap', url: '/a' });
    const scoped = client.scoped();
    await scoped.request({ surface: 'bap', url: '/a' });
    expect(client.stats.requests).toBe(1);
    expect(scoped.stats.requests).toBe(1);
    expect((credential as CountingCredential).calls).toBe(1);
  });
});

describe('per-host limiter', () => {
  const BAP_HOST = 'api.bap.microsoft.com';

  /** A client whose limiter, retry sleeps and clock all run on one fake clock. */
  function limited(maxConcurrency = 8, increaseAfter?: number, overrides: Partial<HttpClientOptions> = {}) {
    const clock = new FakeClock();
    const limiter = createHostLimiter({ maxConcurrency, sleep: clock.sleep, now: clock.now, ...(increaseAfter ? { increaseAfter } : {}) });
    const { client } = setup({ hostLimiter: limiter, sleep: clock.sleep, now: clock.now, ...overrides });
    return { client, clock, limiter };
  }

  /** Moves the fake clock on whenever the request sleeps, until it ends. */
  async function runOut<T>(promise: Promise<T>, clock: FakeClock): Promise<T> {
    let done = false;
    const settled = promise.finally(() => {
      done = true;
    });
    settled.catch(() => undefined);
    while (!done) {
      await until(() => done || clock.pending > 0);
      if (!done) await clock.advance(60_000);
    }
    return settled;
  }

  it('never has more requests in flight to a host than maxConcurrencyPerHost, across scoped clients', async () => {
    let inFlight = 0;
    let peak = 0;
    nock(BAP)
      .get(/\/item\/\d+/)
      .times(12)
      .reply(async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 10));
        inFlight -= 1;
        return [200, {}];
      });
    const { client } = setup({ maxConcurrencyPerHost: 3 });
    const runs = [client.scoped(), client.scoped(), client.scoped()];
    await Promise.all(Array.from({ length: 12 }, (_, i) => runs[i % 3]!.request({ surface: 'bap', url: `/item/${i}` })));
    expect(peak).toBe(3);
    expect(runs.map((r) => r.stats.requests)).toEqual([4, 4, 4]);
  });

  it('a 429 with Retry-After pauses the other requests to that host until that moment, not another host, and counts the wait as throttled', async () => {
    const { client, clock, limiter } = limited();
    const [throttledRun, waitingRun, otherRun] = [client.scoped(), client.scoped(), client.scoped()];
    nock(BAP).get('/a').reply(429, { error: { code: 'TooManyRequests', message: 'Rate limit is exceeded. Try again in 5 seconds.' } }, { 'Retry-After': '5' });
    nock(BAP).get('/a').reply(200, { a: 1 });
    const b = nock(BAP).get('/b').reply(200, { b: 1 });
    nock(PP).get('/c').reply(200, { c: 1 });

    const first = throttledRun.request({ surface: 'bap', url: '/a' });
    await until(() => limiter.state(BAP_HOST).pausedUntil > 0);
    expect(limiter.state(BAP_HOST).pausedUntil).toBe(clock.now() + 5_000);
    const second = waitingRun.request({ surface: 'bap', url: '/b' });
    // The other host is not paused: it answers while the fake clock stands still.
    expect((await otherRun.request({ surface: 'powerPlatform', url: '/c' })).data).toEqual({ c: 1 });
    await until(() => clock.pending === 2); // the throttled request's retry sleep, and /b waiting out the pause
    expect(b.isDone()).toBe(false);

    await clock.advance(4_999);
    expect(b.isDone()).toBe(false);
    await clock.advance(1);
    expect((await second).data).toEqual({ b: 1 });
    expect((await first).data).toEqual({ a: 1 });
    expect(clock.sleeps).toEqual([5_000, 5_000]);
    expect(throttledRun.stats).toMatchObject({ requests: 2, retries: 1, throttled: 1, throttledMs: 5_000 });
    expect(waitingRun.stats).toMatchObject({ requests: 1, retries: 0, throttled: 0, throttledMs: 5_000 });
    expect(otherRun.stats).toMatchObject({ requests: 1, throttled: 0, throttledMs: 0 });
  });

  it('a 503 with Retry-After pauses the host; a 503 without it does not', async () => {
    const { client, limiter, clock } = limited();
    nock(BAP).get('/a').reply(503, 'busy').get('/a').reply(200, {});
    await runOut(client.request({ surface: 'bap', url: '/a' }), clock);
    expect(clock.sleeps).toEqual([250]); // its own backoff only
    expect(limiter.state(BAP_HOST)).toMatchObject({ pausedUntil: 0, limit: 8 });
    nock(BAP).get('/a').reply(503, 'busy', { 'Retry-After': '2' });
    nock(BAP).get('/a').reply(200, {});
    const done = client.request({ surface: 'bap', url: '/a' });
    await until(() => clock.pending === 1);
    expect(limiter.state(BAP_HOST)).toMatchObject({ pausedUntil: clock.now() + 2_000, limit: 4 });
    await clock.advance(2_000);
    await done;
    expect(client.stats).toMatchObject({ throttled: 0, throttledMs: 2_000 });
  });

  it('halves the host concurrency on 429 and grows it back after successes', async () => {
    const { client, limiter, clock } = limited(8, 2);
    nock(BAP).get('/a').reply(429, '', { 'Retry-After': '1' }).get('/a').reply(200, {});
    const done = client.request({ surface: 'bap', url: '/a' });
    await until(() => clock.pending === 1);
    expect(limiter.state(BAP_HOST).limit).toBe(4);
    await clock.advance(1_000);
    await done; // one success
    nock(BAP).get('/ok').times(7).reply(200, {});
    for (let i = 0; i < 7; i += 1) await client.request({ surface: 'bap', url: '/ok' });
    expect(limiter.state(BAP_HOST).limit).toBe(8);
  });

  it('still pauses the host when the last retry is throttled', async () => {
    const { client, limiter, clock } = limited(8, undefined, { maxRetries: 2 });
    nock(BAP).get('/a').times(3).reply(429, '', { 'Retry-After': '1' });
    const failed = failure(runOut(client.request({ surface: 'bap', url: '/a' }), clock));
    expect((await failed).code).toBe('PPMAT_E_HTTP_THROTTLED');
    expect(clock.sleeps).toEqual([1_000, 1_000]);
    expect(limiter.state(BAP_HOST).pausedUntil).toBe(clock.now() + 1_000);
  });

  it('rejects a request queued for a slot with PPMAT_E_ABORTED when its signal fires, without sending it', async () => {
    const { client, limiter } = limited(1);
    nock(BAP).get('/slow').delay(100).reply(200, { slow: true });
    const queued = nock(BAP).get('/queued').reply(200, {});
    const slow = client.request({ surface: 'bap', url: '/slow' });
    const controller = new AbortController();
    const cancelled = failure(client.request({ surface: 'bap', url: '/queued', signal: controller.signal }));
    await until(() => limiter.state(BAP_HOST).queued === 1);
    controller.abort();
    expect((await cancelled).code).toBe('PPMAT_E_ABORTED');
    expect((await slow).data).toEqual({ slow: true });
    expect(queued.isDone()).toBe(false);
    expect(limiter.state(BAP_HOST)).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('frees the slot when the token cannot be had', async () => {
    const credential: TokenCredential = { getToken: async () => Promise.reject(new Error('AADSTS7000215')) };
    const limiter = createHostLimiter({ maxConcurrency: 1 });
    const { client } = setup({ credential, hostLimiter: limiter });
    expect((await failure(client.request({ surface: 'bap', url: '/a' }))).code).toBe('PPMAT_E_AUTH_TOKEN');
    expect(limiter.state(BAP_HOST).inFlight).toBe(0);
  });
});
