/**
 * One way in per credential: `Bearer ppmat_…` to the token store, any other bearer to Entra
 * (when configured), else the session cookie; each refusal is PPMAT_E_UNAUTHENTICATED with
 * the reason and never the credential.
 */
import { createLocalJWKSet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, type Authenticator, type Credentials } from '../../../src/api/auth/authenticator.js';
import { createEntraVerifier } from '../../../src/api/auth/entra-verifier.js';
import { createSessionRepository } from '../../../src/store/session-repository.js';
import { createTokenRepository } from '../../../src/store/token-repository.js';
import { openTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { entraConfig, NOW, signingKey, signToken, type SigningKey } from './entra-fixtures.js';

let db: TestDatabase;
let key: SigningKey;
let withEntra: Authenticator;
let withoutEntra: Authenticator;
const clock = () => NOW;
const secrets: Record<string, string> = {};

beforeAll(async () => {
  db = await openTestDatabase();
  key = await signingKey();
  const tokens = createTokenRepository(db.prisma, { clock });
  const sessions = createSessionRepository(db.prisma, { clock });
  const entra = createEntraVerifier(entraConfig(), { jwks: createLocalJWKSet(key.jwks), clock });
  withEntra = createAuthenticator({ tokens, sessions, entra, clock });
  withoutEntra = createAuthenticator({ tokens, sessions, clock });
  const scoped = await tokens.create({ name: 'ci', role: 'attester', tenants: ['t1'], expiresAt: null, createdBy: 'test' });
  secrets.scoped = scoped.token;
  secrets.scopedId = scoped.record.id;
  const revoked = await tokens.create({ name: 'old', role: 'admin', tenants: null, expiresAt: null, createdBy: 'test' });
  await tokens.revoke(revoked.record.id, 'test');
  secrets.revoked = revoked.token;
  const expired = await tokens.create({ name: 'short', role: 'admin', tenants: null, expiresAt: new Date(NOW.getTime() + 1), createdBy: 'test' });
  await db.prisma.apiToken.update({ where: { id: expired.record.id }, data: { expiresAt: new Date(NOW.getTime() - 1) } });
  secrets.expired = expired.token;
  secrets.session = await sessions.create({ kind: 'entra', id: 'oid-bob', name: 'bob@contoso.example', role: 'admin', tenants: null }, new Date(NOW.getTime() + 3_600_000));
  secrets.oldSession = await sessions.create({ kind: 'entra', id: 'oid-bob', name: 'bob@contoso.example', role: 'admin', tenants: null }, new Date(NOW.getTime() - 1));
  secrets.jwt = await signToken(key, { roles: ['Ppmat.Attester'] });
});
afterAll(async () => {
  await db?.dispose();
});

describe('authenticator', () => {
  it('accepts an API token as a token principal with its tenants', async () => {
    await expect(withEntra.authenticate({ authorization: `Bearer ${secrets.scoped}` })).resolves.toEqual({ kind: 'token', id: secrets.scopedId, name: 'ci', role: 'attester', tenants: ['t1'] });
    await expect(withoutEntra.authenticate({ authorization: `bearer  ${secrets.scoped}`, sessionCookie: 'ignored' })).resolves.toMatchObject({ kind: 'token' });
  });

  it('accepts an Entra access token when Entra is configured', async () => {
    await expect(withEntra.authenticate({ authorization: `Bearer ${secrets.jwt}` })).resolves.toEqual({ kind: 'entra', id: 'oid-ann', name: 'ann@contoso.example', role: 'attester', tenants: null });
  });

  it('accepts a session cookie when there is no Authorization header', async () => {
    await expect(withEntra.authenticate({ sessionCookie: secrets.session })).resolves.toEqual({ kind: 'session', id: 'oid-bob', name: 'bob@contoso.example', role: 'admin', tenants: null });
  });

  it.each<[string, () => Credentials, RegExp]>([
    ['nothing', () => ({}), /no credentials/],
    ['a Basic header', () => ({ authorization: 'Basic YWRtaW46YWRtaW4=' }), /must be "Bearer <token>"/],
    ['a malformed API token', () => ({ authorization: 'Bearer ppmat_nope' }), /malformed/],
    ['an unknown API token', () => ({ authorization: `Bearer ${secrets.scoped!.slice(0, -2)}xx` }), /not known/],
    ['a revoked API token', () => ({ authorization: `Bearer ${secrets.revoked}` }), /was revoked/],
    ['an expired API token', () => ({ authorization: `Bearer ${secrets.expired}` }), /has expired/],
    ['a JWT without Entra configured', () => ({ authorization: `Bearer ${secrets.jwt}` }), /not configured \(api\.auth\.entra\)/],
    ['an unknown session cookie', () => ({ sessionCookie: 'forged' }), /session has expired or was signed out/],
    ['an expired session', () => ({ sessionCookie: secrets.oldSession }), /session has expired/],
  ])('refuses %s', async (_name, credentials, reason) => {
    const presented = credentials();
    const error = await withoutEntra.authenticate(presented).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PPMAT_E_UNAUTHENTICATED', message: expect.stringMatching(reason) });
    for (const value of Object.values(presented)) {
      const secret = String(value).replace(/^Bearer\s+/i, '');
      if (secret.length > 12) expect((error as Error).message).not.toContain(secret);
    }
  });

  it('refuses a bad Entra token with the verifier\'s reason, and an Authorization header wins over a cookie', async () => {
    const expired = await signToken(key, {}, { expiresAt: new Date(NOW.getTime() - 600_000) });
    await expect(withEntra.authenticate({ authorization: `Bearer ${expired}`, sessionCookie: secrets.session })).rejects.toMatchObject({ code: 'PPMAT_E_UNAUTHENTICATED', message: expect.stringMatching(/expired/) });
  });
});
