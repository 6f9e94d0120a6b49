import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpPostRequest } from '../../../src/alerts/channels/http-post.js';
import { createWebhookChannel, formatWebhookRequest, signWebhookBody, verifyWebhookSignature } from '../../../src/alerts/channels/webhook.channel.js';
import { hostileAlert, sampleAlert } from './alert-fixtures.js';

const SECRET = 'whsec-T0pS3cret-value';
const NOW = new Date('2026-03-02T02:00:05.250Z');

describe('formatWebhookRequest', () => {
  const alert = sampleAlert();
  const { body, headers } = formatWebhookRequest(alert, SECRET, NOW);

  it('sends the alert itself as JSON', () => {
    expect(body).toBe(JSON.stringify(alert));
    expect(JSON.parse(body)).toEqual(alert);
  });

  it('sets the content type, signature, timestamp and idempotency key', () => {
    expect(headers).toEqual({
      'Content-Type': 'application/json',
      'X-Ppmat-Signature': `sha256=${createHmac('sha256', SECRET).update(Buffer.from(body, 'utf8')).digest('hex')}`,
      'X-Ppmat-Timestamp': '1772416805',
      'Idempotency-Key': 'alert-dlp-coverage-finance.raised.1',
    });
  });

  it('signs the UTF-8 bytes of a body with non-ASCII evidence', () => {
    const hostile = formatWebhookRequest(hostileAlert(), SECRET, NOW);
    expect(hostile.headers['X-Ppmat-Signature']).toBe(signWebhookBody(Buffer.from(hostile.body, 'utf8'), SECRET));
    // The body is the alert verbatim: escaping is the receiver's business, JSON carries any string safely.
    expect(JSON.parse(hostile.body)).toEqual(hostileAlert());
  });
});

describe('verifyWebhookSignature (what a receiver does)', () => {
  const body = JSON.stringify(sampleAlert());
  const signature = signWebhookBody(body, SECRET);

  it.each([
    ['the right signature', body, signature, SECRET, true],
    ['the right signature over the raw bytes', Buffer.from(body), signature, SECRET, true],
    ['another secret', body, signature, 'another-secret', false],
    ['a body changed by one byte', body.replace('critical', 'warning '), signature, SECRET, false],
    ['a re-serialised body', JSON.stringify(JSON.parse(body), null, 2), signature, SECRET, false],
    ['a truncated signature', body, signature.slice(0, -1), SECRET, false],
    ['the bare hex, without sha256=', body, signature.slice('sha256='.length), SECRET, false],
    ['no signature', body, undefined, SECRET, false],
  ])('%s', (_name, raw, header, secret, expected) => {
    expect(verifyWebhookSignature(raw, header, secret)).toBe(expected);
  });
});

describe('createWebhookChannel', () => {
  let received: { body: Buffer; headers: IncomingHttpHeaders }[] = [];
  let status = 200;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ body: Buffer.concat(chunks), headers: request.headers });
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'stored' : `refused ${request.url} with secret ${SECRET}`);
    });
  });
  let url = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/ppmat?token=PathToken42`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('posts bytes whose signature a receiver verifies, over a real socket', async () => {
    received = [];
    status = 200;
    const alert = hostileAlert();
    const result = await createWebhookChannel({ url, secret: SECRET, clock: () => NOW }).send(alert);
    expect(result).toEqual({ ok: true, status: 200 });
    const [request] = received;
    expect(request).toBeDefined();
    expect(verifyWebhookSignature(request!.body, request!.headers['x-ppmat-signature'] as string, SECRET)).toBe(true);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['x-ppmat-timestamp']).toBe('1772416805');
    expect(request!.headers['idempotency-key']).toBe(alert.idempotencyKey);
    expect(JSON.parse(request!.body.toString('utf8'))).toEqual(alert);
  });

  it('never puts the secret or the URL’s path and query in an error, even when the receiver echoes them', async () => {
    received = [];
    status = 401;
    const result = await createWebhookChannel({ url, secret: SECRET, clock: () => NOW }).send(sampleAlert());
    expect(result).toMatchObject({ ok: false, retryable: false, status: 401 });
    if (result.ok) throw new Error('expected a failure');
    const origin = new URL(url).origin;
    expect(result.error).toBe(`Generic webhook ${origin} answered 401: "refused [redacted] with secret [redacted]".`);
  });

  it('refuses, without sending, an idempotency key that is not a header value', async () => {
    const sent: HttpPostRequest[] = [];
    const channel = createWebhookChannel({
      url,
      secret: SECRET,
      http: async (request) => {
        sent.push(request);
        return { kind: 'response', status: 200, headers: {}, body: '' };
      },
    });
    const result = await channel.send(sampleAlert({ idempotencyKey: 'key\r\nX-Injected: 1' }));
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(sent).toEqual([]);
  });
});
