import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AlertSender } from '../../../src/alerts/channels/channel.js';
import { createAxiosPost, postAlert, scrubber, urlSecrets } from '../../../src/alerts/channels/http-post.js';
import { createSlackChannel } from '../../../src/alerts/channels/slack.channel.js';
import { createTeamsChannel } from '../../../src/alerts/channels/teams.channel.js';
import { createWebhookChannel } from '../../../src/alerts/channels/webhook.channel.js';
import { sampleAlert } from './alert-fixtures.js';

const NOW = new Date('2026-03-02T02:00:00.000Z');
const clock = (): Date => NOW;
const SECRET = 'whsec-Sup3rSecret';
const TIMEOUT_MS = 100;

/** One channel of each HTTP kind, on a fake host whose URL carries credentials in its path and query. */
const CHANNELS: { label: string; origin: string; path: string; query: string; secret?: string; create: (url: string) => AlertSender }[] = [
  {
    label: 'Teams',
    origin: 'https://flows.example.test',
    path: '/powerautomate/automations/direct/workflows/abc123/triggers/manual/paths/invoke',
    query: 'api-version=1&sv=1.0&sig=FlowSig-9f8e7d',
    create: (url) => createTeamsChannel({ url, timeoutMs: TIMEOUT_MS, clock }),
  },
  {
    label: 'Slack',
    origin: 'https://slack.example.test',
    path: '/services/T0001/B0001/SlackPathSecret-abc',
    query: '',
    create: (url) => createSlackChannel({ url, timeoutMs: TIMEOUT_MS, clock }),
  },
  {
    label: 'Generic',
    origin: 'https://receiver.example.test',
    path: '/hooks/ppmat-7c1d',
    query: 'token=QueryToken-55aa',
    secret: SECRET,
    create: (url) => createWebhookChannel({ url, secret: SECRET, timeoutMs: TIMEOUT_MS, clock }),
  },
];

type Reply = (interceptor: nock.Interceptor, secrets: string) => nock.Scope;

const CASES: { name: string; reply: Reply; expected: { ok: boolean; retryable?: boolean; status?: number; retryAfterMs?: number; error?: RegExp } }[] = [
  { name: '200 is delivered', reply: (i) => i.reply(200, 'ok'), expected: { ok: true, status: 200 } },
  { name: '202 Accepted is delivered', reply: (i) => i.reply(202), expected: { ok: true, status: 202 } },
  { name: '400 is not retryable', reply: (i, echo) => i.reply(400, echo), expected: { ok: false, retryable: false, status: 400 } },
  { name: '404 is not retryable', reply: (i, echo) => i.reply(404, echo), expected: { ok: false, retryable: false, status: 404 } },
  { name: '400 ignores a Retry-After', reply: (i) => i.reply(400, 'no', { 'Retry-After': '5' }), expected: { ok: false, retryable: false, status: 400 } },
  { name: '408 is retryable', reply: (i, echo) => i.reply(408, echo), expected: { ok: false, retryable: true, status: 408 } },
  {
    name: '429 with Retry-After in seconds is retryable after that delay',
    reply: (i, echo) => i.reply(429, echo, { 'Retry-After': '7' }),
    expected: { ok: false, retryable: true, status: 429, retryAfterMs: 7000 },
  },
  {
    name: '429 with Retry-After as an HTTP date waits until then',
    reply: (i) => i.reply(429, '', { 'Retry-After': new Date(NOW.getTime() + 30_000).toUTCString() }),
    expected: { ok: false, retryable: true, status: 429, retryAfterMs: 30_000 },
  },
  { name: '500 is retryable', reply: (i, echo) => i.reply(500, echo), expected: { ok: false, retryable: true, status: 500 } },
  {
    name: '503 with Retry-After is retryable after that delay',
    reply: (i, echo) => i.reply(503, echo, { 'Retry-After': '120' }),
    expected: { ok: false, retryable: true, status: 503, retryAfterMs: 120_000 },
  },
  {
    name: 'a redirect is not followed and not retryable',
    reply: (i) => i.reply(301, '', { Location: 'https://elsewhere.example.test/steal' }),
    expected: { ok: false, retryable: false, status: 301, error: /redirect, which is not followed/ },
  },
  {
    name: 'a connection reset is retryable',
    // An Error instance: nock 14 turns a plain object given to replyWithError into a crash of its interceptor.
    reply: (i, echo) => i.replyWithError(Object.assign(new Error(`socket hang up while posting ${echo}`), { code: 'ECONNRESET' })),
    expected: { ok: false, retryable: true, error: /could not be reached: .*socket hang up/ },
  },
  {
    name: 'a timeout is retryable',
    reply: (i) => i.delay(2_000).reply(200, 'late'),
    expected: { ok: false, retryable: true, error: new RegExp(`did not answer within ${TIMEOUT_MS} ms`) },
  },
];

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe.each(CHANNELS)('$label sender', ({ label, origin, path, query, secret, create }) => {
  const url = `${origin}${path}${query ? `?${query}` : ''}`;
  // What a careless receiver or proxy might echo back: the whole URL, and the signing secret the channel holds.
  const echo = `rejected ${url} (path ${path}${query ? `?${query}` : ''})${secret ? ` using ${secret}` : ''}`;

  it.each(CASES)('$name', async ({ reply, expected }) => {
    const interceptor = nock(origin).post(path).query(query ? true : {});
    reply(interceptor, echo);
    const elsewhere = nock('https://elsewhere.example.test').post('/steal').reply(200);
    const result = await create(url).send(sampleAlert());
    const { error: pattern, ...shape } = expected;
    expect(result).toMatchObject(shape);
    if (!result.ok) {
      if (!('retryAfterMs' in shape)) expect(result).not.toHaveProperty('retryAfterMs');
      if (pattern) expect(result.error).toMatch(pattern);
      expect(result.error.startsWith(`${label} webhook ${origin} `)).toBe(true);
      for (const secret of [path, query, 'sig=', SECRET, 'FlowSig', 'SlackPathSecret', 'QueryToken'].filter(Boolean)) {
        expect(result.error).not.toContain(secret);
      }
    }
    expect(elsewhere.isDone()).toBe(false);
  });

  it('tries once: retrying is the dispatcher’s job', async () => {
    const scope = nock(origin).post(path).query(query ? true : {}).times(2).reply(500, 'busy');
    await create(url).send(sampleAlert());
    expect(scope.pendingMocks()).toHaveLength(1);
  });
});

