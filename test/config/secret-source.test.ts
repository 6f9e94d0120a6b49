/**
 * Secret sources in ppmat.yaml: the three forms (env, file, Key Vault), the old keys kept
 * working, inline values refused, and the resolver naming the source, never the value.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyVaultReference, KeyVaultSecretReader } from '../../src/auth/key-vault.js';
import { configSchema, credentialSchema } from '../../src/config/config-schema.js';
import { resolveTenantCredential } from '../../src/config/resolve-secrets.js';
import { createSecretResolver, parseKeyVaultSecretUri, parseSecretReference, secretSourceSchema } from '../../src/config/secret-source.js';
import { PpmatError } from '../../src/errors/catalogue.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ppmat-secret-source-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A vault holding `values`; records what was read. */
function fakeVault(values: Record<string, string>): KeyVaultSecretReader & { reads: KeyVaultReference[] } {
  const reads: KeyVaultReference[] = [];
  return {
    reads,
    async read(reference, where) {
      reads.push(reference);
      const value = values[reference.name];
      if (value === undefined) throw new PpmatError('PPMAT_E_SECRET_UNAVAILABLE', `the Key Vault secret "${reference.name}" could not be read: 404.`, { where });
      return value;
    },
  };
}

describe('secretSourceSchema', () => {
  it.each([
    [{ env: 'PPMAT_SECRET' }, { env: 'PPMAT_SECRET' }],
    [{ file: '/run/secrets/ppmat' }, { file: '/run/secrets/ppmat' }],
    [{ keyVault: { vaultUrl: 'https://contoso.vault.azure.net/', name: 'ppmat-secret' } }, { keyVault: { vaultUrl: 'https://contoso.vault.azure.net', name: 'ppmat-secret' } }],
    [
      { keyVault: { vaultUrl: 'https://contoso.vault.azure.net', name: 'ppmat-secret', version: '0123456789abcdef0123456789abcdef' } },
      { keyVault: { vaultUrl: 'https://contoso.vault.azure.net', name: 'ppmat-secret', version: '0123456789abcdef0123456789abcdef' } },
    ],
    [{ keyVault: 'https://contoso.vault.azure.net/secrets/ppmat-secret' }, { keyVault: { vaultUrl: 'https://contoso.vault.azure.net', name: 'ppmat-secret' } }],
    [{ keyVault: 'https://contoso.vault.azure.net/secrets/ppmat-secret/abc123' }, { keyVault: { vaultUrl: 'https://contoso.vault.azure.net', name: 'ppmat-secret', version: 'abc123' } }],
  ])('reads %j', (input, expected) => {
    expect(secretSourceSchema.parse(input)).toEqual(expected);
  });

  it.each([
    ['an inline value', 'hunter2', /must be a reference, \{ env: NAME \}, \{ file: \/path \} or \{ keyVault: \{ vaultUrl, name \} \} \(secrets are never written in ppmat\.yaml\)/],
    ['two sources', { env: 'A', file: '/b' }, /give exactly one of/],
    ['no source', {}, /give exactly one of/],
    ['an http vault', { keyVault: { vaultUrl: 'http://contoso.vault.azure.net', name: 'x' } }, /must be the https URL of the vault/],
    ['a bad secret name', { keyVault: { vaultUrl: 'https://contoso.vault.azure.net', name: 'no_underscores' } }, /must be a Key Vault secret name/],
    ['a URI that is not a secret', { keyVault: 'https://contoso.vault.azure.net/keys/k' }, /must be \{ vaultUrl, name, version\? \} or a secret identifier/],
    ['an unknown key', { env: 'A', value: 'hunter2' }, /Unrecognized key/],
  ])('refuses %s', (_name, input, message) => {
    const parsed = secretSourceSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.message).join('; ')).toMatch(message);
  });
});

describe('credential config', () => {
  it.each([
    ['clientSecretEnv (the old key)', { kind: 'clientSecret', clientId: 'c', clientSecretEnv: 'S' }],
    ['clientSecretFile (the old key)', { kind: 'clientSecret', clientId: 'c', clientSecretFile: '/s' }],
    ['clientSecret from Key Vault', { kind: 'clientSecret', clientId: 'c', clientSecret: { keyVault: 'https://v.vault.azure.net/secrets/s' } }],
    ['a certificate file and a password variable (the old keys)', { kind: 'clientCertificate', clientId: 'c', certificatePath: '/c.pem', certificatePasswordEnv: 'P' }],
    ['a certificate and its password from Key Vault', { kind: 'clientCertificate', clientId: 'c', certificate: { keyVault: 'https://v.vault.azure.net/secrets/cert' }, certificatePassword: { keyVault: 'https://v.vault.azure.net/secrets/pw' } }],
  ])('accepts %s', (_name, input) => {
    expect(credentialSchema.safeParse(input).success).toBe(true);
  });

  it.each([
    ['two client secret sources', { kind: 'clientSecret', clientId: 'c', clientSecretEnv: 'S', clientSecret: { env: 'T' } }, /give exactly one of clientSecret/],
    ['no certificate', { kind: 'clientCertificate', clientId: 'c' }, /give exactly one of certificatePath or certificate/],
    ['two passwords', { kind: 'clientCertificate', clientId: 'c', certificatePath: '/c', certificatePasswordEnv: 'P', certificatePassword: { env: 'Q' } }, /at most one of certificatePassword/],
  ])('refuses %s', (_name, input, message) => {
    const parsed = credentialSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.message).join('; ')).toMatch(message);
  });

  it('defaults the Key Vault identity to DefaultAzureCredential', () => {
    expect(configSchema.parse({}).keyVault).toEqual({ credential: { kind: 'default' }, timeoutMs: 30_000 });
  });
});

