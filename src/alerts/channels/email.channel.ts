/**
 * E-mail over SMTP with nodemailer: a subject, a plain-text part and an HTML part. The
 * transport is injected, so tests use nodemailer's stream transport or a loopback server
 * and the composition root decides about pooling, TLS and credentials.
 */
import { createHash } from 'node:crypto';
import type { SendMailOptions } from 'nodemailer';
import type { Alert, AlertChange, AlertSeverity } from './alert.js';
import type { AlertSender, DeliveryResult } from './channel.js';
import { htmlText, httpUrl, plainText } from './escaping.js';
import { DEFAULT_TIMEOUT_MS, scrubber } from './http-post.js';

/** The part of a nodemailer transporter the channel uses; `nodemailer.createTransport(...)` is one. */
export interface MailTransport {
  sendMail(message: SendMailOptions): Promise<{ response?: string | undefined; messageId?: string | undefined }>;
}

/** Changes listed in one e-mail; the scan holds every one. */
export const EMAIL_MAX_CHANGES = 50;

/** The message for an alert, in nodemailer's terms. */
export interface EmailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Derived from the idempotency key, so a retried send is one message to servers that deduplicate. */
  messageId: string;
  headers: Record<string, string>;
  priority: 'high' | 'normal';
}

const SEVERITY_LABEL: Record<AlertSeverity, string> = { info: 'Info', warning: 'Warning', critical: 'Critical' };
const KIND_PREFIX: Record<Alert['kind'], string> = { raised: '', reminder: 'Reminder: ', resolved: 'Resolved: ' };
const SEVERITY_COLOUR: Record<AlertSeverity, string> = { info: '#0f6cbd', warning: '#bc4b09', critical: '#c50f1f' };

/**
 * The e-mail for an alert. Pure. Every string from the alert is HTML-escaped in the HTML part
 * ({@link htmlText}) and cleaned of control characters in the subject and text part, so a name
 * can neither add markup nor a header.
 */
export function formatEmail(alert: Alert, address: { from: string; to: readonly string[] }): EmailMessage {
  const prefix = KIND_PREFIX[alert.kind];
  const scanUrl = httpUrl(alert.scanUrl);
  const shown = alert.changes.slice(0, EMAIL_MAX_CHANGES);
  const hidden = alert.changes.length - shown.length;
  const facts: [string, string][] = [
    ['Tenant', `${alert.tenant.displayName} (${alert.tenant.id})`],
    ['Severity', SEVERITY_LABEL[alert.severity]],
    ['Detected', alert.occurredAt],
    ['Alert', alert.id],
  ];
  return {
    from: address.from,
    to: [...address.to],
    subject: plainText(`[ppmat] ${SEVERITY_LABEL[alert.severity]}: ${prefix}${plainText(alert.title, 120)} (${plainText(alert.tenant.displayName, 60)})`, 200),
    text: textPart(alert, prefix, facts, shown, hidden, scanUrl),
    html: htmlPart(alert, prefix, facts, shown, hidden, scanUrl),
    messageId: `<${createHash('sha256').update(alert.idempotencyKey).digest('hex').slice(0, 32)}@${domainOf(address.from)}>`,
    headers: { 'X-Ppmat-Alert-Id': plainText(alert.id), 'X-Ppmat-Alert-Kind': alert.kind },
    priority: alert.severity === 'critical' && alert.kind !== 'resolved' ? 'high' : 'normal',
  };
}

function textPart(alert: Alert, prefix: string, facts: [string, string][], shown: AlertChange[], hidden: number, scanUrl: string | undefined): string {
  const lines = [`${prefix}${plainText(alert.title)}`, plainText(alert.summary, 500), ''];
  lines.push(...facts.map(([name, value]) => `${name}: ${plainText(value)}`));
  if (shown.length > 0) lines.push('', 'Changes:');
  for (const change of shown) {
    lines.push(`- ${plainText(change.label)}`);
    for (const [name, value] of changeFacts(change)) lines.push(`  ${name}: ${plainText(value)}`);
  }
  if (hidden > 0) lines.push(`- and ${hidden} more in the scan`);
  if (scanUrl) lines.push('', `Open the scan: ${scanUrl}`);
  return `${lines.join('\n')}\n`;
}

