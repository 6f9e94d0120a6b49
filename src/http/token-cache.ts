/**
 * Bearer tokens per API surface, cached until shortly before they expire.
 *
 * Why here and not in the credential: the HTTP client must be able to drop a token
 * the API rejected (401) and ask again, and concurrent requests of one surface must
 * share a single token request instead of stampeding the identity endpoint.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import { CollectionError } from '../collectors/types.js';
import type { ApiSurface } from './types.js';

/** A cached token is renewed this long before it expires, so a request never carries a token that expires in flight. */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;

export interface CachedToken {
  token: string;
  /** True when the token came from the cache rather than a fresh credential call. */
  fromCache: boolean;
}

export interface TokenCache {
  get(surface: ApiSurface, signal?: AbortSignal): Promise<CachedToken>;
  /** Forgets the surface's token, e.g. after the API answered 401 to it. */
  invalidate(surface: ApiSurface): void;
}

export interface TokenCacheOptions {
  credential: TokenCredential;
  scopes: Record<ApiSurface, string>;
  now?: () => number;
}

/** Creates a token cache over a credential; one per tenant, shared by all its collector runs. */
export function createTokenCache(options: TokenCacheOptions): TokenCache {
  const now = options.now ?? Date.now;
  const cached = new Map<ApiSurface, AccessToken>();
  const inFlight = new Map<ApiSurface, Promise<AccessToken>>();

  // Renew at the credential's refresh hint when it gives one, else 5 minutes before
  // expiry; never use a token in its last 30 seconds.
  const isFresh = (token: AccessToken): boolean => {
    const renewAt = token.refreshAfterTimestamp ?? token.expiresOnTimestamp - TOKEN_REFRESH_MARGIN_MS;
    return now() < Math.min(renewAt, token.expiresOnTimestamp - TOKEN_REFRESH_MARGIN_MS / 10);
  };

  const fetchToken = async (surface: ApiSurface, signal?: AbortSignal): Promise<AccessToken> => {
    const scope = options.scopes[surface];
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
    cached.set(surface, token);
    return token;
  };

  return {
    async get(surface, signal) {
      const hit = cached.get(surface);
      if (hit && isFresh(hit)) return { token: hit.token, fromCache: true };
      let pending = inFlight.get(surface);
      if (!pending) {
        pending = fetchToken(surface, signal).finally(() => inFlight.delete(surface));
        inFlight.set(surface, pending);
      }
      const token = await pending;
      return { token: token.token, fromCache: false };
    },
    invalidate(surface) {
      cached.delete(surface);
    },
  };
}
