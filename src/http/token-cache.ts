/**
 * Bearer tokens per API surface, cached until shortly before they expire.
 *
 * Why here and not in the credential: the HTTP client must be able to drop a token
 * the API rejected (401) and ask again, and concurrent requests of one surface must
 * share a single token request instead of stampeding the identity endpoint.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import { CollectionError } from '../collectors/types.js';
import type { ApiSurface, RequestSurface } from './types.js';

/** A cached token is renewed this long before it expires, so a request never carries a token that expires in flight. */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;

export interface CachedToken {
  token: string;
  /** True when the token came from the cache rather than a fresh credential call. */
  fromCache: boolean;
}

export interface TokenCache {
  /**
   * The token of a surface. For `dataverse`, `origin` names the environment's Dataverse
   * host and the token is issued for it (`{origin}/.default`): one token per environment.
   */
  get(surface: RequestSurface, signal?: AbortSignal, origin?: string): Promise<CachedToken>;
  /** Forgets the surface's token, e.g. after the API answered 401 to it. */
  invalidate(surface: RequestSurface, origin?: string): void;
}

export interface TokenCacheOptions {
  credential: TokenCredential;
  scopes: Record<ApiSurface, string>;
  now?: () => number;
}

/** Creates a token cache over a credential; one per tenant, shared by all its collector runs. */
export function createTokenCache(options: TokenCacheOptions): TokenCache {
  const now = options.now ?? Date.now;
  // Keyed by scope: the surfaces that share an audience (bap and powerApps) share a token.
  const cached = new Map<string, AccessToken>();
  const inFlight = new Map<string, Promise<AccessToken>>();
  const scopeOf = (surface: RequestSurface, origin: string | undefined): string => {
    if (surface !== 'dataverse') return options.scopes[surface];
    if (!origin) throw new CollectionError('error', 'PPMAT_E_AUTH_TOKEN', 'A Dataverse request needs the environment\'s Dataverse URL to get its token.');
    return `${origin.replace(/\/+$/, '')}/.default`;
  };

  // Renew at the credential's refresh hint when it gives one, else 5 minutes before
  // expiry; never use a token in its last 30 seconds.
  const isFresh = (token: AccessToken): boolean => {
    const renewAt = token.refreshAfterTimestamp ?? token.expiresOnTimestamp - TOKEN_REFRESH_MARGIN_MS;
    return now() < Math.min(renewAt, token.expiresOnTimestamp - TOKEN_REFRESH_MARGIN_MS / 10);
  };

  const fetchToken = async (surface: RequestSurface, scope: string, signal?: AbortSignal): Promise<AccessToken> => {
    let token: AccessToken | null;
    try {
      token = await options.credential.getToken(scope, signal ? { abortSignal: signal } : undefined);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new CollectionError('error', 'PPMAT_E_AUTH_TOKEN', `No access token could be obtained for the ${surface} API (scope ${scope}): ${reason}`);
    }
    if (!token?.token) {
      throw new CollectionError('error', 'PPMAT_E_AUTH_TOKEN', `The credential returned no access token for the ${surface} API (scope ${scope}).`);
    }
    cached.set(scope, token);
    return token;
  };

  return {
    async get(surface, signal, origin) {
      const scope = scopeOf(surface, origin);
      const hit = cached.get(scope);
      if (hit && isFresh(hit)) return { token: hit.token, fromCache: true };
      let pending = inFlight.get(scope);
      if (!pending) {
        pending = fetchToken(surface, scope, signal).finally(() => inFlight.delete(scope));
        inFlight.set(scope, pending);
      }
      const token = await pending;
      return { token: token.token, fromCache: false };
    },
    invalidate(surface, origin) {
      cached.delete(scopeOf(surface, origin));
    },
  };
}
