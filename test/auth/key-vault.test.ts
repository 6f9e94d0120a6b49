/**
 * Secrets from Azure Key Vault, against nock playing the vault's REST API with its
 * challenge-based authentication: the value is read with the injected credential's token, a
 * 404 or 403 is a PpmatError naming the config path, vault and secret (never a value), and no
 * log (ppmat's pino at trace, the Azure SDK's own logger at verbose) holds the secret or token.
 */
import { Writable } from 'node:stream';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { AzureLogger, setLogLevel } from '@azure/logger';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createKeyVaultCredential, createKeyVaultReader, keyVaultFailure } from '../../src/auth/key-vault.js';
import { StaticTokenCredential } from '../../src/auth/credentials.js';
import { configuredTarget } from '../../src/cli/tenant-targets.js';
import { configSchema } from '../../src/config/config-schema.js';
import { createSecretResolver } from '../../src/config/secret-source.js';
import { PpmatError } from '../../src/errors/catalogue.js';
import { createLogger } from '../../src/log/logger.js';
import { KEY_VAULT_TENANT, mockKeyVault } from '../support/key-vault-mock.js';

const VAULT = 'https://ppmat-test.vault.azure.net';
const SECRET_VALUE = 'kv-secret-value-3f9a1c77e2';
const VAULT_TOKEN = 'kv-access-token-b81d0e55';

