/**
 * From configuration to secrets: the resolver a command uses (Key Vault reached only when a
 * reference needs it, with the identity of `keyVault.credential`), and a tenant's credential
 * with its secrets read.
 */
import type { CredentialConfig as ResolvedCredential } from '../auth/credentials.js';
import { createKeyVaultCredential, createKeyVaultReader, type KeyVaultSecretReader } from '../auth/key-vault.js';
import { PpmatError } from '../errors/catalogue.js';
import type { Config, TenantConfig } from './config-schema.js';
import { createSecretResolver, type SecretResolver, type SecretSource } from './secret-source.js';

/**
 * The resolver of a command or service. The Key Vault credential is built at the first Key
 * Vault reference (a configuration without one never touches @azure/identity for it).
 */
export function secretResolverFor(config: Pick<Config, 'keyVault'>, env: NodeJS.ProcessEnv): SecretResolver {
  return createSecretResolver({ env, keyVault: keyVaultReaderFor(config, env) });
}

/** A factory of the Key Vault reader `keyVault` configures, to call at the first Key Vault reference. */
export function keyVaultReaderFor(config: Pick<Config, 'keyVault'>, env: NodeJS.ProcessEnv): () => KeyVaultSecretReader {
  return () =>
    createKeyVaultReader({
      credential: createKeyVaultCredential(config.keyVault.credential, env, { authorityHost: config.keyVault.authorityHost }),
      timeoutMs: config.keyVault.timeoutMs,
    });
}

/** Where a tenant's credential is named in messages. */
export function credentialPath(tenant: Pick<TenantConfig, 'id'>): string {
  return `tenants[id=${tenant.id}].credential`;
}

/** The tenant's credential with its secrets read from their sources (env, file, Key Vault). */
export async function resolveTenantCredential(tenant: TenantConfig, secrets: SecretResolver): Promise<ResolvedCredential> {
  const c = tenant.credential;
  const where = credentialPath(tenant);
  switch (c.kind) {
    case 'clientSecret': {
      const source: SecretSource = c.clientSecret ?? (c.clientSecretEnv ? { env: c.clientSecretEnv } : { file: c.clientSecretFile! });
      return { kind: 'clientSecret', tenantId: tenant.id, clientId: c.clientId, clientSecret: await secrets.read(source, `${where}.clientSecret`) };
    }
    case 'clientCertificate': {
      const passwordSource: SecretSource | undefined = c.certificatePassword ?? (c.certificatePasswordEnv ? { env: c.certificatePasswordEnv } : undefined);
      const password = passwordSource ? { certificatePassword: await secrets.read(passwordSource, `${where}.certificatePassword`) } : {};
      if (c.certificatePath) return { kind: 'clientCertificate', tenantId: tenant.id, clientId: c.clientId, certificatePath: c.certificatePath, ...password };
      const certificate = await secrets.read(c.certificate!, `${where}.certificate`);
      assertPem(certificate, `${where}.certificate`);
      return { kind: 'clientCertificate', tenantId: tenant.id, clientId: c.clientId, certificate, ...password };
    }
    case 'managedIdentity':
      return { kind: 'managedIdentity', ...(c.clientId ? { clientId: c.clientId } : {}) };
    case 'workloadIdentity':
      return { kind: 'workloadIdentity', tenantId: tenant.id, ...(c.clientId ? { clientId: c.clientId } : {}), ...(c.tokenFilePath ? { tokenFilePath: c.tokenFilePath } : {}) };
    case 'default':
      return { kind: 'default', tenantId: tenant.id, ...(c.managedIdentityClientId ? { managedIdentityClientId: c.managedIdentityClientId } : {}) };
    case 'static':
      return { kind: 'static', token: await secrets.read({ env: c.tokenEnv }, `${where}.tokenEnv`) };
  }
}

/**
 * A certificate must be PEM (what @azure/identity reads). A Key Vault certificate of content
 * type PKCS#12 comes back as base64 PFX: say how to get PEM instead of failing at the first token.
 */
function assertPem(certificate: string, where: string): void {
  if (/-----BEGIN CERTIFICATE-----/.test(certificate) && /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(certificate)) return;
  const pfx = /^[A-Za-z0-9+/=\s]+$/.test(certificate) && certificate.trim().startsWith('MII');
  throw new PpmatError(
    'PPMAT_E_CONFIG_INVALID',
    pfx
      ? 'the certificate is PKCS#12 (PFX), and ppmat reads PEM: create the Key Vault certificate with content type application/x-pem-file, or store the PEM (certificate and private key) as a secret.'
      : 'the certificate is not PEM with both a CERTIFICATE and a PRIVATE KEY block.',
    { where },
  );
}