describe('string references (alert channels)', () => {
  it.each([
    ['env:HOOK', { env: 'HOOK' }],
    ['file:/run/secrets/hook', { file: '/run/secrets/hook' }],
    ['keyvault:https://v.vault.azure.net/secrets/hook', { keyVault: { vaultUrl: 'https://v.vault.azure.net', name: 'hook' } }],
  ])('%s', (reference, expected) => {
    expect(parseSecretReference(reference)).toEqual(expected);
  });

  it('explains a malformed Key Vault URI', () => {
    expect(parseKeyVaultSecretUri('https://v.vault.azure.net/secrets/a/b/c')).toMatch(/must be https:\/\/<vault>/);
    expect(parseKeyVaultSecretUri('https://v.vault.azure.net/secrets/a?x=1')).toMatch(/query/);
  });
});

describe('createSecretResolver', () => {
  it('reads a variable, a trimmed file and a Key Vault secret, building the vault reader at its first use only', async () => {
    await writeFile(path.join(dir, 'secret'), 'file-secret\n');
    let built = 0;
    const vault = fakeVault({ s: 'vault-secret' });
    const resolver = createSecretResolver({ env: { S: 'env-secret' }, keyVault: () => (built++, vault) });
    await expect(resolver.read({ env: 'S' }, 'x')).resolves.toBe('env-secret');
    await expect(resolver.read({ file: path.join(dir, 'secret') }, 'x')).resolves.toBe('file-secret');
    expect(built).toBe(0);
    await expect(resolver.read({ keyVault: { vaultUrl: 'https://v.vault.azure.net', name: 's' } }, 'x')).resolves.toBe('vault-secret');
    await resolver.read({ keyVault: { vaultUrl: 'https://v.vault.azure.net', name: 's' } }, 'x');
    expect(built).toBe(1);
  });

  it.each([
    ['an unset variable', { env: 'UNSET' }, 'PPMAT_E_CONFIG_INVALID', 'where.path: the environment variable UNSET is not set.'],
    ['a missing file', { file: '/nonexistent/secret' }, 'PPMAT_E_CONFIG_INVALID', 'where.path: cannot read the secret file /nonexistent/secret: ENOENT.'],
    ['an empty Key Vault secret', { keyVault: { vaultUrl: 'https://v.vault.azure.net', name: 'empty' } }, 'PPMAT_E_CONFIG_INVALID', 'where.path: the Key Vault secret "empty" in https://v.vault.azure.net is empty.'],
    ['a Key Vault secret that is not there', { keyVault: { vaultUrl: 'https://v.vault.azure.net', name: 'gone' } }, 'PPMAT_E_SECRET_UNAVAILABLE', 'where.path: the Key Vault secret "gone" could not be read: 404.'],
  ] as const)('refuses %s, naming the path and source', async (_name, source, code, message) => {
    const resolver = createSecretResolver({ env: {}, keyVault: fakeVault({ empty: '' }) });
    await expect(resolver.read(source, 'where.path')).rejects.toMatchObject({ code, message });
  });

  it('refuses Key Vault references when no vault reader is given', async () => {
    await expect(createSecretResolver({ env: {} }).read({ keyVault: { vaultUrl: 'https://v.vault.azure.net', name: 's' } }, 'p')).rejects.toThrow(/Key Vault references are not available/);
  });
});

describe('resolveTenantCredential', () => {
  const PEM = ['-----BEGIN CERTIFICATE-----', 'MIIBfake', '-----END CERTIFICATE-----', '-----BEGIN PRIVATE KEY-----', 'MIIEfake', '-----END PRIVATE KEY-----'].join('\n');
  const tenant = (credential: unknown) => configSchema.parse({ tenants: [{ id: 't1', credential }] }).tenants[0]!;

  it('reads a client secret and a PEM certificate with its password from Key Vault', async () => {
    const secrets = createSecretResolver({ env: {}, keyVault: fakeVault({ s: 'client-secret', cert: PEM, pw: 'cert-password' }) });
    await expect(resolveTenantCredential(tenant({ kind: 'clientSecret', clientId: 'c', clientSecret: { keyVault: 'https://v.vault.azure.net/secrets/s' } }), secrets)).resolves.toEqual({
      kind: 'clientSecret',
      tenantId: 't1',
      clientId: 'c',
      clientSecret: 'client-secret',
    });
    await expect(
      resolveTenantCredential(tenant({ kind: 'clientCertificate', clientId: 'c', certificate: { keyVault: 'https://v.vault.azure.net/secrets/cert' }, certificatePassword: { keyVault: 'https://v.vault.azure.net/secrets/pw' } }), secrets),
    ).resolves.toEqual({ kind: 'clientCertificate', tenantId: 't1', clientId: 'c', certificate: PEM, certificatePassword: 'cert-password' });
  });

  it('refuses a PFX certificate with the way to get PEM, without quoting it', async () => {
    const pfx = Buffer.from('0\u0082\u0001pkcs12 bytes of a certificate').toString('base64').replace(/^.{3}/, 'MII');
    const secrets = createSecretResolver({ env: {}, keyVault: fakeVault({ cert: pfx }) });
    const error = await resolveTenantCredential(tenant({ kind: 'clientCertificate', clientId: 'c', certificate: { keyVault: 'https://v.vault.azure.net/secrets/cert' } }), secrets).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PPMAT_E_CONFIG_INVALID', message: expect.stringMatching(/^tenants\[id=t1\]\.credential\.certificate: the certificate is PKCS#12 \(PFX\).*application\/x-pem-file/) });
    expect((error as Error).message).not.toContain(pfx);
  });
});
