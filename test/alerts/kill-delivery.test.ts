/**
 * An alert written to the outbox survives the process that should deliver it: the `ppmat
 * alerts deliver` process is killed (SIGKILL) while its request is in flight, a new process
 * delivers the message once its claim ran out, with the same Idempotency-Key, and a third
 * process sends nothing (a delivered message is never sent again). The receiver, which
 * deduplicates by Idempotency-Key as receivers are asked to, processes the alert exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { PACKAGE_ROOT } from '../../src/store/paths.js';
import { insertAlert, insertMessage } from '../support/alert-rows.js';

const BIN = path.join(PACKAGE_ROOT, 'bin', 'ppmat.js');
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ppmat-kill-delivery-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A webhook receiver: holds the first request open (never answers it), accepts the others, and processes each Idempotency-Key once. */
async function receiver() {
  const requests: string[] = [];
  const processed = new Set<string>();
  const held: ServerResponse[] = [];
  let firstArrived: () => void = () => undefined;
  const first = new Promise<void>((resolve) => (firstArrived = resolve));
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      const key = String(request.headers['idempotency-key']);
      requests.push(key);
      if (requests.length === 1) {
        held.push(response);
        firstArrived();
        return;
      }
      processed.add(key);
      response.writeHead(200).end('ok');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    requests,
    processed,
    first,
    close: () => {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function deliver(): { child: ChildProcess; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, 'alerts', 'deliver'], {
    cwd: dir,
    env: { ...process.env, PPMAT_DATA_DIR: path.join(dir, 'data'), HOOK_SECRET: 'kill-test-secret', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exit = once(child, 'exit').then(([code]) => {
    if (code !== 0 && code !== null) throw new Error(`ppmat alerts deliver exited ${String(code)}: ${output}`);
    return code as number | null;
  });
  return { child, exit };
}

describe('a delivery process killed mid-send', () => {
  it('leaves the message to the next process, which delivers it once with the same key', { timeout: 120_000 }, async () => {
    const hook = await receiver();
    try {
      await writeFile(
        path.join(dir, 'ppmat.yaml'),
        ['alerts:', '  claimSeconds: 1', '  channels:', `    - { name: ops-webhook, type: webhook, url: "${hook.url}", secret: "env:HOOK_SECRET", minSeverity: info }`, ''].join('\n'),
      );
      // The alert is written, as a scan's results transaction writes it.
      const db = await openDatabase({ dataDir: path.join(dir, 'data'), log: pino({ level: 'silent' }) });
      let messageId: number;
      let key: string;
      try {
        const alertId = await insertAlert(db.prisma);
        ({ id: messageId, idempotencyKey: key } = await insertMessage(db.prisma, alertId));
      } finally {
        await db.close();
      }

      const killed = deliver();
      await hook.first;
      killed.child.kill('SIGKILL');
      expect(await killed.exit).toBeNull();
      expect(hook.requests).toEqual([key]);

      await new Promise((resolve) => setTimeout(resolve, 1_200)); // the dead process's claim runs out
      await deliver().exit;
      await deliver().exit;

      expect(hook.requests).toEqual([key, key]);
      expect([...hook.processed]).toEqual([key]);
      const after = await openDatabase({ dataDir: path.join(dir, 'data'), log: pino({ level: 'silent' }) });
      try {
        const message = await after.prisma.alertMessage.findUniqueOrThrow({ where: { id: messageId }, include: { deliveries: true } });
        expect(message.status).toBe('delivered');
        // The killed attempt was never recorded; the one that was accepted is.
        expect(message.deliveries.map((d) => [d.ok, d.httpStatus])).toEqual([[true, 200]]);
      } finally {
        await after.close();
      }
    } finally {
      await hook.close();
    }
  });
});
