/**
 * Channel secrets from Azure Key Vault (`keyvault:` references) and webhook URLs kept out of
 * ppmat.yaml (`env:`, `file:`, `keyvault:`): read when the channel is built, checked like a
 * configured URL, and never quoted in an error.
 */
import { describe, expect, it } from 'vitest';
import type { KeyVaultSecretReader } from '../../../src/auth/key-vault.js';
import { parseChannelsConfig } from '../../../src/alerts/channels/channel-config.js';
import { createChannel, createSecretReader } from '../../../src/alerts/channels/create-channel.js';
import type { HttpPost, HttpPostRequest } from '../../../src/alerts/channels/http-post.js';
import { verifyWebhookSignature } from '../../../src/alerts/channels/webhook.channel.js';
import { PpmatError } from '../../../src/errors/catalogue.js';
import { sampleAlert } from './alert-fixtures.js';

const VAULT = 'https://ops.vault.azure.net';
const vault: KeyVaultSecretReader = {
  async read(reference, where) {
    const values: Record<string, string> = { 'hook-secret': 'kv-signing-secret', 'teams-url': 'https://flows.example.test/invoke?sig=kv-sig', 'plain-http': 'http://hooks.example.test/x?sig=abc' };
    const value = values[reference.name];
    if (value === undefined) throw new PpmatError('PPMAT_E_SECRET_UNAVAILABLE', `the Key Vault secret "${reference.name}" in ${reference.vaultUrl} could not be read: access refused (403 Forbidden).`, { where });
    return value;
  },
};

function recordingHttp(): { http: HttpPost; sent: HttpPostRequest[] } {
  const sent: HttpPostRequest[] = [];
  return { sent, http: async (request) => (sent.push(request), { kind: 'response', status: 200, headers: {}, body: '' }) };
}

const deps = (http: HttpPost) => ({ readSecret: createSecretReader({ env: { HOOK_URL: 'https://itsm.contoso.com/hook?token=env-tok' }, keyVault: vault }), clock: () => new Date(), http });

describe('channel secret references', () => {
  it('signs with a secret from Key Vault and posts to URLs read from the environment and Key Vault', async () => {
    const [webhook, teams] = parseChannelsConfig([
      { name: 'itsm', type: 'webhook', url: 'env:HOOK_URL', secret: `keyvault:${VAULT}/secrets/hook-secret` },
      { name: 'ops', type: 'teams', url: `keyvault:${VAULT}/secrets/teams-url` },
    ]);
    const { http, sent } = recordingHttp();
    await (await createChannel(webhook!, deps(http))).send(sampleAlert());
    await (await createChannel(teams!, deps(http))).send(sampleAlert());
    expect(sent.map((r) => r.url)).toEqual(['https://itsm.contoso.com/hook?token=env-tok', 'https://flows.example.test/invoke?sig=kv-sig']);
    expect(verifyWebhookSignature(sent[0]!.body, sent[0]!.headers['X-Ppmat-Signature'], 'kv-signing-secret')).toBe(true);
  });

  it('refuses a URL read from a reference as a configured one would be, without quoting it', async () => {
    const [config] = parseChannelsConfig([{ name: 'ops', type: 'slack', url: `keyvault:${VAULT}/secrets/plain-http` }]);
    const error = (await createChannel(config!, deps(recordingHttp().http)).catch((e: unknown) => e)) as PpmatError;
    expect(error).toMatchObject({ code: 'PPMAT_E_CONFIG_INVALID' });
    expect(error.message).toBe(`alert channel "ops": url (keyvault:${VAULT}/secrets/plain-http): the URL read must use https (http://hooks.example.test is not allowed; plain http only to 127.0.0.1 or localhost, for tests).`);
    expect(error.message).not.toContain('sig=abc');
  });

  it('keeps the Key Vault error code and names the channel, field, vault and secret', async () => {
    const [config] = parseChannelsConfig([{ name: 'itsm', type: 'webhook', url: 'https://itsm.contoso.com/hook', secret: `keyvault:${VAULT}/secrets/denied` }]);
    await expect(createChannel(config!, deps(recordingHttp().http))).rejects.toMatchObject({
      code: 'PPMAT_E_SECRET_UNAVAILABLE',
      message: `alert channel "itsm": secret (keyvault:${VAULT}/secrets/denied): the Key Vault secret "denied" in ${VAULT} could not be read: access refused (403 Forbidden).`,
    });
  });

  it.each([
    ['a Key Vault reference over http', { name: 'x', type: 'webhook', url: 'https://a.example.test', secret: 'keyvault:http://v.vault.azure.net/secrets/s' }, /channels\[0\]\.secret: must be a reference/],
    ['a Key Vault URI that is not a secret', { name: 'x', type: 'teams', url: 'keyvault:https://v.vault.azure.net/keys/k' }, /channels\[0\]\.url: the Key Vault reference must be https:\/\/<vault>/],
  ])('refuses %s at load', (_name, entry, message) => {
    expect(() => parseChannelsConfig([entry])).toThrow(message);
  });

  it('refuses a Key Vault reference where no vault reader is given', async () => {
    await expect(createSecretReader({ env: {} })(`keyvault:${VAULT}/secrets/s`)).rejects.toThrow(/Key Vault references are not available here/);
  });
});
