/**
 * End to end: a generic webhook channel built from configuration posts, through real HTTP, to
 * a receiver on 127.0.0.1 that answers 500 twice, then 200. The receiver verifies every
 * signature on the raw body; three attempts are recorded and the message is delivered once.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChannels } from '../../src/alerts/build-channels.js';
import { parseChannelsConfig } from '../../src/alerts/channels/channel-config.js';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verifyWebhookSignature } from '../../src/alerts/channels/webhook.channel.js';
import { createDeliveryBackoff } from '../../src/alerts/delivery-policy.js';
import { createDispatcher } from '../../src/alerts/dispatcher.js';
import { createOutboxRepository } from '../../src/store/outbox-repository.js';
import { insertAlert, insertMessage } from '../support/alert-rows.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

const SECRET = 'whsec-end-to-end-0123456789';
const HOOK_PATH = '/hooks/ppmat/path-is-a-credential';

interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
  signed: boolean;
}

let db: TestDatabase;
let server: Server;
let url: string;
const received: Received[] = [];
const answers = [500, 500, 200];

beforeAll(async () => {
  db = await openTestDatabase();
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const signature = request.headers[SIGNATURE_HEADER.toLowerCase()];
      const signed = verifyWebhookSignature(body, typeof signature === 'string' ? signature : undefined, SECRET);
      received.push({ headers: request.headers, body, signed });
      const status = signed ? (answers.shift() ?? 200) : 401;
      response.writeHead(status, { 'Content-Type': 'text/plain' }).end(status === 200 ? 'stored' : 'try later');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${HOOK_PATH}`;
});
afterAll(async () => {
  server?.close();
  await db?.dispose();
});

describe('webhook delivery end to end', () => {
  it('retries 500s, delivers on the 200 with a valid signature every time, and records three attempts', async () => {
    let now = new Date('2026-03-02T02:00:00.000Z');
    const clock = () => now;
    const configs = parseChannelsConfig([{ name: 'siem', type: 'webhook', url, secret: 'env:PPMAT_E2E_WEBHOOK_SECRET', timeoutMs: 5_000 }]);
    const channels = await buildChannels(configs, { env: { PPMAT_E2E_WEBHOOK_SECRET: SECRET }, clock: () => new Date() });
    const logs: string[] = [];
    const log = pino({ level: 'debug' }, new Writable({ write: (chunk: Buffer, _e, done) => (logs.push(chunk.toString()), done()) }));
    const outbox = createOutboxRepository(db.prisma, { clock });
    const dispatcher = createDispatcher({ outbox, channels, clock, log, backoff: createDeliveryBackoff({ random: () => 0.5 }) });

    const { id, idempotencyKey } = await insertMessage(db.prisma, await insertAlert(db.prisma), { channel: 'siem', nextAttemptAt: now });
    const outcomes: string[] = [];
    for (let round = 0; round < 3; round += 1) {
      const report = await dispatcher.runOnce();
      expect(report.claimed, `round ${round}`).toBe(1);
      const delivery = report.deliveries[0]!;
      outcomes.push(`${delivery.outcome} ${delivery.status}`);
      if (delivery.nextAttemptAt) now = delivery.nextAttemptAt;
    }
    expect(outcomes).toEqual(['retry 500', 'retry 500', 'delivered 200']);

    expect(received).toHaveLength(3);
    expect(received.every((r) => r.signed)).toBe(true);
    expect(received.map((r) => r.headers[IDEMPOTENCY_HEADER.toLowerCase()])).toEqual([idempotencyKey, idempotencyKey, idempotencyKey]);
    expect(JSON.parse(received[2]!.body.toString('utf8'))).toMatchObject({ idempotencyKey, kind: 'raised', tenant: { displayName: 'Contoso' } });

    const message = await db.prisma.alertMessage.findUniqueOrThrow({ where: { id } });
    expect(message).toMatchObject({ status: 'delivered', attempts: 3, lockedUntil: null, lastError: null });
    const attempts = await outbox.attempts(id);
    expect(attempts.map((a) => [a.ok, a.httpStatus, a.retryable])).toEqual([
      [false, 500, true],
      [false, 500, true],
      [true, 200, false],
    ]);
    expect(attempts[0]!.error).toBe(`Generic webhook ${new URL(url).origin} answered 500: "try later".`);

    // Nothing more to send, and neither the secret nor the URL's path reached a log line.
    expect((await dispatcher.runOnce()).claimed).toBe(0);
    expect(received).toHaveLength(3);
    expect(logs.join('')).not.toContain(SECRET);
    expect(logs.join('')).not.toContain(HOOK_PATH);
  });
});
