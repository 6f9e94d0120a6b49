/**
 * The Microsoft Graph client of one tenant, built on `@microsoft/microsoft-graph-client`:
 * `Client.initWithMiddleware` with the chain
 *
 *   PpmatGraphMiddleware (stats, retries, timeouts, errors) → GraphBearerMiddleware
 *   (TokenCredentialAuthenticationProvider) → the SDK's HTTPMessageHandler (fetch)
 *
 * and the SDK's `PageIterator` for `@odata.nextLink` paging. Each collector run gets a
 * `scoped(stats)` sibling that counts into the stats object of that run's HttpClient, so
 * Graph requests, retries, throttling, bytes and pages end up on the same CollectorRun.
 * Nothing here is global: every dependency comes in through the options.
 */
import { Client, HTTPMessageHandler, PageIterator, type PageCollection } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import type { TokenCredential } from '@azure/identity';
import type { Logger } from 'pino';
import { CollectionError } from '../collectors/types.js';
import { GraphBearerMiddleware } from './graph-auth.js';
import { GraphPageOption, GraphTransportError, PpmatGraphMiddleware } from './graph-middleware.js';
import { GRAPH_API_VERSION } from './graph-permissions.js';
import { malformedError } from './http-errors.js';
import { redactUrl } from './redact.js';
import { resolveRetryPolicy, type RetryPolicy, type RetryPolicyOptions } from './retry-policy.js';
import type { HttpStats } from './types.js';

export interface GraphListOptions {
  signal?: AbortSignal;
  /** Called after each page is read, with the page number (1-based). */
  onPage?: (page: number) => void;
}

export interface GraphRequestOptions {
  /** A JSON body (sent with `Content-Type: application/json`); POST only. */
  body?: unknown;
  signal?: AbortSignal;
}

/** What collectors see: one call that reads a whole Graph collection, and one for any other JSON request. */
export interface GraphClient {
  /**
   * GETs a collection (`path` relative to the version root, with its query, e.g.
   * `/identity/conditionalAccess/policies`) and every further page. Fails with a
   * CollectionError only; a 403 names the Graph permission the endpoint needs.
   */
  list<T = unknown>(path: string, options?: GraphListOptions): Promise<T[]>;
  /** GETs only the first page of a collection: a cheap "is this readable?" probe (`ppmat doctor`). */
  firstPage<T = unknown>(path: string, options?: Pick<GraphListOptions, 'signal'>): Promise<T[]>;
  /**
   * One request that is not a list (a JSON `$batch` POST, a single object GET), answering its
   * parsed JSON body (null when empty). Counted, throttled, retried and mapped to a
   * CollectionError like every Graph call; a 2xx body that is not JSON is PPMAT_E_MALFORMED_RESPONSE.
   */
  request<T = unknown>(method: 'GET' | 'POST', path: string, options?: GraphRequestOptions): Promise<T>;
  /** The stats this client counts into (shared with the collector run's HttpClient). */
  readonly stats: HttpStats;
}

/** The tenant's root client, plus a sibling per collector run. */
export interface PpmatGraphClient extends GraphClient {
  /** A client with the same settings and credential that counts into `stats` (fresh zeroed stats when omitted). */
  scoped(stats?: HttpStats): PpmatGraphClient;
}

export interface GraphClientOptions extends RetryPolicyOptions {
  /** Graph base URL of the tenant's cloud (config `endpoints.graph` overrides it; the simulator's URL in demos). */
  baseUrl: string;
  /** Token scope, e.g. `https://graph.microsoft.com/.default` (config `scopes.graph` overrides it). */
  scope: string;
  credential: TokenCredential;
  log: Logger;
}

interface Settings extends RetryPolicy {
  baseUrl: string;
  scope: string;
  provider: TokenCredentialAuthenticationProvider;
  log: Logger;
}

/** Creates the Graph client of one tenant. */
export function createGraphClient(options: GraphClientOptions): PpmatGraphClient {
  const settings: Settings = {
    ...resolveRetryPolicy(options),
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    scope: options.scope,
    // The provider asks the credential on every request; @azure/identity credentials cache tokens themselves.
    provider: new TokenCredentialAuthenticationProvider(options.credential, { scopes: [options.scope] }),
    log: 'component' in options.log.bindings() ? options.log : options.log.child({ component: 'graph' }),
  };
  return buildClient(settings, { requests: 0, retries: 0, throttled: 0, throttledMs: 0, bytes: 0, pages: 0 });
}

function buildClient(settings: Settings, stats: HttpStats): PpmatGraphClient {
  const client = Client.initWithMiddleware({
    baseUrl: settings.baseUrl,
    defaultVersion: GRAPH_API_VERSION,
    middleware: [new PpmatGraphMiddleware({ ...settings, stats }), new GraphBearerMiddleware(settings.provider, settings.scope), new HTTPMessageHandler()],
  });

  async function list<T>(path: string, options: GraphListOptions = {}): Promise<T[]> {
    const page = new GraphPageOption(settings.maxPages, options.onPage);
    const fetchOptions = options.signal ? { signal: options.signal } : {};
    const shown = redactUrl(`${settings.baseUrl}/${GRAPH_API_VERSION}${path}`);
    const items: T[] = [];
    try {
      const first = (await client.api(path).middlewareOptions([page]).options(fetchOptions).get()) as PageCollection;
      const iterator = new PageIterator(
        client,
        first,
        (item: T) => {
          items.push(item);
          return true;
        },
        { middlewareOptions: [page], options: fetchOptions },
      );
      await iterator.iterate();
      if (!iterator.isComplete()) throw malformedError('GET', shown, 200, 'a page has no array "value"');
      return items;
    } catch (error) {
      throw asCollectionError(error, shown);
    }
  }

  async function firstPage<T>(path: string, options: Pick<GraphListOptions, 'signal'> = {}): Promise<T[]> {
    const shown = redactUrl(`${settings.baseUrl}/${GRAPH_API_VERSION}${path}`);
    try {
      const page = (await client
        .api(path)
        .middlewareOptions([new GraphPageOption(1)])
        .options(options.signal ? { signal: options.signal } : {})
        .get()) as PageCollection;
      return page.value as T[];
    } catch (error) {
      throw asCollectionError(error, shown);
    }
  }

  async function request<T>(method: 'GET' | 'POST', path: string, options: GraphRequestOptions = {}): Promise<T> {
    const shown = redactUrl(`${settings.baseUrl}/${GRAPH_API_VERSION}${path}`);
    try {
      const call = client.api(path).options(options.signal ? { signal: options.signal } : {});
      const answer: unknown = method === 'POST' ? await call.post(options.body ?? {}) : await call.get();
      return (answer ?? null) as T;
    } catch (error) {
      throw asCollectionError(error, shown, method);
    }
  }

  return { list, firstPage, request, stats, scoped: (shared) => buildClient(settings, shared ?? { requests: 0, retries: 0, throttled: 0, throttledMs: 0, bytes: 0, pages: 0 }) };
}

/** Unwraps our errors from the SDK's; anything else the SDK threw while paging means a body it could not read. */
function asCollectionError(error: unknown, shown: string, method = 'GET'): CollectionError {
  if (error instanceof GraphTransportError) return error.failure;
  if (error instanceof CollectionError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return malformedError(method, shown, 200, `the Graph SDK could not read it (${reason})`);
}
