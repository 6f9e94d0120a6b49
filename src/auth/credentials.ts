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
  type TokenCredential,
} from '@azure/identity';

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

/** The credential kinds a tenant's config may name. Secrets arrive here already read from env or file. */
export type CredentialConfig =
  | { kind: 'clientSecret'; tenantId: string; clientId: string; clientSecret: string }
  | { kind: 'clientCertificate'; tenantId: string; clientId: string; certificatePath: string; certificatePassword?: string }
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

/** Builds the credential a tenant's config asks for. */
export function createCredential(config: CredentialConfig, options: CreateCredentialOptions = {}): TokenCredential {
  const identityOptions = options.authorityHost ? { authorityHost: options.authorityHost } : {};
  switch (config.kind) {
    case 'clientSecret':
      return new ClientSecretCredential(config.tenantId, config.clientId, config.clientSecret, identityOptions);
    case 'clientCertificate':
      return new ClientCertificateCredential(
        config.tenantId,
        config.clientId,
        config.certificatePassword === undefined
          ? { certificatePath: config.certificatePath }
          : { certificatePath: config.certificatePath, certificatePassword: config.certificatePassword },
        identityOptions,
      );
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
