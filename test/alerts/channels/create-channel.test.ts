import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseChannelsConfig } from '../../../src/alerts/channels/channel-config.js';
import { createChannel, createSecretReader, type CreateChannelDeps, type SmtpTransportOptions } from '../../../src/alerts/channels/create-channel.js';
import type { MailTransport } from '../../../src/alerts/channels/email.channel.js';
import type { HttpPost, HttpPostRequest } from '../../../src/alerts/channels/http-post.js';
import { verifyWebhookSignature } from '../../../src/alerts/channels/webhook.channel.js';
import { PpmatError } from '../../../src/errors/catalogue.js';
import { sampleAlert } from './alert-fixtures.js';

const NOW = new Date('2026-03-02T02:00:00.000Z');

function recordingHttp(status = 200): { http: HttpPost; sent: HttpPostRequest[] } {
  const sent: HttpPostRequest[] = [];
  return {
    sent,
    http: async (request) => {
      sent.push(request);
      return { kind: 'response', status, headers: {}, body: '' };
    },
  };
}

function deps(overrides: Partial<CreateChannelDeps> = {}): CreateChannelDeps {
  return { readSecret: createSecretReader({ env: { ITSM_SECRET: 'itsm-signing-secret', SMTP_PASS: 'smtp-pass' } }), clock: () => NOW, ...overrides };
}

