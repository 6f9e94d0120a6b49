import { ClientCertificateCredential, ClientSecretCredential, DefaultAzureCredential, ManagedIdentityCredential, WorkloadIdentityCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { createCredential, STATIC_TOKEN_LIFETIME_MS, StaticTokenCredential } from '../../src/auth/credentials.js';

describe('StaticTokenCredential', () => {
  it('returns its token with a far expiry', async () => {
    const token = await new StaticTokenCredential('abc', { now: () => 1000 }).getToken();
    expect(token).toEqual({ token: 'abc', expiresOnTimestamp: 1000 + STATIC_TOKEN_LIFETIME_MS, tokenType: 'Bearer' });
  });

  it('refuses an empty token', () => {
    expect(() => new StaticTokenCredential('')).toThrow(/non-empty/);
  });
});

describe('createCredential', () => {
  it.each([
    [{ kind: 'clientSecret', tenantId: 't', clientId: 'c', clientSecret: 's' } as const, ClientSecretCredential],
    [{ kind: 'clientCertificate', tenantId: 't', clientId: 'c', certificatePath: '/nonexistent.pem' } as const, ClientCertificateCredential],
    [{ kind: 'managedIdentity' } as const, ManagedIdentityCredential],
    [{ kind: 'managedIdentity', clientId: 'c' } as const, ManagedIdentityCredential],
    [{ kind: 'workloadIdentity', tenantId: 't', clientId: 'c', tokenFilePath: '/var/run/secrets/token' } as const, WorkloadIdentityCredential],
    [{ kind: 'default', tenantId: 't' } as const, DefaultAzureCredential],
    [{ kind: 'static', token: 'x' } as const, StaticTokenCredential],
  ])('%j', (config, type) => {
    expect(createCredential(config, { authorityHost: 'https://login.microsoftonline.us' })).toBeInstanceOf(type);
  });
});
