import { describe, expect, it } from 'vitest';
import type { AlertSeverity } from '../../../src/alerts/channels/alert.js';
import { channelsFor, parseChannelsConfig, type ChannelConfig } from '../../../src/alerts/channels/channel-config.js';
import { PpmatError } from '../../../src/errors/catalogue.js';
import { sampleAlert } from './alert-fixtures.js';

const TEAMS = { name: 'ops-teams', type: 'teams', url: 'https://flows.example.test/workflows/1/invoke?sig=abc' };
const SLACK = { name: 'ops-slack', type: 'slack', url: 'https://hooks.slack.com/services/T/B/x' };
const WEBHOOK = { name: 'itsm', type: 'webhook', url: 'https://itsm.contoso.com/ppmat', secret: 'env:PPMAT_ITSM_SECRET' };
const EMAIL = { name: 'mail', type: 'email', email: { host: 'smtp.contoso.com', from: 'ppmat <ppmat@contoso.com>', to: ['platform@contoso.com'] } };

function problems(input: unknown): string {
  try {
    parseChannelsConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(PpmatError);
    expect((error as PpmatError).code).toBe('PPMAT_E_CONFIG_INVALID');
    return (error as PpmatError).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('channelsConfigSchema', () => {
  it('accepts one channel of each type and fills in the defaults', () => {
    expect(parseChannelsConfig([TEAMS, SLACK, WEBHOOK, { ...EMAIL, minSeverity: 'critical', tenants: ['contoso.onmicrosoft.com'] }])).toEqual([
      { ...TEAMS, minSeverity: 'warning' },
      { ...SLACK, minSeverity: 'warning' },
      { ...WEBHOOK, minSeverity: 'warning' },
      {
        name: 'mail',
        type: 'email',
        minSeverity: 'critical',
        tenants: ['contoso.onmicrosoft.com'],
        email: { host: 'smtp.contoso.com', port: 587, secure: false, from: 'ppmat <ppmat@contoso.com>', to: ['platform@contoso.com'] },
      },
    ]);
  });

  it.each([
    ['http://127.0.0.1:8080/hook'],
    ['http://localhost/hook'],
    ['http://[::1]:9000/hook'],
    ['https://receiver.contoso.com/hook?sig=1'],
  ])('accepts %s', (url) => {
    expect(parseChannelsConfig([{ ...WEBHOOK, url }])[0]).toMatchObject({ url });
  });

  it.each([
    ['plain http to a public host', { ...TEAMS, url: 'http://flows.example.test/workflows/1/invoke?sig=abc' }, 'channels[0].url: must use https (http://flows.example.test is not allowed; plain http only to 127.0.0.1 or localhost, for tests)'],
    ['another scheme', { ...SLACK, url: 'ftp://hooks.example.test/x' }, 'channels[0].url: must use https (ftp://hooks.example.test is not allowed'],
    ['not a URL', { ...SLACK, url: 'hooks.slack.com/services/x' }, 'channels[0].url: is not a URL'],
    ['credentials in the URL', { ...WEBHOOK, url: 'https://user:pw@itsm.contoso.com/' }, 'channels[0].url: must not contain a user name or password'],
    ['no URL', { name: 'x', type: 'slack' }, 'channels[0].url: is required: the webhook URL'],
    ['a webhook without its secret reference', { name: 'itsm', type: 'webhook', url: 'https://itsm.contoso.com/ppmat' }, 'channels[0].secret: is required: a reference to the secret, env:NAME, file:/path or keyvault:https://<vault>/secrets/<name>'],
    ['an inline secret', { ...WEBHOOK, secret: 'hunter2-inline' }, 'channels[0].secret: must be a reference, env:NAME, file:/path or keyvault:https://<vault>.vault.azure.net/secrets/<name> (secrets are never written in the configuration)'],
    ['an unknown type', { name: 'x', type: 'discord', url: 'https://discord.example.test/' }, 'channels[0].type: must be one of teams, slack, webhook, email'],
    ['no type', { name: 'x', url: 'https://x.example.test/' }, 'channels[0].type: must be one of teams, slack, webhook, email'],
    ['an unknown key', { ...TEAMS, colour: 'red' }, 'channels[0].colour: unknown key'],
    ['a secret on a Teams channel', { ...TEAMS, secret: 'env:X' }, 'channels[0].secret: unknown key'],
    ['an unknown severity', { ...TEAMS, minSeverity: 'high' }, 'channels[0].minSeverity: must be info, warning or critical'],
    ['an empty tenant filter', { ...TEAMS, tenants: [] }, 'channels[0].tenants: must list at least one tenant, or be left out for every tenant'],
    ['no name', { type: 'teams', url: TEAMS.url }, 'channels[0].name: is required: a name for the channel'],
    ['no recipient', { ...EMAIL, email: { ...EMAIL.email, to: [] } }, 'channels[0].email.to: must list at least one recipient'],
    ['a bad recipient', { ...EMAIL, email: { ...EMAIL.email, to: ['platform'] } }, 'channels[0].email.to[0]: is not an e-mail address'],
    ['a bad sender', { ...EMAIL, email: { ...EMAIL.email, from: 'ppmat' } }, 'channels[0].email.from: is not an e-mail address'],
    ['an inline SMTP password', { ...EMAIL, email: { ...EMAIL.email, auth: { user: 'ppmat', pass: 'hunter2' } } }, 'channels[0].email.auth.pass: must be a reference'],
    ['a port out of range', { ...EMAIL, email: { ...EMAIL.email, port: 70000 } }, 'channels[0].email.port:'],
  ])('refuses %s, naming the field', (_name, channel, message) => {
    expect(problems([channel])).toContain(message);
  });

  it('never repeats a refused URL’s path or query, nor an inline secret', () => {
    const message = problems([{ ...TEAMS, url: 'http://flows.example.test/workflows/SECRETPATH?sig=SIGVALUE' }, { ...WEBHOOK, name: 'w', secret: 'hunter2-inline' }]);
    expect(message).not.toContain('SECRETPATH');
    expect(message).not.toContain('SIGVALUE');
    expect(message).not.toContain('hunter2-inline');
  });

  it('names the entry of each problem in a longer list', () => {
    expect(problems([TEAMS, SLACK, { ...WEBHOOK, secret: undefined }])).toContain('channels[2].secret:');
  });

  it('refuses two channels with one name', () => {
    expect(problems([TEAMS, { ...SLACK, name: 'ops-teams' }])).toContain('channels[1].name: "ops-teams" is already the name of channel [0]');
  });
});

describe('channelsFor', () => {
  const channel = (name: string, minSeverity: AlertSeverity, tenants?: string[]): ChannelConfig => ({ ...TEAMS, type: 'teams', name, minSeverity, ...(tenants ? { tenants } : {}) });
  const channels = [
    channel('all-info', 'info'),
    channel('all-warning', 'warning'),
    channel('all-critical', 'critical'),
    channel('contoso-info', 'info', ['00000000-0000-0000-0000-00000000C0DE']),
    channel('fabrikam-info', 'info', ['fabrikam-id']),
  ];
  const names = (severity: AlertSeverity, tenantId = '00000000-0000-0000-0000-00000000c0de') =>
    channelsFor(sampleAlert({ severity, tenant: { id: tenantId, displayName: 'x' } }), channels).map((c) => c.name);

  it.each([
    ['info', ['all-info', 'contoso-info']],
    ['warning', ['all-info', 'all-warning', 'contoso-info']],
    ['critical', ['all-info', 'all-warning', 'all-critical', 'contoso-info']],
  ] as const)('sends a %s alert to the channels at or below its severity', (severity, expected) => {
    expect(names(severity)).toEqual(expected);
  });

  it('applies the tenant filter, ignoring case; channels without one take every tenant', () => {
    expect(names('critical', 'FABRIKAM-ID')).toEqual(['all-info', 'all-warning', 'all-critical', 'fabrikam-info']);
    expect(names('critical', 'someone-else')).toEqual(['all-info', 'all-warning', 'all-critical']);
  });
});
