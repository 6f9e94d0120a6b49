/**
 * Builds the sender of one configured channel. Everything with an effect comes in through
 * `deps` (HTTP, the SMTP transport, secret reading, the clock), so the composition root
 * decides and tests pass fakes; nothing here is created at import.
 */
import { readFile } from 'node:fs/promises';
import { createTransport } from 'nodemailer';
import { PpmatError } from '../../errors/catalogue.js';
import type { AlertChannel, AlertSender } from './channel.js';
import { isLoopbackHost, type ChannelConfig, type EmailSettings } from './channel-config.js';
import { createEmailChannel, type MailTransport } from './email.channel.js';
import { createAxiosPost, DEFAULT_TIMEOUT_MS, type HttpPost } from './http-post.js';
import { createSlackChannel } from './slack.channel.js';
import { createTeamsChannel } from './teams.channel.js';
import { createWebhookChannel } from './webhook.channel.js';

/** Reads the secret behind a reference (`env:NAME`, `file:/path`); throws with a reason that never quotes the secret. */
export type SecretReader = (reference: string) => string | Promise<string>;

/** What an SMTP transport is built from: the channel's settings with its password read. */
export interface SmtpTransportOptions {
  host: string;
  port: number;
  secure: boolean;
  /** Refuse to go on without STARTTLS, so a password is never sent in clear. */
  requireTLS: boolean;
  auth?: { user: string; pass: string };
  timeoutMs: number;
}

export type SmtpTransportFactory = (options: SmtpTransportOptions) => MailTransport;

export interface CreateChannelDeps {
  readSecret: SecretReader;
  clock: () => Date;
  /** Default: {@link createAxiosPost}, one instance per channel. */
  http?: HttpPost;
  /** Default: {@link createSmtpTransport}. */
  smtpTransport?: SmtpTransportFactory;
}

/** The channel described by `config`; fails with PPMAT_E_CONFIG_INVALID when a secret cannot be read. */
export async function createChannel(config: ChannelConfig, deps: CreateChannelDeps): Promise<AlertChannel> {
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const http = (): HttpPost => deps.http ?? createAxiosPost();
  let sender: AlertSender;
  switch (config.type) {
    case 'teams':
      sender = createTeamsChannel({ url: config.url, timeoutMs, http: http(), clock: deps.clock });
      break;
    case 'slack':
      sender = createSlackChannel({ url: config.url, timeoutMs, http: http(), clock: deps.clock });
      break;
    case 'webhook': {
      const secret = await readChannelSecret(deps.readSecret, config.secret, config.name, 'secret');
      sender = createWebhookChannel({ url: config.url, secret, timeoutMs, http: http(), clock: deps.clock });
      break;
    }
    case 'email':
      sender = await createEmailSender(config.email, config.name, timeoutMs, deps);
      break;
  }
  return { name: config.name, type: config.type, minSeverity: config.minSeverity, ...(config.tenants ? { tenants: config.tenants } : {}), send: (alert) => sender.send(alert) };
}

async function createEmailSender(email: EmailSettings, name: string, timeoutMs: number, deps: CreateChannelDeps): Promise<AlertSender> {
  const pass = email.auth ? await readChannelSecret(deps.readSecret, email.auth.pass, name, 'email.auth.pass') : undefined;
  const transport = (deps.smtpTransport ?? createSmtpTransport)({
    host: email.host,
    port: email.port,
    secure: email.secure,
    requireTLS: pass !== undefined && !email.secure && !isLoopbackHost(email.host),
    ...(email.auth && pass !== undefined ? { auth: { user: email.auth.user, pass } } : {}),
    timeoutMs,
  });
  return createEmailChannel({ transport, from: email.from, to: email.to, timeoutMs, server: `${email.host}:${email.port}`, secrets: pass ? [pass] : [] });
}

async function readChannelSecret(read: SecretReader, reference: string, channel: string, field: string): Promise<string> {
  // A reference is shown to say which one failed; anything else might be a secret pasted inline.
  const shown = /^(env|file):/.test(reference) ? `${field} (${reference})` : field;
  let value: string;
  try {
    value = await read(reference);
  } catch (error) {
    const reason = error instanceof PpmatError ? error.message : error instanceof Error ? error.message : String(error);
    throw new PpmatError('PPMAT_E_CONFIG_INVALID', `${shown}: ${reason}`, { where: `alert channel "${channel}"`, cause: error });
  }
  if (value === '') throw new PpmatError('PPMAT_E_CONFIG_INVALID', `${shown} is empty.`, { where: `alert channel "${channel}"` });
  return value;
}

/**
 * The default {@link SecretReader}: `env:NAME` from `env`, `file:/path` from the file (its
 * trailing line break removed, as editors add one).
 */
export function createSecretReader(options: { env: NodeJS.ProcessEnv; readText?: (path: string) => Promise<string> }): SecretReader {
  const readText = options.readText ?? ((path: string) => readFile(path, 'utf8'));
  return async (reference) => {
    if (reference.startsWith('env:')) {
      const name = reference.slice('env:'.length);
      const value = options.env[name];
      if (value === undefined || value === '') throw new Error(`the environment variable ${name} is not set`);
      return value;
    }
    if (reference.startsWith('file:')) {
      const path = reference.slice('file:'.length);
      try {
        return (await readText(path)).replace(/\r?\n$/, '');
      } catch (error) {
        throw new Error(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, { cause: error });
      }
    }
    throw new Error('is not a reference (env:NAME or file:/path)');
  };
}

/**
 * The default {@link SmtpTransportFactory}: nodemailer's SMTP transport with every timeout
 * bounded by the channel's, and no access to files or URLs from message content (the channel
 * sends only strings, so nothing may turn a field into a read).
 */
export function createSmtpTransport(options: SmtpTransportOptions): MailTransport {
  return createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure,
    requireTLS: options.requireTLS,
    ...(options.auth ? { auth: options.auth } : {}),
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
}
