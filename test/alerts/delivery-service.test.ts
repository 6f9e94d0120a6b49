/**
 * The service's alert delivery: built from `alerts.channels`, polling the outbox until the
 * service's signal aborts; a channel secret that cannot be read stops it before anything starts.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChannelsConfig } from '../../src/alerts/channels/channel-config.js';
import type { HttpPostRequest } from '../../src/alerts/channels/http-post.js';
import { startAlertDelivery } from '../../src/alerts/delivery-service.js';
import { insertAlert, insertMessage } from '../support/alert-rows.js';
import { FakeClock, until } from '../support/fake-clock.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

const URL = 'https://hooks.example/services/T000/B000/service-secret-path';
const channels = parseChannelsConfig([{ name: 'ops', type: 'slack', url: URL }]);

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.dispose();
});

function capture() {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }));
  return { log, lines };
}

describe('startAlertDelivery', () => {
  it('delivers due messages through the configured channels until the signal aborts', async () => {
    const clock = new FakeClock(Date.parse('2026-03-02T02:00:00.000Z'));
    const { id } = await insertMessage(db.prisma, await insertAlert(db.prisma), { channel: 'ops', nextAttemptAt: new Date(clock.now()) });
    const posted: HttpPostRequest[] = [];
    const http = async (request: HttpPostRequest) => (posted.push(request), { kind: 'response' as const, status: 200, headers: {}, body: 'ok' });
    const controller = new AbortController();
    const { log, lines } = capture();
    const delivery = await startAlertDelivery({ config: { alerts: { channels, claimSeconds: 600 } }, db }, log, controller.signal, {
      env: {},
      clock: () => new Date(clock.now()),
      intervalMs: 15_000,
      channelDeps: { http },
      dispatcher: { sleep: clock.sleep },
    });
    expect(delivery.channels).toEqual(['ops']);
    await until(() => clock.pending === 1, 10_000);
    expect(posted).toHaveLength(1);
    expect((await db.prisma.alertMessage.findUniqueOrThrow({ where: { id } })).status).toBe('delivered');

    controller.abort();
    await delivery.stop();
    expect(clock.pending).toBe(0);
    const text = lines.join('');
    expect(text).toContain('"msg":"alert delivery started"');
    expect(text).toContain('"msg":"alert delivery stopped"');
    expect(text).not.toContain('service-secret-path');
  });

  it('refuses to start when a channel secret cannot be read', async () => {
    const webhook = parseChannelsConfig([{ name: 'siem', type: 'webhook', url: 'https://siem.example/in', secret: 'env:PPMAT_MISSING_SECRET' }]);
    const { log } = capture();
    await expect(startAlertDelivery({ config: { alerts: { channels: webhook, claimSeconds: 600 } }, db }, log, new AbortController().signal, { env: {} })).rejects.toMatchObject({
      code: 'PPMAT_E_CONFIG_INVALID',
      message: 'alert channel "siem": secret (env:PPMAT_MISSING_SECRET): the environment variable PPMAT_MISSING_SECRET is not set',
    });
  });

  it('does not start when the service is already stopping', async () => {
    const controller = new AbortController();
    controller.abort();
    const clock = new FakeClock();
    const { log } = capture();
    const delivery = await startAlertDelivery({ config: { alerts: { channels, claimSeconds: 600 } }, db }, log, controller.signal, { env: {}, dispatcher: { sleep: clock.sleep } });
    await delivery.stop();
    expect(clock.sleeps).toEqual([]);
  });
});