describe('createChannel', () => {
  it.each([
    ['teams', { name: 'ops', type: 'teams', url: 'https://flows.example.test/invoke?sig=1' }, '"type":"message"'],
    ['slack', { name: 'ops', type: 'slack', url: 'https://hooks.slack.com/services/T/B/x' }, '"blocks":'],
    ['webhook', { name: 'ops', type: 'webhook', url: 'https://itsm.contoso.com/ppmat', secret: 'env:ITSM_SECRET' }, '"idempotencyKey":'],
  ])('builds a %s channel that posts through the injected http', async (_type, entry, marker) => {
    const [config] = parseChannelsConfig([{ ...entry, minSeverity: 'info', tenants: ['contoso'], timeoutMs: 2_500 }]);
    const { http, sent } = recordingHttp();
    const channel = await createChannel(config!, deps({ http }));
    expect(channel).toMatchObject({ name: 'ops', type: config!.type, minSeverity: 'info', tenants: ['contoso'] });
    await expect(channel.send(sampleAlert())).resolves.toEqual({ ok: true, status: 200 });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ url: entry.url, timeoutMs: 2_500 });
    expect(sent[0]!.body).toContain(marker);
  });

  it('signs generic webhooks with the secret read from its reference', async () => {
    const [config] = parseChannelsConfig([{ name: 'itsm', type: 'webhook', url: 'https://itsm.contoso.com/ppmat', secret: 'env:ITSM_SECRET' }]);
    const { http, sent } = recordingHttp();
    await (await createChannel(config!, deps({ http }))).send(sampleAlert());
    expect(verifyWebhookSignature(sent[0]!.body, sent[0]!.headers['X-Ppmat-Signature'], 'itsm-signing-secret')).toBe(true);
    expect(sent[0]!.headers['X-Ppmat-Timestamp']).toBe(String(NOW.getTime() / 1000));
  });

  it('builds an e-mail channel on the injected SMTP transport, with the password read and STARTTLS required', async () => {
    const [config] = parseChannelsConfig([
      { name: 'mail', type: 'email', timeoutMs: 4_000, email: { host: 'smtp.contoso.com', from: 'ppmat@contoso.com', to: ['a@contoso.com', 'b@contoso.com'], auth: { user: 'ppmat', pass: 'env:SMTP_PASS' } } },
    ]);
    const built: SmtpTransportOptions[] = [];
    const messages: unknown[] = [];
    const transport: MailTransport = { sendMail: async (message) => (messages.push(message), { response: '250 2.0.0 queued' }) };
    const channel = await createChannel(config!, deps({ smtpTransport: (options) => (built.push(options), transport) }));
    expect(built).toEqual([{ host: 'smtp.contoso.com', port: 587, secure: false, requireTLS: true, auth: { user: 'ppmat', pass: 'smtp-pass' }, timeoutMs: 4_000 }]);
    await expect(channel.send(sampleAlert())).resolves.toEqual({ ok: true, status: 250 });
    expect(messages[0]).toMatchObject({ from: 'ppmat@contoso.com', to: ['a@contoso.com', 'b@contoso.com'], subject: '[ppmat] Critical: DLP coverage regressed (Contoso)' });
  });

  it.each([
    ['implicit TLS', { port: 465, secure: true }, false],
    ['a loopback relay', { host: '127.0.0.1', port: 2525 }, false],
  ])('does not ask for STARTTLS over %s', async (_name, settings, requireTLS) => {
    const [config] = parseChannelsConfig([
      { name: 'mail', type: 'email', email: { host: 'smtp.contoso.com', from: 'ppmat@contoso.com', to: ['a@contoso.com'], auth: { user: 'ppmat', pass: 'env:SMTP_PASS' }, ...settings } },
    ]);
    const built: SmtpTransportOptions[] = [];
    await createChannel(config!, deps({ smtpTransport: (options) => (built.push(options), { sendMail: async () => ({}) }) }));
    expect(built[0]!.requireTLS).toBe(requireTLS);
  });

  it('fails with PPMAT_E_CONFIG_INVALID naming the channel and reference when a secret is missing', async () => {
    const [config] = parseChannelsConfig([{ name: 'itsm', type: 'webhook', url: 'https://itsm.contoso.com/ppmat', secret: 'env:NOT_SET' }]);
    const error = await createChannel(config!, deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PpmatError);
    expect((error as PpmatError).code).toBe('PPMAT_E_CONFIG_INVALID');
    expect((error as PpmatError).message).toBe('alert channel "itsm": secret (env:NOT_SET): the environment variable NOT_SET is not set');
  });

  it('refuses an empty secret', async () => {
    const [config] = parseChannelsConfig([{ name: 'itsm', type: 'webhook', url: 'https://itsm.contoso.com/ppmat', secret: 'file:/run/secrets/itsm' }]);
    const error = await createChannel(config!, deps({ readSecret: () => '' })).catch((e: unknown) => e);
    expect((error as PpmatError).message).toBe('alert channel "itsm": secret (file:/run/secrets/itsm) is empty.');
  });

  describe('with the default HTTP client', () => {
    beforeAll(() => nock.disableNetConnect());
    afterEach(() => nock.cleanAll());
    afterAll(() => nock.enableNetConnect());

    it('posts with axios when no http is injected', async () => {
      const scope = nock('https://flows.example.test').post('/invoke').query(true).reply(202);
      const [config] = parseChannelsConfig([{ name: 'ops', type: 'teams', url: 'https://flows.example.test/invoke?sig=1' }]);
      await expect((await createChannel(config!, deps())).send(sampleAlert())).resolves.toEqual({ ok: true, status: 202 });
      expect(scope.isDone()).toBe(true);
    });
  });
});

describe('createSecretReader', () => {
  it('reads env: references from the environment', async () => {
    await expect(createSecretReader({ env: { A: 'value' } })('env:A')).resolves.toBe('value');
  });

  it('reads file: references, without the trailing line break an editor adds', async () => {
    const read = createSecretReader({ env: {}, readText: async (path) => (path === '/run/secrets/itsm' ? 'file-secret\n' : '') });
    await expect(read('file:/run/secrets/itsm')).resolves.toBe('file-secret');
  });

  it('names the file and the error code when a file cannot be read, never its content', async () => {
    const read = createSecretReader({
      env: {},
      readText: async () => {
        throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      },
    });
    await expect(read('file:/run/secrets/itsm')).rejects.toThrow('cannot read /run/secrets/itsm: EACCES');
  });

  it('refuses what is not a reference', async () => {
    await expect(createSecretReader({ env: {} })('hunter2')).rejects.toThrow('is not a reference (env:NAME or file:/path)');
  });
});
