/**
 * Builds the sender of one configured channel. Everything with an effect comes in through
 * `deps` (HTTP, the SMTP transport, secret reading, the clock), so the composition root
 * decides and tests pass fakes; nothing here is created at import.
 */
import { readFile } from 'node:fs/promises';
import { createTransport } from 'nodemailer';
import type { KeyVaultSecretReader } from '../../auth/key-vault.js';
import { parseSecretReference } from '../../config/secret-source.js';
import { PpmatError } from '../../errors/catalogue.js';
import type { AlertChannel, AlertSender } from './channel.js';
import { isLoopbackHost, isSecretReference, webhookUrlProblems, type ChannelConfig, type EmailSettings } from './channel-config.js';
import { createEmailChannel, type MailTransport } from './email.channel.js';
import { createAxiosPost, DEFAULT_TIMEOUT_MS, type HttpPost } from './http-post.js';
import { createSlackChannel } from './slack.channel.js';
import { createTeamsChannel } from './teams.channel.js';
import { createWebhookChannel } from './webhook.channel.js';

/** Reads the secret behind a reference (`env:NAME`, `file:/path`, `keyvault:https://...`); throws with a reason that never quotes the secret. */
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
      sender = createTeamsChannel({ url: await channelUrl(deps.readSecret, config.url, config.name), timeoutMs, http: http(), clock: deps.clock });
      break;
    case 'slack':
      sender = createSlackChannel({ url: await channelUrl(deps.readSecret, config.url, config.name), timeoutMs, http: http(), clock: deps.clock });
      break;
    case 'webhook': {
      const url = await channelUrl(deps.readSecret, config.url, config.name);
      const secret = await readChannelSecret(deps.readSecret, config.secret, config.name, 'secret');
      sender = createWebhookChannel({ url, secret, timeoutMs, http: http(), clock: deps.clock });
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

/** The webhook URL: as configured, or read from its reference and checked like a configured one (without ever quoting it). */
async function channelUrl(read: SecretReader, configured: string, channel: string): Promise<string> {
  if (!isSecretReference(configured)) return configured;
  const url = await readChannelSecret(read, configured, channel, 'url');
  const problems = webhookUrlProblems(url);
  if (problems.length > 0) throw new PpmatError('PPMAT_E_CONFIG_INVALID', `url (${configured}): the URL read ${problems.join(', ')}.`, { where: `alert channel "${channel}"` });
  return url;
}

async function readChannelSecret(read: SecretReader, reference: string, channel: string, field: string): Promise<string> {
  // A reference is shown to say which one failed; anything else might be a secret pasted inline.
  const shown = isSecretReference(reference) ? `${field} (${reference})` : field;
  let value: string;
  try {
    value = await read(reference);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // Key Vault's own failures keep their code; anything else is a configuration mistake.
    const code = error instanceof PpmatError && error.code === 'PPMAT_E_SECRET_UNAVAILABLE' ? error.code : 'PPMAT_E_CONFIG_INVALID';
    throw new PpmatError(code, `${shown}: ${reason}`, { where: `alert channel "${channel}"`, ...(error instanceof PpmatError ? {} : { cause: error }) });
  }
  if (value === '') throw new PpmatError('PPMAT_E_CONFIG_INVALID', `${shown} is empty.`, { where: `alert channel "${channel}"` });
  return value;
}

/**
 * The default {@link SecretReader}: `env:NAME` from `env`, `file:/path` from the file (its
 * trailing line break removed, as editors add one), `keyvault:https://<vault>/secrets/<name>`
 * from Azure Key Vault (a function is called at the first such reference only).
 */
export function createSecretReader(options: {
  env: NodeJS.ProcessEnv;
  readText?: (path: string) => Promise<string>;
  keyVault?: KeyVaultSecretReader | (() => KeyVaultSecretReader);
}): SecretReader {
  const readText = options.readText ?? ((path: string) => readFile(path, 'utf8'));
  let keyVault: KeyVaultSecretReader | undefined;
  return async (reference) => {
    if (reference.startsWith('keyvault:')) {
      const source = parseSecretReference(reference);
      if (!('keyVault' in source)) throw new Error('is not a Key Vault reference');
      if (!options.keyVault) throw new Error('Key Vault references are not available here');
      keyVault ??= typeof options.keyVault === 'function' ? options.keyVault() : options.keyVault;
      // No `where`: the channel's error names the channel and field.
      return keyVault.read(source.keyVault, '');
    }
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
