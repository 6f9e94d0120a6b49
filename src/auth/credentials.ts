/**
 * Credentials: how ppmat proves who it is to each API audience.
 *
 * Real tenants use @azure/identity (client secret, certificate or managed identity);
 * the simulator and test rigs use {@link StaticTokenCredential}. Both implement
 * `TokenCredential`, so the HTTP client never knows which one it has.
 */
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
  type AccessToken,
  type GetTokenOptions,
  type TokenCredential,
} from '@azure/identity';
import { createScrubber, scrubJwts } from '../log/scrub-secrets.js';

/** How long a static token claims to be valid: far enough that the token cache never renews it. */
export const STATIC_TOKEN_LIFETIME_MS = 365 * 24 * 60 * 60_000;

/**
 * A credential that always returns the same token. For the built-in simulator (which
 * accepts any bearer token) and for tests; never for a real tenant.
 */
export class StaticTokenCredential implements TokenCredential {
  readonly #token: string;
  readonly #now: () => number;

  constructor(token: string, options: { now?: () => number } = {}) {
    if (token === '') throw new Error('StaticTokenCredential needs a non-empty token.');
    this.#token = token;
    this.#now = options.now ?? Date.now;
  }

  async getToken(): Promise<AccessToken> {
    return { token: this.#token, expiresOnTimestamp: this.#now() + STATIC_TOKEN_LIFETIME_MS, tokenType: 'Bearer' };
  }
}

/** The credential kinds a tenant's config may name. Secrets arrive here already read (environment, file or Key Vault: see config/secret-source.ts). */
export type CredentialConfig =
  | { kind: 'clientSecret'; tenantId: string; clientId: string; clientSecret: string }
  /** The certificate and its private key, PEM: a file (`certificatePath`) or its content (`certificate`, e.g. read from Key Vault). */
  | { kind: 'clientCertificate'; tenantId: string; clientId: string; certificatePath: string; certificatePassword?: string }
  | { kind: 'clientCertificate'; tenantId: string; clientId: string; certificate: string; certificatePassword?: string }
  | { kind: 'managedIdentity'; clientId?: string }
  /** Workload identity federation (e.g. AKS): a federated token file instead of a secret. */
  | { kind: 'workloadIdentity'; tenantId: string; clientId?: string; tokenFilePath?: string }
  /** @azure/identity's chain (environment, workload identity, managed identity, Azure CLI, ...): for operators who already use it. */
  | { kind: 'default'; tenantId: string; managedIdentityClientId?: string }
  | { kind: 'static'; token: string };

export interface CreateCredentialOptions {
  /** Entra authority of the tenant's cloud (see `CLOUDS[cloud].authorityHost`); public cloud when omitted. */
  authorityHost?: string;
}

/**
 * Builds the credential a tenant's config asks for. A credential holding a secret (client
 * secret, private key, its password, a static token) is wrapped so that its errors never
 * quote it: the identity libraries copy the token endpoint's `error_description` into their
 * messages, and those messages end up in logs and in the scan's stored collection errors.
 */
export function createCredential(config: CredentialConfig, options: CreateCredentialOptions = {}): TokenCredential {
  const credential = buildCredential(config, options);
  const secrets = credentialSecrets(config);
  return secrets.length === 0 ? credential : new ScrubbedErrorCredential(credential, secrets);
}

/** The secret values a credential config holds (for scrubbing), none for identities without one. */
export function credentialSecrets(config: CredentialConfig): string[] {
  switch (config.kind) {
    case 'clientSecret':
      return [config.clientSecret];
    case 'clientCertificate':
      return [...('certificate' in config ? [config.certificate] : []), ...(config.certificatePassword ? [config.certificatePassword] : [])];
    case 'static':
      return [config.token];
    default:
      return [];
  }
}

/**
 * A credential whose failures are rethrown with every form of its secrets, and any JWT (a
 * client assertion an endpoint echoed), replaced by `[redacted]`, and without the original error (whose properties may hold the endpoint's
 * answer). The error keeps its `name` (e.g. `AuthenticationRequiredError`) so callers can
 * still tell kinds apart.
 */
export class ScrubbedErrorCredential implements TokenCredential {
  readonly #inner: TokenCredential;
  readonly #scrub: (text: string) => string;

  constructor(inner: TokenCredential, secrets: readonly string[]) {
    this.#inner = inner;
    this.#scrub = createScrubber(secrets);
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    try {
      return await this.#inner.getToken(scopes, options);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const scrubbed = new Error(scrubJwts(this.#scrub(message)));
      scrubbed.name = error instanceof Error ? error.name : 'Error';
      throw scrubbed;
    }
  }
}

function buildCredential(config: CredentialConfig, options: CreateCredentialOptions): TokenCredential {
  const identityOptions = options.authorityHost ? { authorityHost: options.authorityHost } : {};
  switch (config.kind) {
    case 'clientSecret':
      return new ClientSecretCredential(config.tenantId, config.clientId, config.clientSecret, identityOptions);
    case 'clientCertificate': {
      const password = config.certificatePassword === undefined ? {} : { certificatePassword: config.certificatePassword };
      return 'certificate' in config
        ? new ClientCertificateCredential(config.tenantId, config.clientId, { certificate: config.certificate, ...password }, identityOptions)
        : new ClientCertificateCredential(config.tenantId, config.clientId, { certificatePath: config.certificatePath, ...password }, identityOptions);
    }
    case 'managedIdentity':
      return config.clientId ? new ManagedIdentityCredential({ clientId: config.clientId, ...identityOptions }) : new ManagedIdentityCredential(identityOptions);
    case 'workloadIdentity':
      return new WorkloadIdentityCredential({
        tenantId: config.tenantId,
        ...(config.clientId ? { clientId: config.clientId } : {}),
        ...(config.tokenFilePath ? { tokenFilePath: config.tokenFilePath } : {}),
        ...identityOptions,
      });
    case 'default':
      return new DefaultAzureCredential({
        tenantId: config.tenantId,
        ...(config.managedIdentityClientId ? { managedIdentityClientId: config.managedIdentityClientId } : {}),
        ...identityOptions,
      });
    case 'static':
      return new StaticTokenCredential(config.token);
  }
}
