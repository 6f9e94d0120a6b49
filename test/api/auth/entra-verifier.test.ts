/**
 * Entra ID tokens checked with jose against a locally generated key pair: a valid token maps
 * its app roles to the highest ppmat role; a wrong audience, issuer, key, algorithm, an
 * expired or not-yet-valid token, and one without a mapped role are refused with the reason.
 */
import { createLocalJWKSet, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEntraVerifier, entraEndpoints, mapRoles, type EntraVerifier } from '../../../src/api/auth/entra-verifier.js';
import { CLIENT_ID, entraConfig, NOW, signingKey, signToken, TENANT_ID, type SigningKey } from './entra-fixtures.js';

let key: SigningKey;
let verifier: EntraVerifier;
beforeAll(async () => {
  key = await signingKey();
  verifier = createEntraVerifier(entraConfig(), { jwks: createLocalJWKSet(key.jwks), clock: () => NOW });
});

const ISSUER = `https://login.microsoftonline.com/${TENANT_ID}/v2.0`;

describe('Entra ID verifier', () => {
  it('accepts a valid token for the app (either audience form) as an entra principal of every tenant', async () => {
    for (const audience of [CLIENT_ID, `api://${CLIENT_ID}`]) {
      await expect(verifier.verify(await signToken(key, {}, { audience }))).resolves.toEqual({ kind: 'entra', id: 'oid-ann', name: 'ann@contoso.example', role: 'viewer', tenants: null });
    }
  });

  it.each([
    [['Ppmat.Viewer'], 'viewer'],
    [['Ppmat.Attester'], 'attester'],
    [['Ppmat.Viewer', 'Ppmat.Admin', 'Ppmat.Attester'], 'admin'],
    [['Other.Role', 'Ppmat.Attester'], 'attester'],
  ])('maps the app roles %j to %s (the highest)', async (roles, role) => {
    await expect(verifier.verify(await signToken(key, { roles }))).resolves.toMatchObject({ role });
  });

  it('maps configured app role names', async () => {
    const custom = createEntraVerifier(entraConfig({ roles: { admin: ['CoE.Lead'], viewer: ['Everyone'] } }), { jwks: createLocalJWKSet(key.jwks), clock: () => NOW });
    await expect(custom.verify(await signToken(key, { roles: ['CoE.Lead'] }))).resolves.toMatchObject({ role: 'admin' });
    await expect(custom.verify(await signToken(key, { roles: ['Ppmat.Attester'] }))).resolves.toMatchObject({ role: 'attester' });
    await expect(custom.verify(await signToken(key, { roles: ['Ppmat.Admin'] }))).rejects.toThrow(/none of the app roles Everyone, Ppmat\.Attester, CoE\.Lead;/);
    expect(mapRoles('not-a-list', entraConfig().roles)).toBeNull();
  });

  it.each([
    ['the name claim when there is no preferred_username', { preferred_username: undefined }, 'Ann'],
    ['the object id when there is no name at all', { preferred_username: undefined, name: undefined }, 'oid-ann'],
  ])('names the principal with %s', async (_name, claims, name) => {
    await expect(verifier.verify(await signToken(key, claims))).resolves.toMatchObject({ name });
  });

  it.each<[string, () => Promise<string>, RegExp]>([
    ['a wrong audience', () => signToken(key, {}, { audience: 'api://someone-else' }), /audience "api:\/\/someone-else" is not aaaaaaaa-.* or api:\/\/aaaaaaaa-/],
    ['a wrong issuer', () => signToken(key, {}, { issuer: 'https://login.microsoftonline.com/other-tenant/v2.0' }), /issuer "https:\/\/login\.microsoftonline\.com\/other-tenant\/v2\.0" is not https:\/\/login\.microsoftonline\.com\/11111111-/],
    ['a v1.0 token', () => signToken(key, {}, { issuer: `https://sts.windows.net/${TENANT_ID}/` }), /v1\.0 token .*accessTokenAcceptedVersion/],
    ['an expired token', () => signToken(key, {}, { expiresAt: new Date(NOW.getTime() - 5 * 60_000) }), /it has expired/],
    ['a token not valid yet', () => signToken(key, {}, { notBefore: new Date(NOW.getTime() + 5 * 60_000) }), /not valid yet/],
    ['a token without a mapped role', () => signToken(key, { roles: ['Something.Else'] }), /none of the app roles Ppmat\.Viewer, Ppmat\.Attester, Ppmat\.Admin/],
    ['a token without roles', () => signToken(key, { roles: undefined }), /none of the app roles/],
    ['a token without an object id', () => signToken(key, { oid: undefined }), /no object id/],
    ['a token signed by another key', async () => signToken({ ...(await signingKey()), kid: 'key-1' }), /signature does not verify/],
    ['a token with an unknown key id', async () => signToken(await signingKey('key-2')), /key the tenant's published keys do not include/],
    [
      'an HS256 token',
      () => new SignJWT({ oid: 'x', roles: ['Ppmat.Admin'] }).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setAudience(CLIENT_ID).setExpirationTime('1h').sign(new TextEncoder().encode('x'.repeat(32))),
      /not signed with RS256/,
    ],
    ['garbage', async () => 'not.a.jwt', /not a well-formed signed JWT/],
  ])('refuses %s with PPMAT_E_UNAUTHENTICATED and the reason', async (_name, token, reason) => {
    const presented = await token();
    const error = await verifier.verify(presented).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PPMAT_E_UNAUTHENTICATED', message: expect.stringMatching(reason) });
    expect((error as Error).message).not.toContain(presented);
  });

  it('checks an id_token against the client id (not api://) and the sign-in nonce', async () => {
    await expect(verifier.verifyIdToken(await signToken(key, { nonce: 'n-1' }), 'n-1')).resolves.toMatchObject({ kind: 'entra', id: 'oid-ann' });
    await expect(verifier.verifyIdToken(await signToken(key, { nonce: 'n-1' }), 'n-2')).rejects.toMatchObject({ code: 'PPMAT_E_SIGNIN_FAILED', message: expect.stringMatching(/nonce/) });
    await expect(verifier.verifyIdToken(await signToken(key, {}), 'n-1')).rejects.toMatchObject({ code: 'PPMAT_E_SIGNIN_FAILED' });
    await expect(verifier.verifyIdToken(await signToken(key, { nonce: 'n-1' }, { audience: `api://${CLIENT_ID}` }), 'n-1')).rejects.toMatchObject({ code: 'PPMAT_E_SIGNIN_FAILED', message: expect.stringMatching(/audience/) });
  });

  it.each([
    [{}, 'https://login.microsoftonline.com'],
    [{ cloud: 'gcchigh' }, 'https://login.microsoftonline.us'],
    [{ cloud: 'china' }, 'https://login.chinacloudapi.cn'],
    [{ authority: 'https://login.example.test/' }, 'https://login.example.test'],
  ])('finds the endpoints of %j under %s', (overrides, authority) => {
    expect(entraEndpoints(entraConfig(overrides))).toEqual({
      authority,
      issuer: `${authority}/${TENANT_ID}/v2.0`,
      authorize: `${authority}/${TENANT_ID}/oauth2/v2.0/authorize`,
      token: `${authority}/${TENANT_ID}/oauth2/v2.0/token`,
      jwks: `${authority}/${TENANT_ID}/discovery/v2.0/keys`,
    });
  });
});
