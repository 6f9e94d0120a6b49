import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpTransport } from '../../../src/alerts/channels/create-channel.js';
import { createEmailChannel, EMAIL_MAX_CHANGES, formatEmail, type MailTransport } from '../../../src/alerts/channels/email.channel.js';
import { HOSTILE, hostileAlert, SCAN_URL, sampleAlert } from './alert-fixtures.js';

const FROM = 'ppmat <ppmat@contoso.com>';
const TO = ['platform-team@contoso.com'];
const PASSWORD = 'smtp-Passw0rd-value';

/** nodemailer's stream transport: builds the real MIME message and hands it back instead of sending it. */
function streamTransport() {
  return createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
}

async function rawMessage(alert = sampleAlert()): Promise<string> {
  const info = await streamTransport().sendMail(formatEmail(alert, { from: FROM, to: TO }));
  return (info.message as Buffer).toString('utf8');
}

/** Undoes quoted-printable soft breaks and escapes, to search a part's text. */
function decodeQuotedPrintable(text: string): string {
  return Buffer.from(text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))), 'latin1').toString('utf8');
}

/** The body of the text/html part of a raw MIME message. */
function htmlPartOf(raw: string): string {
  const start = raw.indexOf('Content-Type: text/html');
  const body = raw.indexOf('\n\n', start) + 2;
  return raw.slice(body, raw.indexOf('\n--', body));
}