/** A credential returning a static token, recording what the SDK asked for. */
function fakeCredential(): TokenCredential & { asked: { scopes: string | string[]; tenantId: string | undefined }[] } {
  const asked: { scopes: string | string[]; tenantId: string | undefined }[] = [];
  return {
    asked,
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
      asked.push({ scopes, tenantId: options?.tenantId });
      return { token: VAULT_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

const sdkLog: string[] = [];
const originalLog = AzureLogger.log;

beforeAll(() => {
  nock.disableNetConnect();
  setLogLevel('verbose');
  AzureLogger.log = (...args: unknown[]) => sdkLog.push(args.map(String).join(' '));
});
afterEach(() => nock.cleanAll());
afterAll(() => {
  nock.enableNetConnect();
  setLogLevel('warning');
  AzureLogger.log = originalLog;
});

describe('Key Vault reader', () => {
  it('reads the current value with the token of the injected credential, after the challenge', async () => {
    const vault = mockKeyVault(VAULT, { 'ppmat-secret': SECRET_VALUE }, VAULT_TOKEN);
    const credential = fakeCredential();
    const reader = createKeyVaultReader({ credential });
    await expect(reader.read({ vaultUrl: VAULT, name: 'ppmat-secret' }, 'tenants[id=t].credential.clientSecret')).resolves.toBe(SECRET_VALUE);
    expect(credential.asked).toEqual([{ scopes: ['https://vault.azure.net/.default'], tenantId: KEY_VAULT_TENANT }]);
    expect(vault.requests.map((r) => r.authorization)).toEqual([undefined, `Bearer ${VAULT_TOKEN}`]);
  });

  it('asks for the given version', async () => {
    const vault = mockKeyVault(VAULT, { 'ppmat-secret': SECRET_VALUE }, VAULT_TOKEN);
    await createKeyVaultReader({ credential: fakeCredential() }).read({ vaultUrl: VAULT, name: 'ppmat-secret', version: 'abc123' }, 'x');
    expect(vault.requests.at(-1)!.path).toBe('/secrets/ppmat-secret/abc123');
  });

  it.each([
    ['404: no such secret', 'missing-secret', {}, /tenants\[id=t\]\.credential\.clientSecret: the Key Vault secret "missing-secret" in https:\/\/ppmat-test\.vault\.azure\.net could not be read: the vault has no such secret or version \(404 SecretNotFound\)/],
    [
      '403: access refused',
      'denied-secret',
      { 'denied-secret': { status: 403, code: 'Forbidden', message: `Caller is not authorized; the secret was ${SECRET_VALUE}` } },
      /tenants\[id=t\]\.credential\.clientSecret: the Key Vault secret "denied-secret" in https:\/\/ppmat-test\.vault\.azure\.net could not be read: access refused \(403 Forbidden\): give the identity ppmat uses for Key Vault \(keyVault\.credential\) the "Key Vault Secrets User" role/,
    ],
  ])('%s is a PPMAT_E_SECRET_UNAVAILABLE naming the path, vault and secret', async (_name, secretName, secrets, message) => {
    mockKeyVault(VAULT, { 'ppmat-secret': SECRET_VALUE, ...secrets }, VAULT_TOKEN);
    const error = await createKeyVaultReader({ credential: fakeCredential() })
      .read({ vaultUrl: VAULT, name: secretName }, 'tenants[id=t].credential.clientSecret')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PpmatError);
    expect(error).toMatchObject({ code: 'PPMAT_E_SECRET_UNAVAILABLE', message: expect.stringMatching(message) });
    expect((error as Error).cause).toBeUndefined();
    // Not the body's text (which the vault could fill with anything), not the token.
    expect(String((error as Error).message)).not.toMatch(/kv-secret-value|kv-access-token|not authorized/);
  });

  it('explains a vault that refuses the token, one that cannot be reached and a credential without a token', () => {
    expect(keyVaultFailure({ statusCode: 401, code: 'Unauthorized' }, 1000)).toMatch(/^the vault refused the token \(401 Unauthorized\)/);
    expect(keyVaultFailure({ name: 'RestError', code: 'ECONNREFUSED' }, 1000)).toBe('the vault could not be reached (ECONNREFUSED).');
    expect(keyVaultFailure({ name: 'AbortError' }, 1000)).toBe('no answer within 1000 ms.');
    expect(keyVaultFailure({ name: 'CredentialUnavailableError' }, 1000)).toMatch(/^no token for Key Vault could be obtained \(CredentialUnavailableError\): configure keyVault\.credential/);
  });

  it('never logs the value or the token (ppmat at trace, the Azure SDK at verbose)', async () => {
    mockKeyVault(VAULT, { 'ppmat-secret': SECRET_VALUE, 'denied-secret': { status: 403 } }, VAULT_TOKEN);
    sdkLog.length = 0;
    const lines: string[] = [];
    const log = createLogger({ level: 'trace', destination: new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }) });
    const config = configSchema.parse({
      keyVault: { credential: { kind: 'static', tokenEnv: 'KV_TOKEN' } },
      tenants: [{ id: 'contoso.onmicrosoft.com', credential: { kind: 'clientSecret', clientId: 'c', clientSecret: { keyVault: `${VAULT}/secrets/ppmat-secret` } } }],
    });
    const target = await configuredTarget(config, config.tenants[0]!, log, { KV_TOKEN: VAULT_TOKEN });
    await target.close();
    log.trace({ tenant: target.tenant }, 'built');
    const denied = createSecretResolver({ env: {}, keyVault: createKeyVaultReader({ credential: new StaticTokenCredential(VAULT_TOKEN) }) });
    await expect(denied.read({ keyVault: { vaultUrl: VAULT, name: 'denied-secret' } }, 'alerts.channels[0].secret')).rejects.toMatchObject({ code: 'PPMAT_E_SECRET_UNAVAILABLE' });
    expect(sdkLog.length).toBeGreaterThan(0);
    const everything = [...lines, ...sdkLog].join('\n');
    expect(everything).not.toContain(SECRET_VALUE);
    expect(everything).not.toContain(VAULT_TOKEN);
  });
});

describe('Key Vault credential', () => {
  it('takes a static token from the environment (test rigs) and names the variable when it is unset', async () => {
    await expect(createKeyVaultCredential({ kind: 'static', tokenEnv: 'KV_TOKEN' }, { KV_TOKEN: 't0k' }).getToken('s')).resolves.toMatchObject({ token: 't0k' });
    expect(() => createKeyVaultCredential({ kind: 'static', tokenEnv: 'KV_TOKEN' }, {})).toThrow(/keyVault\.credential: the environment variable KV_TOKEN is not set/);
  });

  it('builds a managed identity or DefaultAzureCredential without reaching anything', () => {
    expect(createKeyVaultCredential({ kind: 'managedIdentity', clientId: 'c' }, {}).constructor.name).toBe('ManagedIdentityCredential');
    expect(createKeyVaultCredential({ kind: 'default' }, {}).constructor.name).toBe('DefaultAzureCredential');
  });
});
