/**
 * Microsoft Entra ID tokens, checked with jose against the tenant's published signing keys:
 * signature (RS256 only), issuer `{authority}/{tenantId}/v2.0`, audience, expiry and
 * not-before (with a minute of clock skew), then the app roles (`roles` claim) mapped to
 * ppmat's highest granted role. A token without a mapped role is refused, with the roles
 * that would do.
 *
 * The issuer is the v2.0 one, so the app registration must issue v2 access tokens
 * (`"accessTokenAcceptedVersion": 2` in its manifest); a v1 token is refused with that advice.
 */
import { timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { CLOUDS } from '../../auth/clouds.js';
import type { EntraAuthConfig } from '../../config/config-schema.js';
import { PpmatError } from '../../errors/catalogue.js';
import { ROLES, type Principal, type Role } from './principal.js';

/** Where the tenant's OpenID endpoints are, under the configured (or the cloud's) authority. */
export interface EntraEndpoints {
  /** e.g. https://login.microsoftonline.com (no trailing slash). */
  authority: string;
  /** `{authority}/{tenantId}/v2.0`: the `iss` of v2 tokens. */
  issuer: string;
  authorize: string;
  token: string;
  jwks: string;
}

export interface EntraVerifier {
  readonly endpoints: EntraEndpoints;
  /** Checks an access token sent as `Authorization: Bearer` (audience clientId or api://clientId); PPMAT_E_UNAUTHENTICATED with the reason. */
  verify(token: string): Promise<Principal>;
  /** Checks the id_token of the browser sign-in (audience clientId, the sign-in's nonce); PPMAT_E_SIGNIN_FAILED with the reason. */
  verifyIdToken(idToken: string, nonce: string): Promise<Principal>;
}

export interface EntraVerifierOptions {
  /** The signing keys; default: the tenant's JWKS, fetched and cached by jose. */
  jwks?: JWTVerifyGetKey;
  /** What "now" is for exp and nbf. */
  clock?: () => Date;
}

/** Entra tokens are signed with RS256; anything else (e.g. `none`, HS256 with the public key) is refused. */
const ALGORITHMS = ['RS256'];
const CLOCK_TOLERANCE_SECONDS = 60;

export function entraEndpoints(config: EntraAuthConfig): EntraEndpoints {
  const authority = (config.authority ?? CLOUDS[config.cloud].authorityHost).replace(/\/+$/, '');
  const base = `${authority}/${encodeURIComponent(config.tenantId)}`;
  return {
    authority,
    issuer: `${base}/v2.0`,
    authorize: `${base}/oauth2/v2.0/authorize`,
    token: `${base}/oauth2/v2.0/token`,
    jwks: `${base}/discovery/v2.0/keys`,
  };
}

export function createEntraVerifier(config: EntraAuthConfig, options: EntraVerifierOptions = {}): EntraVerifier {
  const endpoints = entraEndpoints(config);
  const keys = options.jwks ?? createRemoteJWKSet(new URL(endpoints.jwks));
  const clock = options.clock ?? (() => new Date());

  const check = async (token: string, audience: string[], code: 'PPMAT_E_UNAUTHENTICATED' | 'PPMAT_E_SIGNIN_FAILED', what: string): Promise<JWTPayload> => {
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: endpoints.issuer,
        audience,
        algorithms: ALGORITHMS,
        currentDate: clock(),
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp'],
      });
      return payload;
    } catch (error) {
      throw new PpmatError(code, `the ${what} was refused: ${reasonOf(error, token, endpoints, audience)}`);
    }
  };

  return {
    endpoints,
    async verify(token) {
      const payload = await check(token, [config.clientId, `api://${config.clientId}`], 'PPMAT_E_UNAUTHENTICATED', 'Microsoft Entra ID access token');
      return principalOf(payload, config, 'PPMAT_E_UNAUTHENTICATED');
    },
    async verifyIdToken(idToken, nonce) {
      const payload = await check(idToken, [config.clientId], 'PPMAT_E_SIGNIN_FAILED', 'Microsoft Entra ID sign-in token');
      if (typeof payload.nonce !== 'string' || !sameText(payload.nonce, nonce)) {
        throw new PpmatError('PPMAT_E_SIGNIN_FAILED', 'the sign-in token does not carry the nonce of this sign-in (a replayed or foreign token); sign in again.');
      }
      return principalOf(payload, config, 'PPMAT_E_SIGNIN_FAILED');
    },
  };
}

/** The highest ppmat role the token's app roles grant, or null. */
export function mapRoles(claim: unknown, roles: EntraAuthConfig['roles']): Role | null {
  const granted = new Set(Array.isArray(claim) ? claim.filter((r): r is string => typeof r === 'string') : []);
  for (const role of [...ROLES].reverse()) {
    if (roles[role].some((appRole) => granted.has(appRole))) return role;
  }
  return null;
}

function principalOf(payload: JWTPayload, config: EntraAuthConfig, code: 'PPMAT_E_UNAUTHENTICATED' | 'PPMAT_E_SIGNIN_FAILED'): Principal {
  const oid = typeof payload.oid === 'string' && payload.oid !== '' ? payload.oid : null;
  if (!oid) throw new PpmatError(code, 'the token has no object id (oid claim), so it names nobody ppmat can record.');
  const role = mapRoles(payload.roles, config.roles);
  if (!role) {
    const names = ROLES.flatMap((r) => config.roles[r]);
    throw new PpmatError(
      code,
      `the token has none of the app roles ${names.join(', ')}; assign one to the user or application in Microsoft Entra ID (Enterprise applications > Users and groups).`,
    );
  }
  const name = stringClaim(payload.preferred_username) ?? stringClaim(payload.name) ?? oid;
  return { kind: 'entra', id: oid, name, role, tenants: null };
}

/** Constant-time equality of two strings (the nonce is a secret of the sign-in). */
function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const stringClaim = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** Why jose refused the token, in words; never the token itself. */
function reasonOf(error: unknown, token: string, endpoints: EntraEndpoints, audience: string[]): string {
  if (error instanceof errors.JWTExpired) return 'it has expired.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    const claims = safeClaims(token);
    switch (error.claim) {
      case 'iss':
        if (typeof claims?.iss === 'string' && claims.iss.startsWith('https://sts.windows.net/')) {
          return `it is a v1.0 token (issuer ${claims.iss}); set "accessTokenAcceptedVersion": 2 in the app registration's manifest.`;
        }
        return `its issuer ${quote(claims?.iss)} is not ${endpoints.issuer}.`;
      case 'aud':
        return `its audience ${quote(claims?.aud)} is not ${audience.join(' or ')}.`;
      case 'nbf':
        return 'it is not valid yet (nbf).';
      case 'exp':
        return 'it has no expiry (exp).';
      default:
        return `its ${error.claim} claim is invalid.`;
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return `it is not signed with ${ALGORITHMS.join(' or ')}.`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'its signature does not verify.';
  if (error instanceof errors.JWKSNoMatchingKey) return "it is signed with a key the tenant's published keys do not include.";
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return `the signing keys could not be read from ${endpoints.jwks}.`;
  if (error instanceof errors.JWTInvalid || error instanceof errors.JWSInvalid) return 'it is not a well-formed signed JWT.';
  if (error instanceof errors.JOSEError) return `it could not be verified (${error.code}).`;
  return `it could not be verified (${error instanceof Error ? error.message.slice(0, 200) : 'unknown error'}).`;
}

function safeClaims(token: string): JWTPayload | null {
  try {
    return decodeJwt(token);
  } catch {
    return null;
  }
}

const quote = (value: unknown): string => (value === undefined ? '(none)' : JSON.stringify(value));
