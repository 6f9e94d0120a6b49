/**
 * `ppmat alerts`, `alerts deliver` and `alerts requeue` in-process, against a webhook receiver
 * on 127.0.0.1: the list shows each message's state, a run delivers what is due and fails a
 * message whose channel is gone, a failed message can be requeued, and a secret that cannot be
 * read stops the run before anything is sent. Neither the secret nor the URL's path is printed.
 */
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../src/alerts/channels/webhook.channel.js';
import { demoTenantId } from '../../src/simulator/tenant-model.js';
import { insertAlert, insertMessage } from '../support/alert-rows.js';
import { useCliSandbox } from '../support/cli-harness.js';

const sandbox = useCliSandbox('ppmat-alerts-');
const cli = sandbox.cli;

const SECRET = 'whsec-cli-test-0123456789';
const HOOK_PATH = '/hooks/cli/secret-path';
let server: Server;
let url: string;
const bodies: { body: string; signed: boolean }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const signature = request.headers['x-ppmat-signature'];
      const signed = verifyWebhookSignature(body, typeof signature === 'string' ? signature : undefined, SECRET);
      bodies.push({ body, signed });
      response.writeHead(signed ? 200 : 401).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${HOOK_PATH}`;
});
afterAll(() => {
  server?.close();
});

async function configure(): Promise<void> {
  const yaml = ['log:', '  level: warn', 'alerts:', '  channels:', '    - name: ops-webhook', '      type: webhook', `      url: ${url}`, '      secret: env:PPMAT_HOOK_SECRET', '      minSeverity: info', ''].join('\n');
  await writeFile(path.join(sandbox.dir, 'ppmat.yaml'), yaml);
}

const withDatabase = sandbox.withDatabase;

const demoTenant = () => ({ id: demoTenantId(42), displayName: 'Demo tenant (defined profile)' });

describe('ppmat alerts', () => {
  it('lists alerts with their messages, delivers what is due, fails a message of a removed channel, and requeues it', async () => {
    await configure();
    sandbox.env.PPMAT_HOOK_SECRET = SECRET;
    const empty = await cli('alerts');
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toBe('Open alerts of every tenant: none.\n');

    const now = new Date();
    const ids = await withDatabase(async (db) => {
      const open = await insertAlert(db.prisma, { tenant: demoTenant(), title: 'DLP coverage regressed' });
      const resolved = await insertAlert(db.prisma, { tenant: { id: 'fabrikam.onmicrosoft.com', displayName: 'Fabrikam' }, status: 'resolved', title: 'Tenant isolation was off' });
      return {
        open,
        resolved,
        hook: (await insertMessage(db.prisma, open, { channel: 'ops-webhook', nextAttemptAt: now })).id,
        gone: (await insertMessage(db.prisma, open, { channel: 'retired-teams', nextAttemptAt: now })).id,
        old: (await insertMessage(db.prisma, resolved, { channel: 'ops-webhook', nextAttemptAt: new Date(now.getTime() + 3_600_000) })).id,
      };
    });

    const listed = await cli('alerts');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^Open alerts of every tenant: 1\n\n#\d+ {2}critical {2}open {2}Demo tenant \(defined profile\) \(\S+\) {2}DLP coverage regressed\n/);
    expect(listed.stdout).toContain('    opened 2026-03-02 02:00 UTC by scan #41, last seen in scan #42; key capability:');
    expect(listed.stdout).toMatch(new RegExp(`#${ids.hook} {2}ops-webhook +raised +pending, due now\\n`));
    expect(listed.stdout).toMatch(new RegExp(`#${ids.gone} {2}retired-teams +raised +pending, due now\\n`));
    expect(listed.stdout).not.toContain('Fabrikam');

    const delivered = await cli('alerts', 'deliver');
    expect(delivered.code, delivered.stderr).toBe(0);
    expect(delivered.stdout).toContain(`Delivered #${ids.hook} (alert #${ids.open}, raised) to ops-webhook on attempt 1 (200).`);
    expect(delivered.stdout).toContain(`Failed #${ids.gone} (alert #${ids.open}, raised) to retired-teams: channel 'retired-teams' is not configured any more`);
    expect(delivered.stdout).toContain('Delivered 1, to retry 0, failed 1.');
    expect(delivered.stdout).toContain('1 message waits for a later attempt; `ppmat alerts --status all` shows when.');
    expect(bodies).toHaveLength(1);
    expect(bodies[0]!.signed).toBe(true);

    const all = await cli('alerts', '--status', 'all');
    expect(all.stdout).toMatch(/^Alerts of every tenant: 2\n/);
    expect(all.stdout).toMatch(new RegExp(`#${ids.hook} {2}ops-webhook +raised +delivered \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC \\(1 attempt\\)\\n`));
    expect(all.stdout).toMatch(new RegExp(`#${ids.gone} {2}retired-teams +raised +failed, never sent: channel 'retired-teams' is not configured any more\\n`));
    expect(all.stdout).toMatch(new RegExp(`#${ids.old} {2}ops-webhook +raised +pending, next attempt \\d{4}-`));
    expect(all.stdout).toContain('resolved 2026-03-03 02:00 UTC by scan #43');

    const demo = await cli('alerts', '--demo', '--status', 'resolved');
    expect(demo.stdout).toBe(`Resolved alerts of Demo tenant (defined profile) (${demoTenant().id}): none.\n`);

    const requeued = await cli('alerts', 'requeue', String(ids.gone));
    expect(requeued.code, requeued.stderr).toBe(0);
    expect(requeued.stdout).toBe(`Requeued message #${ids.gone}: it is due now; \`ppmat alerts deliver\` or the service sends it.\n`);
    const refused = await cli('alerts', 'requeue', String(ids.hook));
    expect(refused.code).toBe(4);
    expect(refused.stderr).toBe(`ppmat: message #${ids.hook} is delivered; only a failed message can be requeued.\n`);

    for (const output of [empty, listed, delivered, all, requeued, refused]) {
      expect(output.stdout + output.stderr).not.toContain(SECRET);
      expect(output.stdout + output.stderr).not.toContain(HOOK_PATH);
    }
  });

  it('stops before sending anything when a channel secret cannot be read', async () => {
    await configure();
    const before = bodies.length;
    const run = await cli('alerts', 'deliver');
    expect(run.code).toBe(4);
    expect(run.stderr).toBe('ppmat: PPMAT_E_CONFIG_INVALID: alert channel "ops-webhook": secret (env:PPMAT_HOOK_SECRET): the environment variable PPMAT_HOOK_SECRET is not set\n');
    expect(bodies.length).toBe(before);
  });

  it('refuses --demo with --tenant, and an unknown tenant', async () => {
    const both = await cli('alerts', '--demo', '--tenant', 'x');
    expect(both.code).toBe(4);
    expect(both.stderr).toContain('give either --demo or --tenant, not both.');
    const unknown = await cli('alerts', '--tenant', 'nobody.onmicrosoft.com');
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('no tenant nobody.onmicrosoft.com is configured (configured: none).');
  });
});
