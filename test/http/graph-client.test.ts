import nock from 'nock';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { StaticTokenCredential } from '../../src/auth/credentials.js';
import { CollectionError } from '../../src/collectors/types.js';
import { CLOUDS } from '../../src/auth/clouds.js';
import { createGraphClient, type GraphClientOptions } from '../../src/http/graph-client.js';
import { createHostLimiter } from '../../src/http/host-limiter.js';
import { createHttpClient } from '../../src/http/http-client.js';
import { FakeClock, until } from '../support/fake-clock.js';
import { graphPermissionFor } from '../../src/http/graph-permissions.js';

const GRAPH = 'https://graph.microsoft.com';
const PATH = '/v1.0/roleManagement/directory/roleAssignments';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

function graph(overrides: Partial<GraphClientOptions> = {}) {
  const sleeps: number[] = [];
  const client = createGraphClient({
    baseUrl: GRAPH,
    scope: 'https://graph.microsoft.com/.default',
    credential: new StaticTokenCredential('graph-secret-token'),
    log: pino({ level: 'silent' }),
    maxRetries: 2,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });
  return { client, sleeps };
}

async function failure(promise: Promise<unknown>): Promise<CollectionError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CollectionError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('Graph client', () => {
  it('follows @odata.nextLink with the PageIterator, sends the bearer token and counts pages, requests and bytes', async () => {
    nock(GRAPH, { reqheaders: { authorization: 'Bearer graph-secret-token' } })
      .get(PATH)
      .reply(200, { '@odata.context': 'ctx', value: [{ id: 'a' }, { id: 'b' }], '@odata.nextLink': `${GRAPH}${PATH}?$skiptoken=p2` })
      .get(PATH)
      .query({ $skiptoken: 'p2' })
      .reply(200, { value: [{ id: 'c' }] });
    const { client } = graph();
    const pages: number[] = [];
    const items = await client.list('/roleManagement/directory/roleAssignments', { onPage: (p) => pages.push(p) });
    expect(items).toEqual([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    expect(pages).toEqual([1, 2]);
    expect(client.stats).toMatchObject({ requests: 2, pages: 2, retries: 0, throttled: 0 });
    expect(client.stats.bytes).toBeGreaterThan(50);
    expect(nock.isDone()).toBe(true);
  });

  it('follows http:// nextLinks of a loopback base URL (the SDK only parses https links)', async () => {
    const base = 'http://127.0.0.1:4567';
    nock(base)
      .get(PATH)
      .reply(200, { value: [1], '@odata.nextLink': `${base}${PATH}?$skiptoken=2` })
      .get(PATH)
      .query({ $skiptoken: '2' })
      .reply(200, { value: [2], '@odata.nextLink': null });
    const { client } = graph({ baseUrl: base });
    expect(await client.list('/roleManagement/directory/roleAssignments')).toEqual([1, 2]);
  });

  it('keeps the query of the first request', async () => {
    nock(GRAPH)
      .get(PATH)
      .query({ $filter: "roleDefinitionId eq '62e90394-69f5-4237-9190-012177145e10'", $expand: 'principal' })
      .reply(200, { value: [] });
    const { client } = graph();
    const filter = encodeURIComponent("roleDefinitionId eq '62e90394-69f5-4237-9190-012177145e10'");
    expect(await client.list(`/roleManagement/directory/roleAssignments?$filter=${filter}&$expand=principal`)).toEqual([]);
  });

  it('waits Retry-After on 429 and counts the throttling', async () => {
    nock(GRAPH).get(PATH).reply(429, { error: { code: 'TooManyRequests', message: 'slow down' } }, { 'Retry-After': '3' }).get(PATH).reply(200, { value: [1] });
    const { client, sleeps } = graph();
    expect(await client.list('/roleManagement/directory/roleAssignments')).toEqual([1]);
    expect(sleeps).toEqual([3000]);
    expect(client.stats).toMatchObject({ requests: 2, retries: 1, throttled: 1, throttledMs: 3000, pages: 1 });
  });

  it('caps an honoured Retry-After at the maximum backoff', async () => {
    nock(GRAPH).get(PATH).reply(429, '', { 'Retry-After': '3600' }).get(PATH).reply(200, { value: [] });
    const { client, sleeps } = graph({ maxBackoffMs: 10_000 });
    await client.list('/roleManagement/directory/roleAssignments');
    expect(sleeps).toEqual([10_000]);
  });

  it('retries 5xx and 408 with jittered exponential backoff', async () => {
    nock(GRAPH).get(PATH).reply(503).get(PATH).reply(408).get(PATH).reply(200, { value: ['ok'] });
    const { client, sleeps } = graph({ baseDelayMs: 100 });
    expect(await client.list('/roleManagement/directory/roleAssignments')).toEqual(['ok']);
    // random() = 0.5: half of 100 * 2^0, then half of 100 * 2^1.
    expect(sleeps).toEqual([50, 100]);
    expect(client.stats).toMatchObject({ requests: 3, retries: 2, throttled: 0, throttledMs: 0 });
  });

  it('gives up after maxRetries with the last status', async () => {
    nock(GRAPH).get(PATH).times(3).reply(500, { error: { code: 'InternalServerError', message: 'boom' } });
    const { client } = graph();
    const error = await failure(client.list('/roleManagement/directory/roleAssignments'));
    expect(error).toMatchObject({ status: 'error', code: 'PPMAT_E_HTTP_STATUS' });
    expect(error.message).toContain('answered 500');
    expect(error.message).toContain('InternalServerError: boom');
    expect(client.stats).toMatchObject({ requests: 3, retries: 2 });
  });

  it('still throttled after every retry: PPMAT_E_HTTP_THROTTLED', async () => {
    nock(GRAPH).get(PATH).times(3).reply(429, '', { 'Retry-After': '1' });
    const { client } = graph();
    expect((await failure(client.list('/roleManagement/directory/roleAssignments'))).code).toBe('PPMAT_E_HTTP_THROTTLED');
    expect(client.stats).toMatchObject({ throttled: 3, throttledMs: 2000 });
  });

  it.each([
    ['/identity/conditionalAccess/policies', 'Policy.Read.All'],
    ['/roleManagement/directory/roleAssignments', 'RoleManagement.Read.Directory'],
    ['/roleManagement/directory/roleEligibilityScheduleInstances', 'RoleEligibilitySchedule.Read.Directory'],
    ['/roleManagement/directory/roleAssignmentScheduleInstances', 'RoleAssignmentSchedule.Read.Directory'],
  ])('403 on %s is unavailable and names %s and admin consent, without retrying', async (path, permission) => {
    nock(GRAPH)
      .get(`/v1.0${path}`)
      .reply(403, { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } });
    const { client } = graph();
    const error = await failure(client.list(path));
    expect(error).toMatchObject({ status: 'unavailable', code: 'PPMAT_E_HTTP_FORBIDDEN', details: { httpStatus: 403 } });
    expect(error.message).toContain(permission);
    expect(error.message).toContain('admin consent');
    expect(error.message).toContain('Authorization_RequestDenied: Insufficient privileges');
    expect(client.stats.requests).toBe(1);
  });

  it.each([
    [401, 'PPMAT_E_HTTP_UNAUTHORIZED'],
    [404, 'PPMAT_E_HTTP_NOT_FOUND'],
    [400, 'PPMAT_E_HTTP_STATUS'],
  ])('%i is %s and not retried', async (status, code) => {
    nock(GRAPH).get(PATH).reply(status, { error: { code: 'X', message: 'no' } });
    const { client } = graph();
    expect(await failure(client.list('/roleManagement/directory/roleAssignments'))).toMatchObject({ status: 'error', code });
    expect(client.stats.requests).toBe(1);
  });

  it.each([
    ['a body that is not JSON', '{"value": [', /not JSON/],
    ['a page without value', { items: [] }, /no array "value"/],
    ['a nextLink that is not a string', { value: [], '@odata.nextLink': 42 }, /nextLink is not a string/],
  ])('reports %s as PPMAT_E_MALFORMED_RESPONSE', async (_name, body, why) => {
    nock(GRAPH).get(PATH).reply(200, body, { 'Content-Type': 'application/json' });
    const { client } = graph();
    const error = await failure(client.list('/roleManagement/directory/roleAssignments'));
    expect(error).toMatchObject({ status: 'error', code: 'PPMAT_E_MALFORMED_RESPONSE' });
    expect(error.message).toMatch(why);
  });

  it('reports a malformed second page', async () => {
    nock(GRAPH).get(PATH).reply(200, { value: [1], '@odata.nextLink': `${GRAPH}${PATH}?$skiptoken=2` }).get(PATH).query(true).reply(200, { nope: true });
    const { client } = graph();
    expect((await failure(client.list('/roleManagement/directory/roleAssignments'))).code).toBe('PPMAT_E_MALFORMED_RESPONSE');
  });

  it('stops a nextLink loop', async () => {
    nock(GRAPH).get(PATH).reply(200, { value: [1], '@odata.nextLink': `${GRAPH}${PATH}?$skiptoken=2` }).get(PATH).query(true).times(2).reply(200, { value: [2], '@odata.nextLink': `${GRAPH}${PATH}?$skiptoken=2` });
    const { client } = graph();
    const error = await failure(client.list('/roleManagement/directory/roleAssignments'));
    expect(error.message).toMatch(/repeats a page/);
  });

  it('refuses a nextLink to another host, so the token is not sent there', async () => {
    nock(GRAPH).get(PATH).reply(200, { value: [1], '@odata.nextLink': 'https://evil.example.com/v1.0/steal' });
    const evil = nock('https://evil.example.com').get('/v1.0/steal').reply(200, { value: [] });
    const { client } = graph();
    const error = await failure(client.list('/roleManagement/directory/roleAssignments'));
    expect(error.message).toMatch(/points outside the graph API/);
    expect(evil.isDone()).toBe(false);
  });

  it('retries network errors, then reports PPMAT_E_HTTP_NETWORK', async () => {
    nock(GRAPH).get(PATH).times(3).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    const { client } = graph();
    const error = await failure(client.list('/roleManagement/directory/roleAssignments'));
    expect(error.code).toBe('PPMAT_E_HTTP_NETWORK');
    expect(client.stats).toMatchObject({ requests: 3, retries: 2 });
  });

  it('times out a slow answer: PPMAT_E_HTTP_TIMEOUT', async () => {
    nock(GRAPH).get(PATH).times(2).delay(500).reply(200, { value: [] });
    const { client } = graph({ timeoutMs: 30, maxRetries: 1 });
    expect((await failure(client.list('/roleManagement/directory/roleAssignments'))).code).toBe('PPMAT_E_HTTP_TIMEOUT');
  });

  it('is cancelled by the AbortSignal, also while waiting to retry', async () => {
    const before = new AbortController();
    before.abort();
    const { client } = graph();
    expect((await failure(client.list('/roleManagement/directory/roleAssignments', { signal: before.signal }))).code).toBe('PPMAT_E_ABORTED');

    const during = new AbortController();
    nock(GRAPH).get(PATH).reply(503);
    const waiting = graph({
      sleep: async () => {
        during.abort();
        throw new CollectionError('error', 'PPMAT_E_ABORTED', 'Waiting before a retry was cancelled.');
      },
    });
    expect((await failure(waiting.client.list('/roleManagement/directory/roleAssignments', { signal: during.signal }))).code).toBe('PPMAT_E_ABORTED');
  });

  it('a credential failure is PPMAT_E_AUTH_TOKEN naming the scope', async () => {
    const broken: TokenCredential = {
      getToken: async (): Promise<AccessToken | null> => {
        throw new Error('AADSTS7000215: Invalid client secret provided.');
      },
    };
    const { client } = graph({ credential: broken });
    const error = await failure(client.list('/identity/conditionalAccess/policies'));
    expect(error.code).toBe('PPMAT_E_AUTH_TOKEN');
    expect(error.message).toContain('https://graph.microsoft.com/.default');
    expect(error.message).toContain('AADSTS7000215');
  });

  it('never puts the token in an error message', async () => {
    nock(GRAPH).get(PATH).reply(403, { error: { code: 'Forbidden', message: 'no' } });
    const { client } = graph();
    expect((await failure(client.list('/roleManagement/directory/roleAssignments'))).message).not.toContain('graph-secret-token');
  });

  it('scoped(stats) counts into the given stats object, e.g. the collector run HttpClient stats', async () => {
    nock(GRAPH).get(PATH).reply(200, { value: [] });
    const shared = { requests: 5, retries: 0, throttled: 0, throttledMs: 0, bytes: 0, pages: 1 };
    const { client } = graph();
    const scoped = client.scoped(shared);
    await scoped.list('/roleManagement/directory/roleAssignments');
    expect(scoped.stats).toBe(shared);
    expect(shared).toMatchObject({ requests: 6, pages: 2 });
    expect(client.stats.requests).toBe(0);
  });
});

describe('Graph client and the tenant host limiter', () => {
  const GRAPH_HOST = 'graph.microsoft.com';

  it('a Graph 429 pauses the host for the admin API client sharing the limiter, which counts the wait as throttled', async () => {
    const clock = new FakeClock();
    const limiter = createHostLimiter({ sleep: clock.sleep, now: clock.now });
    const { client } = graph({ hostLimiter: limiter, sleep: clock.sleep, now: clock.now });
    const http = createHttpClient({
      baseUrls: CLOUDS.public.baseUrls,
      scopes: CLOUDS.public.scopes,
      credential: new StaticTokenCredential('t'),
      log: pino({ level: 'silent' }),
      hostLimiter: limiter,
      sleep: clock.sleep,
      now: clock.now,
    });
    nock(GRAPH).get(PATH).reply(429, { error: { code: 'TooManyRequests' } }, { 'Retry-After': '3' }).get(PATH).reply(200, { value: [1] });
    const other = nock(GRAPH).get('/v1.0/organization').reply(200, { value: [] });
    const listed = client.list('/roleManagement/directory/roleAssignments');
    await until(() => limiter.state(GRAPH_HOST).pausedUntil > 0);
    expect(limiter.state(GRAPH_HOST)).toMatchObject({ pausedUntil: clock.now() + 3_000, limit: 4 });
    const viaHttp = http.request({ surface: 'graph', url: '/v1.0/organization' });
    await until(() => clock.pending === 2);
    expect(other.isDone()).toBe(false);
    await clock.advance(3_000);
    expect(await listed).toEqual([1]);
    await viaHttp;
    expect(client.stats).toMatchObject({ throttled: 1, throttledMs: 3_000 });
    expect(http.stats).toMatchObject({ throttled: 0, throttledMs: 3_000 });
  });

  it('keeps Graph requests within the host concurrency, across scoped clients', async () => {
    let inFlight = 0;
    let peak = 0;
    nock(GRAPH)
      .get(/\/v1\.0\/users\/\d+\/memberOf/)
      .times(6)
      .reply(async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 10));
        inFlight -= 1;
        return [200, { value: [] }];
      });
    const { client } = graph({ maxConcurrencyPerHost: 2 });
    await Promise.all(Array.from({ length: 6 }, (_, i) => client.scoped().list(`/users/${i}/memberOf`)));
    expect(peak).toBe(2);
  });
});

describe('graphPermissionFor', () => {
  it.each([
    ['https://graph.microsoft.com/v1.0/roleManagement/directory/roleAssignments?$filter=x', 'RoleManagement.Read.Directory'],
    ['https://graph.microsoft.com/beta/roleManagement/directory/roleAssignmentScheduleInstances', 'RoleAssignmentSchedule.Read.Directory'],
    ['http://127.0.0.1:1/v1.0/IDENTITY/conditionalAccess/policies/', 'Policy.Read.All'],
    ['https://graph.microsoft.com/v1.0/users', null],
  ])('%s needs %s', (url, permission) => {
    expect(graphPermissionFor(url)).toBe(permission);
  });
});
