import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveDirectoryObjects, type ResolveDirectoryObjectsOptions } from '../../src/collectors/directory-objects.js';
import { collectorContext, GRAPH } from './collector-context.js';

const BATCH = '/v1.0/$batch';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

interface SubRequest {
  id: string;
  method: string;
  url: string;
}
interface SubResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A user id whose last block encodes n (so tests can tell ids apart). */
const guid = (n: number) => `4e5f6a7b-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const objectId = (url: string) => /^\/directoryObjects\/([^?]+)\?\$select=id,accountEnabled$/.exec(url)?.[1] ?? 'no-match';

/** Answers one `$batch` POST per call with `answer(objectId)` for each sub-request; records what was sent. */
function batch(answer: (id: string) => SubResponse, sent: SubRequest[][] = []) {
  return nock(GRAPH)
    .post(BATCH, (body: { requests?: SubRequest[] }) => Array.isArray(body.requests))
    .reply(200, (_uri, body) => {
      const requests = (body as { requests: SubRequest[] }).requests;
      sent.push(requests);
      return { responses: requests.map((r) => ({ id: r.id, ...answer(objectId(r.url)) })).reverse() };
    });
}

const user = (id: string, accountEnabled = true): SubResponse => ({
  status: 200,
  headers: { 'Content-Type': 'application/json' },
  body: { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directoryObjects(id,accountEnabled)/$entity', '@odata.type': '#microsoft.graph.user', id, accountEnabled },
});
const notFound: SubResponse = { status: 404, body: { error: { code: 'Request_ResourceNotFound', message: 'Resource does not exist or one of its queried reference-property objects are not present.' } } };
const DENIED_BODY = { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } };
const denied: SubResponse = { status: 403, body: DENIED_BODY };
const throttled = (seconds: string): SubResponse => ({ status: 429, headers: { 'Retry-After': seconds }, body: { error: { code: 'TooManyRequests', message: 'Too many requests.' } } });

function rig(options: Partial<ResolveDirectoryObjectsOptions> = {}) {
  const { ctx, sleeps } = collectorContext();
  const waits: number[] = [];
  const opts: ResolveDirectoryObjectsOptions = {
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...options,
  };
  return { graph: ctx.graph, stats: ctx.http.stats, sleeps, waits, opts };
}

describe('resolveDirectoryObjects', () => {
  it('answers 200, 404, 403 and a throttled lookup in one batch; the 429 is retried after its Retry-After', async () => {
    const [alive, disabled, group, gone, refused, busy] = [1, 2, 3, 4, 5, 6].map(guid) as [string, string, string, string, string, string];
    let busyCalls = 0;
    const sent: SubRequest[][] = [];
    const answer = (id: string): SubResponse => {
      if (id === alive) return user(id);
      if (id === disabled) return user(id, false);
      if (id === group) return { status: 200, body: { '@odata.type': '#microsoft.graph.group', id } };
      if (id === gone) return notFound;
      if (id === refused) return denied;
      busyCalls += 1;
      return busyCalls === 1 ? throttled('7') : user(id);
    };
    batch(answer, sent);
    batch(answer, sent);
    const { graph, stats, waits, opts } = rig();
    const result = await resolveDirectoryObjects(graph, [alive, disabled, group, gone, refused, busy], opts);
    expect(Object.fromEntries(result)).toEqual({
      [alive]: { status: 'exists', accountEnabled: true, type: 'user' },
      [disabled]: { status: 'exists', accountEnabled: false, type: 'user' },
      [group]: { status: 'exists', accountEnabled: null, type: 'group' },
      [gone]: { status: 'deleted' },
      [refused]: { status: 'unknown', reason: expect.stringMatching(/answered 403 inside a Graph \$batch: the app lacks the Microsoft Graph application permission Directory\.Read\.All \(User\.Read\.All reads users only\).*Authorization_RequestDenied/) },
      [busy]: { status: 'exists', accountEnabled: true, type: 'user' },
    });
    expect(sent.map((s) => s.length)).toEqual([6, 1]);
    expect(sent[0]?.[0]).toEqual({ id: '1', method: 'GET', url: `/directoryObjects/${alive}?$select=id,accountEnabled` });
    expect(sent[1]?.map((r) => objectId(r.url))).toEqual([busy]);
    expect(waits).toEqual([7000]);
    // Two batch POSTs, each counted on the run's stats like any Graph request; the throttled sub-request too.
    expect(stats).toMatchObject({ requests: 2, throttled: 1, throttledMs: 7000, retries: 1 });
  });

  it('splits more than 20 ids into batches of at most 20, a few in flight, reporting progress per batch', async () => {
    const ids = Array.from({ length: 45 }, (_, i) => guid(i + 1));
    const sent: SubRequest[][] = [];
    for (let i = 0; i < 3; i += 1) batch((id) => (Number.parseInt(id.slice(-12), 16) % 5 === 0 ? notFound : user(id)), sent);
    const progress: number[] = [];
    const { graph, stats, opts } = rig({ concurrency: 2, onBatch: (done) => progress.push(done) });
    const result = await resolveDirectoryObjects(graph, ids, opts);
    expect(result.size).toBe(45);
    expect(sent.map((s) => s.length).sort((a, b) => a - b)).toEqual([5, 20, 20]);
    expect(sent.every((s) => s.every((r, i) => r.id === String(i + 1)))).toBe(true);
    expect([...result.values()].filter((s) => s.status === 'deleted')).toHaveLength(9);
    expect(progress).toHaveLength(3);
    expect(progress.at(-1)).toBe(45);
    expect(stats.requests).toBe(3);
    expect(nock.isDone()).toBe(true);
  });

  it('looks up each id once: duplicates and other spellings share the answer; non-GUIDs are unknown without a request', async () => {
    const id = guid(7);
    const sent: SubRequest[][] = [];
    batch((x) => user(x), sent);
    const { graph, opts } = rig();
    const result = await resolveDirectoryObjects(graph, [id, id.toUpperCase(), id, 'not-a-guid', '', 'Everyone'], opts);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.map((r) => objectId(r.url))).toEqual([id]);
    expect(result.get(id)).toEqual({ status: 'exists', accountEnabled: true, type: 'user' });
    expect(result.get(id.toUpperCase())).toEqual(result.get(id));
    expect(result.get('not-a-guid')).toEqual({ status: 'unknown', reason: "'not-a-guid' is not a directory object id (a GUID), so it was not looked up." });
    expect(result.get('')).toMatchObject({ status: 'unknown' });
    expect(result.get('Everyone')).toMatchObject({ status: 'unknown' });
  });

  it('no ids: no request', async () => {
    const { graph, stats, opts } = rig();
    expect((await resolveDirectoryObjects(graph, [], opts)).size).toBe(0);
    expect((await resolveDirectoryObjects(graph, ['x'], opts)).get('x')).toMatchObject({ status: 'unknown' });
    expect(stats.requests).toBe(0);
  });

  it('a sub-request throttled on every try is unknown after the bounded retries', async () => {
    const id = guid(9);
    for (let i = 0; i < 4; i += 1) batch(() => throttled('2'));
    const { graph, waits, opts } = rig();
    const result = await resolveDirectoryObjects(graph, [id], opts);
    expect(result.get(id)).toEqual({ status: 'unknown', reason: expect.stringMatching(/was still throttled \(429\) inside a Graph \$batch after 3 retries/) });
    expect(waits).toEqual([2000, 2000, 2000]);
    expect(nock.isDone()).toBe(true);
  });

  it('a failing sub-request (5xx) without Retry-After is retried with backoff, then succeeds', async () => {
    const id = guid(10);
    let calls = 0;
    batch(() => ((calls += 1) === 1 ? { status: 503, body: { error: { code: 'ServiceUnavailable', message: 'x' } } } : user(id)));
    batch(() => user(id));
    const { graph, waits, opts } = rig();
    expect((await resolveDirectoryObjects(graph, [id], opts)).get(id)).toMatchObject({ status: 'exists' });
    expect(waits).toEqual([1000]);
  });

  it('a whole batch answered 429 is waited out (Retry-After) and retried by the Graph client', async () => {
    const id = guid(11);
    nock(GRAPH).post(BATCH).reply(429, { error: { code: 'TooManyRequests', message: 'Slow down.' } }, { 'Retry-After': '4' });
    batch(() => user(id));
    const { graph, stats, sleeps, opts } = rig();
    expect((await resolveDirectoryObjects(graph, [id], opts)).get(id)).toMatchObject({ status: 'exists' });
    expect(sleeps).toEqual([4000]);
    expect(stats).toMatchObject({ requests: 2, throttled: 1, throttledMs: 4000 });
  });

  it('a whole batch answered 5xx is retried by the Graph client', async () => {
    const id = guid(12);
    nock(GRAPH).post(BATCH).reply(500);
    batch(() => notFound);
    const { graph, stats, opts } = rig();
    expect((await resolveDirectoryObjects(graph, [id], opts)).get(id)).toEqual({ status: 'deleted' });
    expect(stats.retries).toBe(1);
  });

  it('a batch refused with 403 makes its ids unknown and sends no further batch', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => guid(100 + i));
    nock(GRAPH).post(BATCH).reply(403, DENIED_BODY);
    const { graph, stats, opts } = rig({ concurrency: 1 });
    const result = await resolveDirectoryObjects(graph, ids, opts);
    expect(result.size).toBe(30);
    expect([...result.values()].every((s) => s.status === 'unknown' && /answered 403/.test(s.reason))).toBe(true);
    expect(stats.requests).toBe(1);
  });

  it('when every lookup of a batch is refused (403), the permission is missing: further batches are not sent', async () => {
    const ids = Array.from({ length: 25 }, (_, i) => guid(200 + i));
    batch(() => denied);
    const { graph, stats, opts } = rig({ concurrency: 1 });
    const result = await resolveDirectoryObjects(graph, ids, opts);
    expect(stats.requests).toBe(1);
    expect(result.get(ids[0]!)).toMatchObject({ status: 'unknown', reason: expect.stringContaining('answered 403 inside a Graph $batch') });
    expect(result.get(ids[24]!)).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/^Not looked up: Graph refused every directory lookup .*Directory\.Read\.All/) });
  });

  it.each([
    ['not JSON', 'not json at all'],
    ['no responses list', JSON.stringify({ value: [] })],
    ['a response without a status', JSON.stringify({ responses: [{ id: '1' }] })],
  ])('a malformed batch answer (%s) makes its ids unknown, not an exception', async (_what, body) => {
    const id = guid(13);
    nock(GRAPH).post(BATCH).reply(200, body, { 'Content-Type': 'application/json' });
    const { graph, opts } = rig();
    expect((await resolveDirectoryObjects(graph, [id], opts)).get(id)).toEqual({ status: 'unknown', reason: expect.stringMatching(/POST .*\$batch answered 200 with a body that is not/) });
  });

  it('a sub-request missing from the answer is unknown', async () => {
    const [a, b] = [guid(14), guid(15)];
    nock(GRAPH).post(BATCH).reply(200, { responses: [{ id: '1', status: 404, body: {} }] });
    const { graph, opts } = rig();
    const result = await resolveDirectoryObjects(graph, [a, b], opts);
    expect(result.get(a)).toEqual({ status: 'deleted' });
    expect(result.get(b)).toMatchObject({ status: 'unknown', reason: expect.stringContaining('has no response') });
  });

  it('rejects with PPMAT_E_ABORTED when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const { graph, opts } = rig({ signal: controller.signal });
    await expect(resolveDirectoryObjects(graph, [guid(16)], opts)).rejects.toMatchObject({ code: 'PPMAT_E_ABORTED' });
  });
});