describe('createAxiosPost on a real socket', () => {
  let silent: Server;
  let port = 0;
  beforeAll(async () => {
    // Accepts the request and never answers.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    port = (silent.address() as AddressInfo).port;
  });
  afterAll(() => {
    silent.closeAllConnections();
    return new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('times out a receiver that never answers', async () => {
    const outcome = await createAxiosPost()({ url: `http://127.0.0.1:${port}/hook`, body: '{}', headers: {}, timeoutMs: 150 });
    expect(outcome).toEqual({ kind: 'timeout' });
  });

  it('reports a refused connection as a network error, retryable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const url = `http://127.0.0.1:${closedPort}/hook?sig=abcdef`;
    const result = await postAlert({ http: createAxiosPost(), clock, label: 'Generic', request: { url, body: '{}', headers: {}, timeoutMs: 1_000 } });
    expect(result).toMatchObject({ ok: false, retryable: true });
    if (result.ok) throw new Error('expected a failure');
    expect(result.error).toMatch(new RegExp(`^Generic webhook http://127\\.0\\.0\\.1:${closedPort} could not be reached: ECONNREFUSED`));
    expect(result.error).not.toContain('abcdef');
  });

  it('sends the User-Agent and the given headers', async () => {
    const scope = nock('https://agent.example.test').matchHeader('user-agent', 'ppmat').matchHeader('x-test', '1').post('/').reply(204);
    const outcome = await createAxiosPost()({ url: 'https://agent.example.test/', body: '{}', headers: { 'X-Test': '1' }, timeoutMs: 1_000 });
    expect(outcome).toMatchObject({ kind: 'response', status: 204 });
    expect(scope.isDone()).toBe(true);
  });
});

describe('scrubber', () => {
  it('removes the URL, its path and query and each query value, longest first', () => {
    const url = 'https://h.example.test/a/b/c?sig=SIGVALUE&sp=%2Ftriggers';
    const scrub = scrubber([...urlSecrets(url), 'SECRET-1']);
    expect(scrub(`${url} | /a/b/c | sig=SIGVALUE&sp=%2Ftriggers | SIGVALUE | /triggers | SECRET-1 | h.example.test`)).toBe(
      '[redacted] | [redacted] | [redacted] | [redacted] | [redacted] | [redacted] | h.example.test',
    );
  });
});
