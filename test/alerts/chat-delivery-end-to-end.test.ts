/**
 * Teams and Slack end to end: channels built from configuration post, through real HTTP, to a
 * receiver on 127.0.0.1 that is first down (connection refused), then answers 500, then
 * accepts. Each attempt is recorded, the payload has the channel's shape, and the message is
 * delivered once.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChannels } from '../../src/alerts/build-channels.js';
import { parseChannelsConfig } from '../../src/alerts/channels/channel-config.js';
import { createDeliveryBackoff } from '../../src/alerts/delivery-policy.js';
import { createDispatcher } from '../../src/alerts/dispatcher.js';
import { createOutboxRepository } from '../../src/store/outbox-repository.js';
import { insertAlert, insertMessage } from '../support/alert-rows.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.dispose();
});

/** A port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe.each([
  ['teams', 202, (body: Record<string, unknown>) => expect(body).toMatchObject({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard' } }] })],
  ['slack', 200, (body: Record<string, unknown>) => {
    expect(Array.isArray(body.blocks)).toBe(true);
    expect(String(body.text)).toContain('Tenant isolation was turned off');
  }],
] as const)('%s delivery end to end', (type, accepted, checkShape) => {
  it('retries while the receiver is down and while it answers 500, then delivers once', async () => {
    let now = new Date('2026-03-02T02:00:00.000Z');
    const clock = () => now;
    const port = await freePort();
    const configs = parseChannelsConfig([{ name: `chat-${type}`, type, url: `http://127.0.0.1:${port}/webhook`, timeoutMs: 5_000 }]);
    const channels = await buildChannels(configs, { env: {}, clock: () => new Date() });
    const outbox = createOutboxRepository(db.prisma, { clock });
    const dispatcher = createDispatcher({ outbox, channels, clock, log: pino({ level: 'silent' }), backoff: createDeliveryBackoff({ random: () => 0.5 }) });
    const { id } = await insertMessage(db.prisma, await insertAlert(db.prisma), { channel: `chat-${type}`, nextAttemptAt: now });

    const round = async () => {
      const report = await dispatcher.runOnce();
      expect(report.claimed).toBe(1);
      const delivery = report.deliveries[0]!;
      if (delivery.nextAttemptAt) now = delivery.nextAttemptAt;
      return `${delivery.outcome} ${delivery.status ?? '-'}`;
    };
    const outcomes = [await round()]; // down: connection refused

    const bodies: unknown[] = [];
    const answers = [500, accepted];
    const server: Server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        response.writeHead(answers.shift() ?? accepted).end();
      });
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    try {
      outcomes.push(await round(), await round());
    } finally {
      server.close();
    }
    expect(outcomes).toEqual(['retry -', 'retry 500', `delivered ${accepted}`]);
    expect(bodies).toHaveLength(2);
    checkShape(bodies[1] as Record<string, unknown>);
    const attempts = await outbox.attempts(id);
    expect(attempts.map((a) => [a.ok, a.httpStatus, a.retryable])).toEqual([
      [false, null, true],
      [false, 500, true],
      [true, accepted, false],
    ]);
    expect((await db.prisma.alertMessage.findUniqueOrThrow({ where: { id } })).status).toBe('delivered');
    expect((await dispatcher.runOnce()).claimed).toBe(0);
  });
});
