/**
 * Turns a request's credentials into a {@link Principal}: an API token (`Bearer ppmat_…`),
 * a Microsoft Entra ID access token (any other `Bearer` JWT, when Entra is configured), or
 * the dashboard's session cookie. Every refusal is PPMAT_E_UNAUTHENTICATED with the reason,
 * and never the credential itself.
 */
import { PpmatError } from '../../errors/catalogue.js';
import type { SessionRepository } from '../../store/session-repository.js';
import { isApiToken, type TokenCheck, type TokenRepository } from '../../store/token-repository.js';
import type { EntraVerifier } from './entra-verifier.js';
import type { Principal } from './principal.js';

export interface Credentials {
  /** The Authorization header, as sent. */
  authorization?: string;
  /** The `ppmat_session` cookie's value. */
  sessionCookie?: string;
}

export interface Authenticator {
  /** The caller; PPMAT_E_UNAUTHENTICATED when the credentials are missing or invalid. */
  authenticate(credentials: Credentials): Promise<Principal>;
}

export interface AuthenticatorDeps {
  tokens: Pick<TokenRepository, 'verify'>;
  sessions: Pick<SessionRepository, 'get'>;
  /** Absent when `api.auth.entra` is not configured: Entra tokens are then refused. */
  entra?: Pick<EntraVerifier, 'verify'> | undefined;
  clock: () => Date;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

const TOKEN_REFUSALS: Record<Exclude<TokenCheck, { ok: true }>['reason'], string> = {
  malformed: 'the API token is malformed; it looks like ppmat_<id>_<secret>, as `ppmat tokens create` printed it.',
  unknown: 'the API token is not known: its id or secret is wrong, or it was deleted.',
  revoked: 'the API token was revoked.',
  expired: 'the API token has expired; create a new one with `ppmat tokens create`.',
};

export function createAuthenticator(deps: AuthenticatorDeps): Authenticator {
  const refuse = (why: string): never => {
    throw new PpmatError('PPMAT_E_UNAUTHENTICATED', why);
  };
  return {
    async authenticate({ authorization, sessionCookie }) {
      if (authorization !== undefined) {
        const match = BEARER.exec(authorization);
        if (!match) return refuse('the Authorization header must be "Bearer <token>".');
        const token = match[1]!;
        if (isApiToken(token)) {
          const check = await deps.tokens.verify(token);
          if (!check.ok) return refuse(TOKEN_REFUSALS[check.reason]);
          const { record } = check;
          return { kind: 'token', id: record.id, name: record.name, role: record.role, tenants: record.tenants };
        }
        if (!deps.entra) {
          return refuse('the bearer token is not a ppmat API token (ppmat_…), and Microsoft Entra ID sign-in is not configured (api.auth.entra).');
        }
        return deps.entra.verify(token);
      }
      if (sessionCookie !== undefined && sessionCookie !== '') {
        const principal = await deps.sessions.get(sessionCookie, deps.clock());
        if (!principal) return refuse('the session has expired or was signed out; sign in again.');
        return principal;
      }
      return refuse('no credentials: send "Authorization: Bearer <token>" (an API token or a Microsoft Entra ID access token), or sign in.');
    },
  };
}
