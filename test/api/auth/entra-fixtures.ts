/** A local Entra ID stand-in: an RSA key pair, its JWKS, and tokens signed with it. */
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JSONWebKeySet, type JWTPayload } from 'jose';
import { entraAuthSchema, type EntraAuthConfig } from '../../../src/config/config-schema.js';

export const TENANT_ID = '11111111-2222-3333-4444-555555555555';
export const CLIENT_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
export const NOW = new Date('2026-03-01T09:00:00.000Z');

export function entraConfig(overrides: Partial<Record<keyof EntraAuthConfig, unknown>> = {}): EntraAuthConfig {
  return entraAuthSchema.parse({ tenantId: TENANT_ID, clientId: CLIENT_ID, ...overrides });
}

export interface SigningKey {
  privateKey: CryptoKey;
  jwks: JSONWebKeySet;
  kid: string;
}

export async function signingKey(kid = 'key-1'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { privateKey, kid, jwks: { keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] } };
}

/** A v2 token of the tenant for the app, valid around NOW, with `claims` added or overriding. */
export async function signToken(key: SigningKey, claims: JWTPayload = {}, options: { issuer?: string; audience?: string; expiresAt?: Date; notBefore?: Date } = {}): Promise<string> {
  const issuedAt = Math.floor(NOW.getTime() / 1000) - 60;
  return new SignJWT({ oid: 'oid-ann', preferred_username: 'ann@contoso.example', name: 'Ann', tid: TENANT_ID, roles: ['Ppmat.Viewer'], ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuer(options.issuer ?? `https://login.microsoftonline.com/${TENANT_ID}/v2.0`)
    .setAudience(options.audience ?? CLIENT_ID)
    .setIssuedAt(issuedAt)
    .setNotBefore(Math.floor((options.notBefore ?? new Date(issuedAt * 1000)).getTime() / 1000))
    .setExpirationTime(Math.floor((options.expiresAt ?? new Date(NOW.getTime() + 3_600_000)).getTime() / 1000))
    .sign(key.privateKey);
}
