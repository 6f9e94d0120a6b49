/**
 * The configuration of alert channels, validated once at load like the rest of ppmat.yaml,
 * and the filter that picks the channels an alert goes to.
 *
 * Not yet wired into src/config/config-schema.ts: export {@link channelsConfigSchema} there
 * (e.g. under `alerts.channels`) to read it from the file.
 *
 * Secrets are never inline: a generic webhook's signing secret and an SMTP password are
 * references (`env:NAME` or `file:/path`) resolved when the channel is built. Webhook URLs of
 * Teams and Slack carry their own signature, so the file holding them is itself sensitive.
 */
import { z } from 'zod';
import { PpmatError } from '../../errors/catalogue.js';
import { SEVERITY_RANK, type Alert } from './alert.js';
import { CHANNEL_TYPES } from './channel.js';

/** Hosts to which a channel may post over plain http: this machine only, for tests and local relays. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether a host is this machine (loopback), where plain http and SMTP without TLS are acceptable. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase());
}

const webhookUrl = z.string({ error: 'is required: the webhook URL' }).superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'is not a URL' });
    return;
  }
  const loopbackHttp = url.protocol === 'http:' && isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp) {
    // The URL is a credential: name its scheme and host only.
    ctx.addIssue({ code: 'custom', message: `must use https (${url.protocol}//${url.host} is not allowed; plain http only to 127.0.0.1 or localhost, for tests)` });
  }
  if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password' });
});

/** `env:NAME` or `file:/path`; the value itself never appears in the configuration. */
export const secretReferenceSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required: a reference to the secret, env:NAME or file:/path' : 'must be a string') })
  .regex(/^(env:[A-Za-z_][A-Za-z0-9_]*|file:\S.*)$/, {
    message: 'must be a reference, env:NAME or file:/path (secrets are never written in the configuration)',
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