function htmlPart(alert: Alert, prefix: string, facts: [string, string][], shown: AlertChange[], hidden: number, scanUrl: string | undefined): string {
  const colour = alert.kind === 'resolved' ? '#107c10' : SEVERITY_COLOUR[alert.severity];
  const cell = 'padding:2px 12px 2px 0;vertical-align:top';
  const out = [
    '<!doctype html>',
    '<html><body style="font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#242424">',
    `<h2 style="margin:0 0 8px;border-left:4px solid ${colour};padding-left:8px">${htmlText(prefix)}${htmlText(alert.title)}</h2>`,
    `<p>${htmlText(alert.summary, 500)}</p>`,
    '<table role="presentation" style="border-collapse:collapse">',
    ...facts.map(([name, value]) => `<tr><th style="${cell};text-align:left">${name}</th><td style="${cell}">${htmlText(value)}</td></tr>`),
    '</table>',
  ];
  if (shown.length > 0) {
    out.push('<h3 style="margin:16px 0 4px">Changes</h3>', '<ul>');
    for (const change of shown) {
      const details = changeFacts(change).map(([name, value]) => `<br><span style="color:#616161">${name}:</span> ${htmlText(value)}`);
      out.push(`<li style="margin-bottom:6px"><strong>${htmlText(change.label)}</strong>${details.join('')}</li>`);
    }
    if (hidden > 0) out.push(`<li>and ${hidden} more in the scan</li>`);
    out.push('</ul>');
  }
  if (scanUrl) out.push(`<p><a href="${htmlText(scanUrl, 2000)}">Open the scan</a></p>`);
  out.push('</body></html>');
  return `${out.join('\n')}\n`;
}

function changeFacts(change: AlertChange): [string, string][] {
  const facts: [string, string | undefined][] = [
    ['Before', change.before],
    ['After', change.after],
    ['Evidence', change.evidence],
  ];
  return facts.filter((fact): fact is [string, string] => fact[1] !== undefined);
}

/** The domain of the sender's address, for a Message-ID of the sender's own namespace (RFC 5322 section 3.6.4). */
function domainOf(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'ppmat.localhost';
}

export interface EmailChannelOptions {
  transport: MailTransport;
  from: string;
  to: readonly string[];
  /** Bounds one whole send, on top of the transport's connection and socket timeouts. */
  timeoutMs?: number;
  /** Names the server in errors, e.g. `smtp.contoso.com:587`. */
  server?: string;
  /** Strings that must never appear in an error (the SMTP password). */
  secrets?: readonly string[];
}

// Failures without a reply code that a later attempt may not meet (a dropped or refused
// connection, a timeout, a DNS failure, a full pool); anything else (authentication,
// configuration, TLS, a message nodemailer cannot build) will fail the same way again.
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'EPROXY', 'EMAXLIMIT', 'EABORT']);

/** A sender handing {@link formatEmail} to the transport; SMTP 4xx replies and connection failures are retryable. */
export function createEmailChannel(options: EmailChannelOptions): AlertSender {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const where = `E-mail via ${options.server ?? 'the SMTP server'}`;
  const scrub = scrubber(options.secrets ?? []);
  return {
    async send(alert: Alert): Promise<DeliveryResult> {
      try {
        const info = await options.transport.sendMail({ ...formatEmail(alert, options), signal: AbortSignal.timeout(timeoutMs) });
        return { ok: true, status: replyCode(info.response) ?? 250 };
      } catch (error) {
        return failure(error, where, timeoutMs, scrub);
      }
    },
  };
}

function failure(error: unknown, where: string, timeoutMs: number, scrub: (text: string) => string): DeliveryResult {
  const { code, responseCode, message } = error as { code?: unknown; responseCode?: unknown; message?: unknown };
  const reply = typeof responseCode === 'number' ? responseCode : undefined;
  const name = typeof code === 'string' ? code : undefined;
  const text = scrub(plainText(typeof message === 'string' ? message : String(error), 300));
  if (name === 'EABORT' || name === 'ETIMEDOUT') {
    return { ok: false, retryable: true, error: `${where} did not complete within ${timeoutMs} ms: ${text}.` };
  }
  // RFC 5321: 4yz is transient, 5yz permanent; 503 (bad sequence) only says this session went wrong.
  const retryable = reply !== undefined ? (reply >= 400 && reply < 500) || reply === 503 : name !== undefined && TRANSIENT_CODES.has(name);
  return {
    ok: false,
    retryable,
    ...(reply === undefined ? {} : { status: reply }),
    error: `${where} failed${name ? ` (${name}${reply ? ` ${reply}` : ''})` : ''}: ${text}.`,
  };
}

function replyCode(response: string | undefined): number | undefined {
  const match = response === undefined ? null : /^(\d{3})\b/.exec(response);
  return match ? Number(match[1]) : undefined;
}