describe('formatEmail', () => {
  const email = formatEmail(sampleAlert(), { from: FROM, to: TO });

  it('has a subject naming severity, title and tenant', () => {
    expect(email.subject).toBe('[ppmat] Critical: DLP coverage regressed (Contoso)');
    expect(formatEmail(sampleAlert({ kind: 'resolved', severity: 'warning' }), { from: FROM, to: TO }).subject).toBe('[ppmat] Warning: Resolved: DLP coverage regressed (Contoso)');
  });

  it('has a plain-text part with the facts, the changes and the link', () => {
    expect(email.text).toBe(
      [
        'DLP coverage regressed',
        'One production environment is no longer covered by a DLP policy.',
        '',
        'Tenant: Contoso (00000000-0000-0000-0000-00000000c0de)',
        'Severity: Critical',
        'Detected: 2026-03-02T02:00:00.000Z',
        'Alert: alert-dlp-coverage-finance',
        '',
        'Changes:',
        "- DLP policy 'Contoso default' no longer covers environment 'Finance Prod'",
        '  Before: covered',
        '  After: not covered',
        '  Evidence: security.dlp-covers-production',
        '',
        `Open the scan: ${SCAN_URL}`,
        '',
      ].join('\n'),
    );
  });

  it('has an HTML part with the same content, escaped', () => {
    expect(email.html).toContain('<h2 style="margin:0 0 8px;border-left:4px solid #c50f1f;padding-left:8px">DLP coverage regressed</h2>');
    expect(email.html).toContain('<tr><th style="padding:2px 12px 2px 0;vertical-align:top;text-align:left">Tenant</th><td style="padding:2px 12px 2px 0;vertical-align:top">Contoso (00000000-0000-0000-0000-00000000c0de)</td></tr>');
    expect(email.html).toContain('<strong>DLP policy &#39;Contoso default&#39; no longer covers environment &#39;Finance Prod&#39;</strong>');
    expect(email.html).toContain(`<a href="${SCAN_URL}">Open the scan</a>`);
  });

  it('derives a stable Message-ID from the idempotency key, in the sender’s domain', () => {
    expect(email.messageId).toMatch(/^<[0-9a-f]{32}@contoso\.com>$/);
    expect(formatEmail(sampleAlert(), { from: FROM, to: TO }).messageId).toBe(email.messageId);
    expect(formatEmail(sampleAlert({ idempotencyKey: 'other' }), { from: FROM, to: TO }).messageId).not.toBe(email.messageId);
  });

  it('marks open critical alerts as high priority and adds the alert id header', () => {
    expect(email.priority).toBe('high');
    expect(formatEmail(sampleAlert({ kind: 'resolved' }), { from: FROM, to: TO }).priority).toBe('normal');
    expect(email.headers).toEqual({ 'X-Ppmat-Alert-Id': 'alert-dlp-coverage-finance', 'X-Ppmat-Alert-Kind': 'raised' });
  });

  it('lists at most 50 changes', () => {
    const changes = Array.from({ length: 53 }, (_, i) => ({ label: `change ${i}` }));
    const many = formatEmail(sampleAlert({ changes }), { from: FROM, to: TO });
    expect(many.text.match(/^- change /gm)).toHaveLength(EMAIL_MAX_CHANGES);
    expect(many.text).toContain('- and 3 more in the scan');
  });

  describe('hostile evidence', () => {
    const hostile = formatEmail(hostileAlert(), { from: FROM, to: TO });

    it('HTML-escapes every value in the HTML part', () => {
      expect(hostile.html).not.toContain('<script>');
      expect(hostile.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(hostile.html).toContain('&lt;!channel&gt; &lt;@U123&gt; @here (&amp;amp;)');
      expect(hostile.html).toContain('&lt;http://evil|click&gt;');
      // Markdown means nothing in HTML: shown as typed.
      expect(hostile.html).toContain('<strong>[x](http://evil)</strong>');
      expect(hostile.html).not.toMatch(/<a href="http:\/\/evil/);
    });

    it('keeps line breaks out of values, so evidence cannot start a line of its own', () => {
      expect(hostile.subject).not.toMatch(/[\r\n]/);
      expect(hostile.text).toContain('  Evidence: Finance Bcc: attacker@evil.example');
      expect(hostile.text).not.toMatch(/^Bcc:/m);
    });

    it('strips bidi and invisible characters, keeps emoji joiners, caps long names', () => {
      expect(hostile.text + hostile.html).not.toMatch(/[\u202E\u200B\uFEFF]/);
      expect(hostile.text).toContain('Evidence: invoicegnp.exe');
      expect(hostile.text).toContain(`Before: ${HOSTILE.zwj}`);
      expect(hostile.text).toContain(`- ${'A'.repeat(199)}…`);
      expect(hostile.html).not.toContain('A'.repeat(200));
      expect(formatEmail(sampleAlert({ title: HOSTILE.long }), { from: FROM, to: TO }).subject.length).toBeLessThanOrEqual(200);
    });

    it('gives no link for a scan URL that is not http(s)', () => {
      const email2 = formatEmail(sampleAlert({ scanUrl: 'javascript:alert(1)' }), { from: FROM, to: TO });
      expect(email2.html).not.toContain('<a ');
      expect(email2.text).not.toContain('Open the scan');
    });
  });
});

describe('the MIME message (nodemailer stream transport)', () => {
  it('is multipart/alternative with a text and an HTML part, and the ppmat headers', async () => {
    const raw = await rawMessage();
    expect(raw).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(raw).toMatch(/^Content-Type: text\/plain; charset=utf-8$/m);
    expect(raw).toMatch(/^Content-Type: text\/html; charset=utf-8$/m);
    expect(raw).toMatch(/^Subject: \[ppmat\] Critical: DLP coverage regressed \(Contoso\)$/m);
    expect(raw).toMatch(/^X-Ppmat-Alert-Id: alert-dlp-coverage-finance$/im);
    expect(raw).toMatch(/^X-Priority: 1 \(Highest\)$/m);
    expect(raw).toMatch(/^Message-ID: <[0-9a-f]{32}@contoso\.com>$/m);
  });

  it('carries hostile evidence without an injected header or tag', async () => {
    const raw = await rawMessage(hostileAlert());
    const headers = raw.slice(0, raw.indexOf('\n\n'));
    expect(headers).not.toMatch(/^Bcc:/im);
    // The text part and the subject show `<script>` as the text it is; the HTML part must not hold the tag.
    const html = decodeQuotedPrintable(htmlPartOf(raw));
    expect(html).toContain('<h2 ');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('is sent by the channel, which reports delivery', async () => {
    const channel = createEmailChannel({ transport: streamTransport(), from: FROM, to: TO });
    await expect(channel.send(sampleAlert())).resolves.toEqual({ ok: true, status: 250 });
  });
});

describe('delivery failures', () => {
  const failing = (error: unknown): MailTransport => ({
    sendMail: async () => {
      throw error;
    },
  });
  const smtpError = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);

  it.each([
    ['a dropped connection', smtpError('Connection closed unexpectedly', { code: 'ECONNECTION' }), { retryable: true }],
    ['a DNS failure', smtpError('getaddrinfo ENOTFOUND smtp.contoso.com', { code: 'EDNS' }), { retryable: true }],
    ['a greeting timeout', smtpError('Greeting never received', { code: 'ETIMEDOUT' }), { retryable: true }],
    ['a cancelled send', smtpError('Message sending aborted', { code: 'EABORT' }), { retryable: true }],
    ['421 service not available', smtpError('421 Try again later', { code: 'EENVELOPE', responseCode: 421 }), { retryable: true, status: 421 }],
    ['452 mailbox full', smtpError('452 4.2.2 Mailbox full', { code: 'EENVELOPE', responseCode: 452 }), { retryable: true, status: 452 }],
    ['503 bad sequence', smtpError('503 Bad sequence of commands', { code: 'EPROTOCOL', responseCode: 503 }), { retryable: true, status: 503 }],
    ['550 no such user', smtpError('550 5.1.1 User unknown', { code: 'EENVELOPE', responseCode: 550 }), { retryable: false, status: 550 }],
    ['535 bad credentials', smtpError(`535 Authentication failed for ${PASSWORD}`, { code: 'EAUTH', responseCode: 535 }), { retryable: false, status: 535 }],
    ['a TLS failure', smtpError('unable to verify the first certificate', { code: 'ETLS' }), { retryable: false }],
    ['an unknown error', new Error('boom'), { retryable: false }],
  ])('%s', async (_name, error, expected) => {
    const channel = createEmailChannel({ transport: failing(error), from: FROM, to: TO, server: 'smtp.contoso.com:587', secrets: [PASSWORD] });
    const result = await channel.send(sampleAlert());
    expect(result).toMatchObject({ ok: false, ...expected });
    if (!('status' in expected)) expect(result).not.toHaveProperty('status');
    if (result.ok) throw new Error('expected a failure');
    expect(result.error).toMatch(/^E-mail via smtp\.contoso\.com:587 /);
    expect(result.error).not.toContain(PASSWORD);
  });
});

describe('a round trip to an SMTP server on 127.0.0.1', () => {
  const received: { from: string; to: string[]; raw: string }[] = [];
  let rcptReply: number | null = null;
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'ppmat' && auth.password === PASSWORD) callback(null, { user: 'ppmat' });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, callback) {
      if (rcptReply === null) callback();
      else callback(Object.assign(new Error(rcptReply >= 500 ? 'User unknown' : 'Mailbox busy, try later'), { responseCode: rcptReply }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        received.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  let port = 0;
  let silent: TcpServer;
  let silentPort = 0;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
    // Accepts connections and never greets.
    silent = createTcpServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  const channel = (options: { port?: number; auth?: { user: string; pass: string }; timeoutMs?: number } = {}) =>
    createEmailChannel({
      transport: createSmtpTransport({ host: '127.0.0.1', port: options.port ?? port, secure: false, requireTLS: false, timeoutMs: options.timeoutMs ?? 5_000, ...(options.auth ? { auth: options.auth } : {}) }),
      from: FROM,
      to: TO,
      timeoutMs: options.timeoutMs ?? 5_000,
      server: `127.0.0.1:${options.port ?? port}`,
      secrets: [PASSWORD],
    });

  it('delivers the message, with the server’s 250', async () => {
    received.length = 0;
    rcptReply = null;
    const result = await channel({ auth: { user: 'ppmat', pass: PASSWORD } }).send(sampleAlert());
    expect(result).toEqual({ ok: true, status: 250 });
    expect(received).toHaveLength(1);
    expect(received[0]!.from).toBe('ppmat@contoso.com');
    expect(received[0]!.to).toEqual(TO);
    expect(received[0]!.raw).toMatch(/^Subject: \[ppmat\] Critical: DLP coverage regressed \(Contoso\)$/m);
    expect(decodeQuotedPrintable(received[0]!.raw)).toContain("DLP policy 'Contoso default' no longer covers environment 'Finance Prod'");
  });

  it('reports a 4xx recipient reply as retryable', async () => {
    rcptReply = 452;
    const result = await channel().send(sampleAlert());
    rcptReply = null;
    expect(result).toMatchObject({ ok: false, retryable: true, status: 452 });
  });

  it('reports a 5xx recipient reply as not retryable', async () => {
    rcptReply = 550;
    const result = await channel().send(sampleAlert());
    rcptReply = null;
    expect(result).toMatchObject({ ok: false, retryable: false, status: 550 });
  });

  it('reports refused credentials as not retryable, without the password', async () => {
    const result = await channel({ auth: { user: 'ppmat', pass: `${PASSWORD}-wrong` } }).send(sampleAlert());
    expect(result).toMatchObject({ ok: false, retryable: false, status: 535 });
    if (result.ok) throw new Error('expected a failure');
    expect(result.error).not.toContain(PASSWORD);
  });

  it('reports a server that never greets as a retryable timeout', async () => {
    const result = await channel({ port: silentPort, timeoutMs: 300 }).send(sampleAlert());
    expect(result).toMatchObject({ ok: false, retryable: true });
    if (result.ok) throw new Error('expected a failure');
    expect(result.error).toMatch(/did not complete within 300 ms/);
  });

  it('reports a refused connection as retryable', async () => {
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await channel({ port: closedPort }).send(sampleAlert());
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result).not.toHaveProperty('status');
  });
});
