import { DefaultAzureCredential, ManagedIdentityCredential, WorkloadIdentityCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import type { TokenCredential } from '@azure/identity';
import { createCredential, ScrubbedErrorCredential, STATIC_TOKEN_LIFETIME_MS, StaticTokenCredential } from '../../src/auth/credentials.js';

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
    [{ kind: 'managedIdentity' } as const, ManagedIdentityCredential],
    [{ kind: 'managedIdentity', clientId: 'c' } as const, ManagedIdentityCredential],
    [{ kind: 'workloadIdentity', tenantId: 't', clientId: 'c', tokenFilePath: '/var/run/secrets/token' } as const, WorkloadIdentityCredential],
    [{ kind: 'default', tenantId: 't' } as const, DefaultAzureCredential],
  ])('%j', (config, type) => {
    expect(createCredential(config, { authorityHost: 'https://login.microsoftonline.us' })).toBeInstanceOf(type);
  });

  // Credentials holding a secret are wrapped so that their errors never quote it.
  it.each([
    [{ kind: 'clientSecret', tenantId: 't', clientId: 'c', clientSecret: 's' } as const],
    [{ kind: 'clientCertificate', tenantId: 't', clientId: 'c', certificatePath: '/nonexistent.pem', certificatePassword: 'pem-password' } as const],
    [{ kind: 'clientCertificate', tenantId: 't', clientId: 'c', certificate: '-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----' } as const],
    [{ kind: 'static', token: 'x' } as const],
  ])('%j is wrapped', (config) => {
    expect(createCredential(config)).toBeInstanceOf(ScrubbedErrorCredential);
  });
});

describe('ScrubbedErrorCredential', () => {
  const secret = 'Zq8~client.secret-value_0123';
  const failing = (message: string): TokenCredential => ({
    getToken: async () => {
      const error = new Error(message);
      error.name = 'AuthenticationRequiredError';
      Object.assign(error, { errorResponse: { error_description: message } });
      throw error;
    },
  });

  it.each([
    ['as is', `AADSTS7000215: Invalid client secret provided: ${secret}.`],
    ['URL-encoded', `body client_secret=${encodeURIComponent(secret)}`],
    ['base64', `basic ${Buffer.from(secret).toString('base64')}`],
    ['beside a client assertion the endpoint echoed', `request: client_secret=${secret}&client_assertion=eyJhbGciOiJQUzI1NiJ9.eyJhdWQiOiJodHRwcyJ9.c2lnbmF0dXJl`],
  ])('replaces the secret %s in the error and drops the original error', async (_form, message) => {
    const error = (await new ScrubbedErrorCredential(failing(message), [secret]).getToken('scope').catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain(encodeURIComponent(secret));
    expect(error.message).toContain('[redacted]');
    expect(error.message).not.toContain('eyJhbGciOiJQUzI1NiJ9');
    expect(error.name).toBe('AuthenticationRequiredError');
    expect(JSON.stringify({ ...error, cause: error.cause })).not.toContain('client');
  });

  it('passes tokens through', async () => {
    await expect(new ScrubbedErrorCredential(new StaticTokenCredential('tok-123'), ['secret-value']).getToken('scope')).resolves.toMatchObject({ token: 'tok-123' });
  });
});
