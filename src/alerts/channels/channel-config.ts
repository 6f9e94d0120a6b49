/**
 * The configuration of alert channels, validated once at load like the rest of ppmat.yaml,
 * and the filter that picks the channels an alert goes to.
 *
 * Not yet wired into src/config/config-schema.ts: export {@link channelsConfigSchema} there
 * (e.g. under `alerts.channels`) to read it from the file.
 *
 * Secrets are never inline: a generic webhook's signing secret and an SMTP password are
 * references (`env:NAME`, `file:/path` or `keyvault:https://<vault>/secrets/<name>`) resolved
 * when the channel is built. Webhook URLs of Teams and Slack carry their own signature: they
 * may be written in the file (which is then itself sensitive) or be such a reference too.
 */
import { z } from 'zod';
import { PpmatError } from '../../errors/catalogue.js';
import { parseSecretReference, SECRET_REFERENCE_PATTERN } from '../../config/secret-source.js';
import { SEVERITY_RANK, type Alert } from './alert.js';
import { CHANNEL_TYPES } from './channel.js';

/** Hosts to which a channel may post over plain http: this machine only, for tests and local relays. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether a host is this machine (loopback), where plain http and SMTP without TLS are acceptable. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase());
}

/** What is wrong with a webhook URL, in words that never quote it (the URL is a credential): none when it is acceptable. */
export function webhookUrlProblems(value: string): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return ['is not a URL'];
  }
  const problems: string[] = [];
  const loopbackHttp = url.protocol === 'http:' && isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp) {
    // The URL is a credential: name its scheme and host only.
    problems.push(`must use https (${url.protocol}//${url.host} is not allowed; plain http only to 127.0.0.1 or localhost, for tests)`);
  }
  if (url.username || url.password) problems.push('must not contain a user name or password');
  return problems;
}

/** Whether a configured value is a secret reference rather than the value itself. */
export function isSecretReference(value: string): boolean {
  return /^(env|file|keyvault):/.test(value);
}

/** A reference's problem (a malformed Key Vault URI), or null. */
function referenceProblem(value: string): string | null {
  if (!SECRET_REFERENCE_PATTERN.test(value)) return 'must be a reference, env:NAME, file:/path or keyvault:https://<vault>.vault.azure.net/secrets/<name> (secrets are never written in the configuration)';
  try {
    parseSecretReference(value);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The webhook URL itself, or a reference to where it is kept (it is read and checked when the channel is built). */
const webhookUrl = z.string({ error: 'is required: the webhook URL, or a reference to it (env:NAME, file:/path, keyvault:https://...)' }).superRefine((value, ctx) => {
  const problems = isSecretReference(value) ? [referenceProblem(value)].filter((p): p is string => p !== null) : webhookUrlProblems(value);
  for (const message of problems) ctx.addIssue({ code: 'custom', message });
});

/** `env:NAME`, `file:/path` or `keyvault:https://<vault>/secrets/<name>`; the value itself never appears in the configuration. */
export const secretReferenceSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required: a reference to the secret, env:NAME, file:/path or keyvault:https://<vault>/secrets/<name>' : 'must be a string') })
  .superRefine((value, ctx) => {
    const problem = referenceProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const severitySchema = z.enum(['info', 'warning', 'critical'], { error: 'must be info, warning or critical' });

const common = {
  /** Names the channel in logs and in the outbox. */
  name: z.string({ error: 'is required: a name for the channel' }).min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
  /** Alerts below this severity are not sent here. */
  minSeverity: severitySchema.default('warning'),
  /** Tenant ids this channel is for; absent means every tenant. */
  tenants: z.array(z.string().min(1)).min(1, 'must list at least one tenant, or be left out for every tenant').optional(),
  /** How long the receiver has to answer one attempt. */
  timeoutMs: z.int().min(100).max(120_000).optional(),
};

// "Name <address>" or a bare address.
const mailbox = z.string().regex(/^[^\r\n<>]*<[^\s@<>]+@[^\s@<>]+>$|^[^\s@<>]+@[^\s@<>]+$/, { message: 'is not an e-mail address ("ppmat@contoso.com" or "ppmat <ppmat@contoso.com>")' });

export const emailSettingsSchema = z.strictObject({
  host: z.string().min(1),
  port: z.int().min(1).max(65_535).default(587),
  /** TLS from the start (port 465); otherwise STARTTLS, required whenever a password is sent to another machine. */
  secure: z.boolean().default(false),
  from: mailbox,
  to: z.array(z.email({ error: 'is not an e-mail address' })).min(1, 'must list at least one recipient'),
  auth: z.strictObject({ user: z.string().min(1), pass: secretReferenceSchema }).optional(),
});

export const channelConfigSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ ...common, type: z.literal('teams'), url: webhookUrl }),
    z.strictObject({ ...common, type: z.literal('slack'), url: webhookUrl }),
    z.strictObject({ ...common, type: z.literal('webhook'), url: webhookUrl, secret: secretReferenceSchema }),
    z.strictObject({ ...common, type: z.literal('email'), email: emailSettingsSchema }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? `must be one of ${CHANNEL_TYPES.join(', ')}` : undefined) },
);

/** A list of channels; names are unique, since they key the outbox and the logs. */
export const channelsConfigSchema = z.array(channelConfigSchema).superRefine((channels, ctx) => {
  const seen = new Map<string, number>();
  channels.forEach((channel, index) => {
    const first = seen.get(channel.name);
    if (first === undefined) seen.set(channel.name, index);
    else ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `"${channel.name}" is already the name of channel [${first}]` });
  });
});

export type ChannelConfig = z.infer<typeof channelConfigSchema>;
export type EmailSettings = z.infer<typeof emailSettingsSchema>;

/**
 * Validates a list of channels, throwing PPMAT_E_CONFIG_INVALID with the path and reason of
 * every problem (`channels[1].secret: is required: ...`), for use before the schema is wired
 * into the main configuration.
 */
export function parseChannelsConfig(input: unknown, where = 'channels'): ChannelConfig[] {
  const parsed = channelsConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const reasons = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => `${where}${pathOf([...issue.path, key])}: unknown key`)
      : [`${where}${pathOf(issue.path)}: ${issue.message}`],
  );
  throw new PpmatError('PPMAT_E_CONFIG_INVALID', reasons.join('; '));
}

// Not load-config's formatPath: config-schema.ts will import this file, and load-config imports config-schema.
function pathOf(keys: readonly PropertyKey[]): string {
  return keys.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');
}

/** The part of a channel (its configuration, or the built channel) that decides which alerts it gets. */
export interface ChannelFilter {
  readonly minSeverity: Alert['severity'];
  readonly tenants?: readonly string[] | undefined;
}

/**
 * The channels an alert goes to: those whose `minSeverity` it reaches and whose `tenants`
 * (when given) include its tenant id, compared without case (GUIDs are written both ways).
 */
export function channelsFor<T extends ChannelFilter>(alert: Alert, channels: readonly T[]): T[] {
  const tenant = alert.tenant.id.toLowerCase();
  return channels.filter(
    (channel) =>
      SEVERITY_RANK[alert.severity] >= SEVERITY_RANK[channel.minSeverity] &&
      (channel.tenants === undefined || channel.tenants.some((id) => id.toLowerCase() === tenant)),
  );
}
