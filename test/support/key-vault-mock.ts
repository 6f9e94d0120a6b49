/**
 * A fake Azure Key Vault on nock: the REST API's `GET /secrets/{name}[/{version}]` with the
 * SDK's challenge-based authentication (the first request, without a token, gets a 401 whose
 * `WWW-Authenticate` names the tenant and resource; the SDK then asks its credential for a
 * token and sends it). Each secret answers its value, or a status (403, 404, ...).
 */
import nock from 'nock';

export const KEY_VAULT_TENANT = '72f988bf-0000-4000-8000-2d7cd011db47';
export const KEY_VAULT_CHALLENGE = `Bearer authorization="https://login.microsoftonline.com/${KEY_VAULT_TENANT}", resource="https://vault.azure.net"`;

export type FakeSecret = string | { status: number; code?: string; message?: string };

export interface KeyVaultMock {
  /** Requests received, with the Authorization header each carried. */
  requests: { path: string; authorization: string | undefined }[];
}

/** Mocks `vaultUrl` until `nock.cleanAll()`; `token` is the bearer token the vault accepts (others get 401). */
export function mockKeyVault(vaultUrl: string, secrets: Record<string, FakeSecret>, token: string): KeyVaultMock {
  const mock: KeyVaultMock = { requests: [] };
  nock(vaultUrl)
    .persist()
    .get(/^\/secrets\//)
    .query(true)
    .reply(function reply(uri) {
      const authorization = this.req.headers.authorization as string | undefined;
      const path = uri.split('?')[0]!;
      mock.requests.push({ path, authorization });
      if (authorization === undefined) return [401, { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } }, { 'WWW-Authenticate': KEY_VAULT_CHALLENGE }];
      if (authorization !== `Bearer ${token}`) return [401, { error: { code: 'Unauthorized', message: 'AKV10032: Invalid issuer.' } }, { 'WWW-Authenticate': KEY_VAULT_CHALLENGE }];
      const [, , name, version] = path.split('/');
      const secret = secrets[name ?? ''];
      if (secret === undefined) return [404, { error: { code: 'SecretNotFound', message: `A secret with (name/id) ${name} was not found in this key vault.` } }];
      if (typeof secret !== 'string') return [secret.status, { error: { code: secret.code ?? 'Forbidden', message: secret.message ?? 'The operation is not allowed.' } }];
      const id = `${vaultUrl}/secrets/${name}/${version || '0123456789abcdef0123456789abcdef'}`;
      return [200, { value: secret, id, attributes: { enabled: true, created: 1_700_000_000, updated: 1_700_000_000, recoveryLevel: 'Recoverable+Purgeable' } }];
    });
  return mock;
}
