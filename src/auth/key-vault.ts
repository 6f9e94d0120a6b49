/**
 * Secrets read from Azure Key Vault (`@azure/keyvault-secrets`), for credentials and alert
 * channels whose configuration says `keyVault: ...` instead of an environment variable or a file.
 *
 * The identity that reads the vault is its own credential (managed identity, workload
 * identity or DefaultAzureCredential's chain), built by the composition root from the
 * `keyVault` section and passed in: nothing here is created at import, so tests pass a fake.
 * The SDK authenticates by challenge (a first request without a token gets a 401 naming the
 * tenant and resource), so the vault's tenant needs no configuration.
 */
import {
  DefaultAzureCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import { SecretClient, type SecretClientOptions } from '@azure/keyvault-secrets';
import { PpmatError } from '../errors/catalogue.js';
import { StaticTokenCredential } from './credentials.js';

/** A secret in a vault: the vault's URL (`https://<vault>.vault.azure.net`), the secret's name and, optionally, a fixed version. */
export interface KeyVaultReference {
  vaultUrl: string;
  name: string;
  version?: string | undefined;
}

/** Reads one secret's current (or given) version. */
export interface KeyVaultSecretReader {
  /** The value; PPMAT_E_SECRET_UNAVAILABLE naming `where`, the vault and the secret (never the value) when it cannot be read. */
  read(reference: KeyVaultReference, where: string): Promise<string>;
}

/** What the reader needs of the SDK's client (tests may pass a fake; the default is a `SecretClient` per vault). */
export interface SecretGetter {
  getSecret(name: string, options: { version?: string; abortSignal?: AbortSignal }): Promise<{ value?: string | undefined; properties: { enabled?: boolean | undefined; contentType?: string | undefined } }>;
}

export interface KeyVaultReaderOptions {
  /** The identity that reads the vault (needs the "Key Vault Secrets User" role, or `get` in the vault's access policy). */
  credential: TokenCredential;
  /** One read, retries included, gives up after this long (default 30 s): a start never hangs on an unreachable vault. */
  timeoutMs?: number;
  /** Passed to every `SecretClient` (retries, proxy, ...). */
  clientOptions?: SecretClientOptions;
  /** Builds the client of a vault (default: `new SecretClient(vaultUrl, credential, clientOptions)`). */
  createClient?: (vaultUrl: string, credential: TokenCredential) => SecretGetter;
}

export const DEFAULT_KEY_VAULT_TIMEOUT_MS = 30_000;

/** A reader with one client per vault, shared by every reference to it. */
export function createKeyVaultReader(options: KeyVaultReaderOptions): KeyVaultSecretReader {
  const timeoutMs = options.timeoutMs ?? DEFAULT_KEY_VAULT_TIMEOUT_MS;
  const clientOptions: SecretClientOptions = { retryOptions: { maxRetries: 2 }, ...options.clientOptions };
  const createClient = options.createClient ?? ((vaultUrl, credential) => new SecretClient(vaultUrl, credential, clientOptions));
  const clients = new Map<string, SecretGetter>();
  return {
    async read(reference, where) {
      const shown = `the Key Vault secret "${reference.name}"${reference.version ? ` (version ${reference.version})` : ''} in ${reference.vaultUrl}`;
      let client = clients.get(reference.vaultUrl);
      if (!client) {
        client = createClient(reference.vaultUrl, options.credential);
        clients.set(reference.vaultUrl, client);
      }
      let secret: Awaited<ReturnType<SecretGetter['getSecret']>>;
      try {
        secret = await client.getSecret(reference.name, { ...(reference.version ? { version: reference.version } : {}), abortSignal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        // No `cause`: the SDK's error holds the request, whose Authorization header is the vault token.
        throw new PpmatError('PPMAT_E_SECRET_UNAVAILABLE', `${shown} could not be read: ${keyVaultFailure(error, timeoutMs)}`, { where });
      }
      if (secret.properties.enabled === false) throw new PpmatError('PPMAT_E_SECRET_UNAVAILABLE', `${shown} is disabled: enable it, or name an enabled version.`, { where });
      if (!secret.value) throw new PpmatError('PPMAT_E_SECRET_UNAVAILABLE', `${shown} has no value.`, { where });
      return secret.value;
    },
  };
}

/** Why a read failed, in words an operator can act on; built from the status and code only, never from a body or header. */
export function keyVaultFailure(error: unknown, timeoutMs: number): string {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  const code = (error as { code?: unknown } | null)?.code;
  const codeText = typeof code === 'string' && /^[A-Za-z_]{1,64}$/.test(code) ? ` ${code}` : '';
  if (status === 404) return `the vault has no such secret or version (404${codeText}): check the name and version, and that the secret is not deleted.`;
  if (status === 403) {
    return `access refused (403${codeText}): give the identity ppmat uses for Key Vault (keyVault.credential) the "Key Vault Secrets User" role on the vault, or "get" on secrets in its access policy, and check the vault's firewall.`;
  }
  if (status === 401) return `the vault refused the token (401${codeText}): check keyVault.credential and that the vault belongs to the expected tenant.`;
  if (typeof status === 'number') return `the vault answered ${status}${codeText}.`;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'AbortError' || name === 'TimeoutError') return `no answer within ${timeoutMs} ms.`;
  if (name === 'CredentialUnavailableError' || name === 'AuthenticationError' || name === 'AggregateAuthenticationError') {
    return `no token for Key Vault could be obtained (${String(name)}): configure keyVault.credential (a managed identity, workload identity or the environment's credential).`;
  }
  const errno = typeof code === 'string' && /^E[A-Z_]+$/.test(code) ? ` (${code})` : '';
  return `the vault could not be reached${errno}.`;
}

/** How ppmat authenticates to Key Vault (`keyVault.credential` in ppmat.yaml). */
export type KeyVaultCredentialConfig =
  | { kind: 'default'; managedIdentityClientId?: string | undefined; tenantId?: string | undefined }
  | { kind: 'managedIdentity'; clientId?: string | undefined }
  | { kind: 'workloadIdentity'; tenantId?: string | undefined; clientId?: string | undefined; tokenFilePath?: string | undefined }
  /** A bearer token from an environment variable: test rigs and gateways only. */
  | { kind: 'static'; tokenEnv: string };

/** The Key Vault credential the configuration asks for; `authorityHost` for sovereign clouds. */
export function createKeyVaultCredential(config: KeyVaultCredentialConfig, env: NodeJS.ProcessEnv, options: { authorityHost?: string | undefined } = {}): TokenCredential {
  const identity = options.authorityHost ? { authorityHost: options.authorityHost } : {};
  switch (config.kind) {
    case 'default':
      return new DefaultAzureCredential({
        ...(config.tenantId ? { tenantId: config.tenantId } : {}),
        ...(config.managedIdentityClientId ? { managedIdentityClientId: config.managedIdentityClientId } : {}),
        ...identity,
      });
    case 'managedIdentity':
      return config.clientId ? new ManagedIdentityCredential({ clientId: config.clientId, ...identity }) : new ManagedIdentityCredential(identity);
    case 'workloadIdentity':
      return new WorkloadIdentityCredential({
        ...(config.tenantId ? { tenantId: config.tenantId } : {}),
        ...(config.clientId ? { clientId: config.clientId } : {}),
        ...(config.tokenFilePath ? { tokenFilePath: config.tokenFilePath } : {}),
        ...identity,
      });
    case 'static': {
      const token = env[config.tokenEnv];
      if (!token) throw new PpmatError('PPMAT_E_CONFIG_INVALID', `the environment variable ${config.tokenEnv} is not set.`, { where: 'keyVault.credential' });
      return new StaticTokenCredential(token);
    }
  }
}
