/**
 * Bearer tokens for Microsoft Graph, from the SDK's `TokenCredentialAuthenticationProvider`
 * over the tenant's @azure/identity credential and the cloud's Graph scope.
 *
 * Why not the SDK's `AuthenticationHandler`: it attaches the token only to `https://` URLs of
 * the public Graph hosts or `customHosts` (`GraphRequestUtil.isValidEndpoint`) and strips it
 * otherwise, so the loopback simulator (`http://127.0.0.1:...`) would get no token. The
 * origin check that keeps the token on the configured Graph host is done by
 * {@link PpmatGraphMiddleware} before this middleware runs.
 */
import type { AuthenticationProvider, Context, Middleware } from '@microsoft/microsoft-graph-client';
import { CollectionError } from '../collectors/types.js';
import { GraphTransportError } from './graph-middleware.js';

/** Sets `Authorization: Bearer ...` (and `Accept`) on every attempt; a token failure is PPMAT_E_AUTH_TOKEN. */
export class GraphBearerMiddleware implements Middleware {
  #next: Middleware | undefined;

  constructor(
    private readonly provider: AuthenticationProvider,
    /** Named in errors only; the token itself is never logged nor put in a message. */
    private readonly scope: string,
  ) {}

  setNext(next: Middleware): void {
    this.#next = next;
  }

  async execute(context: Context): Promise<void> {
    if (!this.#next) throw new Error('GraphBearerMiddleware has no next middleware');
    let token: string;
    try {
      token = await this.provider.getAccessToken();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new GraphTransportError(new CollectionError('error', 'PPMAT_E_AUTH_TOKEN', `No access token could be obtained for the graph API (scope ${this.scope}): ${reason}`));
    }
    if (!token) {
      throw new GraphTransportError(new CollectionError('error', 'PPMAT_E_AUTH_TOKEN', `The credential returned no access token for the graph API (scope ${this.scope}).`));
    }
    const headers = new Headers(context.options?.headers as ConstructorParameters<typeof Headers>[0]);
    headers.set('Authorization', `Bearer ${token}`);
    headers.set('Accept', 'application/json');
    context.options = { ...context.options, headers };
    await this.#next.execute(context);
  }
}
