/**
 * The axios-based {@link HttpClient}: the one place where tokens, timeouts, retries,
 * `Retry-After`, pagination and request accounting live, so collectors stay I/O-only
 * one-liners and every failure reaches the pipeline as a typed CollectionError.
 */
import { flattenHeaders, networkMessage } from './axios-response.js';
import axios, { type AxiosInstance } from 'axios';
import type { TokenCredential } from '@azure/identity';
import type { Logger } from 'pino';
import { CollectionError } from '../collectors/types.js';
import { assertSameApiHost } from './api-host.js';
import { fullJitterDelayMs, parseRetryAfterMs } from './backoff.js';
import { malformedError, statusError } from './http-errors.js';
import { redactUrl } from './redact.js';
import { isHostThrottle, resolveRetryPolicy, type RetryPolicy, type RetryPolicyOptions } from './retry-policy.js';
import { abortedError } from './sleep.js';
import { createTokenCache, type TokenCache } from './token-cache.js';
import type { ApiSurface, HttpClient, HttpResponse, HttpStats, PrefetchedResponse, RequestOptions, RequestSurface } from './types.js';
import { nextLinkOf, pageValue } from './pagination.js';
import { parseStorableJson } from './storable-json.js';


export interface HttpClientOptions extends RetryPolicyOptions {
  /** Base URL of each API surface (cloud profile, overridable by config; the simulator's URL in demos). */
  baseUrls: Record<ApiSurface, string>;
  credential: TokenCredential;
  /** Token scope of each surface, e.g. `https://service.powerapps.com/.default` for bap. */
  scopes: Record<ApiSurface, string>;
  log: Logger;
  userAgent?: string;
  /** Share one token cache between clients (see {@link PpmatHttpClient.scoped}). */
  tokens?: TokenCache;
  /**
   * Sends Dataverse requests (`https://{org-host}/path`) to `{dataverseProxy}/{org-host}/path`
   * instead, with the token still issued for the organization: a gateway, or the simulator,
   * whose Dataverse organizations have real-looking hosts on any port.
   */
  dataverseProxy?: string;
}

/** The client, plus a way to get a sibling with fresh `stats` for each collector run. */
export interface PpmatHttpClient extends HttpClient {
  /** A client with the same settings, token cache and host limiter, and its own zeroed stats. */
  scoped(): PpmatHttpClient;
}

interface Settings extends RetryPolicy {
  baseUrls: Record<ApiSurface, string>;
  dataverseProxy: string | null;
  log: Logger;
  userAgent: string;
  tokens: TokenCache;
  axios: AxiosInstance;
}

type Outcome =
  | { kind: 'response'; status: number; body: Buffer; headers: Record<string, string> }
  | { kind: 'timeout' }
  | { kind: 'network'; message: string };

/** Creates the HTTP client for one tenant. Nothing here is global: every dependency comes in through `options`. */
export function createHttpClient(options: HttpClientOptions): PpmatHttpClient {
  const policy = resolveRetryPolicy(options);
  const settings: Settings = {
    ...policy,
    baseUrls: options.baseUrls,
    dataverseProxy: options.dataverseProxy?.replace(/\/+$/, '') ?? null,
    // Callers often pass a logger that already names the component; do not bind it twice.
    log: 'component' in options.log.bindings() ? options.log : options.log.child({ component: 'http' }),
    userAgent: options.userAgent ?? 'ppmat',
    tokens: options.tokens ?? createTokenCache({ credential: options.credential, scopes: options.scopes, now: policy.now }),
    axios: axios.create({ adapter: 'http' }),
  };
  return buildClient(settings);
}

function buildClient(settings: Settings, shared?: HttpStats, prefetched?: Map<string, PrefetchedResponse>): PpmatHttpClient {
  const stats: HttpStats = shared ?? { requests: 0, retries: 0, throttled: 0, throttledMs: 0, bytes: 0, pages: 0 };

  async function request<T>(options: RequestOptions): Promise<HttpResponse<T>> {
    const method = options.method ?? 'GET';
    const { url, audience } = resolveTarget(settings, options.surface, options.url);
    const shown = redactUrl(url);
    const early = method === 'GET' ? prefetched?.get(audience) : undefined;
    if (early) {
      prefetched?.delete(audience);
      const answered = (early.status >= 200 && early.status < 300) || options.acceptStatus?.includes(early.status) === true;
      const body = Buffer.from(early.body, 'utf8');
      if (answered) return { status: early.status, headers: {}, data: parseBody<T>(body, early.status, method, shown, options.responseType) };
      // Anything else is asked again over the network, with its retries and error mapping.
    }
    // Limited and authorized per API host: for a proxied Dataverse request, the organization's.
    const { host, origin } = new URL(audience);
    const { signal } = options;
    let retry = 0;
    let tokenRefreshed = false;
    let waitedUntil = 0;
    for (;;) {
      if (signal?.aborted) throw abortedError(`${method} ${shown}`);
      const permit = await settings.limiter.acquire(host, { signal, waitedUntil });
      stats.throttledMs += permit.pausedMs;
      let outcome: Outcome;
      let fromCache: boolean;
      let sentToken: string;
      try {
        const token = await settings.tokens.get(options.surface, signal, origin);
        fromCache = token.fromCache;
        sentToken = token.token;
        const started = settings.now();
        outcome = await send(method, url, token.token, payloadOf(options), signal, shown);
        if (outcome.kind === 'response') settings.log.debug({ method, url: shown, status: outcome.status, ms: settings.now() - started, retry }, 'http response');
      } catch (error) {
        permit.failed();
        throw error;
      }
      stats.requests += 1;

      let failure: CollectionError;
      let retryAfterMs: number | null = null;
      let hostThrottle = false;
      if (outcome.kind === 'response') {
        const { status, body, headers } = outcome;
        stats.bytes += body.length;
        const answered = (status >= 200 && status < 300) || options.acceptStatus?.includes(status) === true;
        hostThrottle = !answered && isHostThrottle(status, headers['retry-after']);
        // A throttle releases its slot below, with the pause; a 5xx teaches nothing about the rate.
        if (!answered && status >= 500 && !hostThrottle) permit.failed();
        else if (!hostThrottle) permit.succeeded();
        if (answered) {
          return { status, headers, data: parseBody<T>(body, status, method, shown, options.responseType) };
        }
        failure = statusError({ surface: options.surface, method, url: shown, status, body: body.toString('utf8'), secrets: [sentToken] });
        if (status === 401 && fromCache && !tokenRefreshed) {
          // A cached token may have been revoked or rotated: ask the credential once more.
          settings.tokens.invalidate(options.surface, origin);
          tokenRefreshed = true;
          stats.retries += 1;
          continue;
        }
        if (status === 429) stats.throttled += 1;
        if (!isRetryableStatus(status)) throw failure;
        retryAfterMs = parseRetryAfterMs(headers['retry-after'], settings.now());
      } else {
        permit.failed();
        failure =
          outcome.kind === 'timeout'
            ? new CollectionError('error', 'PPMAT_E_HTTP_TIMEOUT', `${method} ${shown} did not answer within ${settings.timeoutMs} ms.`, { url: shown })
            : new CollectionError('error', 'PPMAT_E_HTTP_NETWORK', `${method} ${shown} could not be reached: ${outcome.message}.`, { url: shown });
      }

      const delayMs = Math.min(settings.maxBackoffMs, retryAfterMs ?? fullJitterDelayMs(retry, settings.baseDelayMs, settings.maxBackoffMs, settings.random));
      // The whole host waits, not just this request; the pause also holds after the last retry.
      if (hostThrottle) waitedUntil = permit.throttled(delayMs);
      if (retry >= settings.maxRetries) throw failure;
      if (hostThrottle) stats.throttledMs += delayMs;
      // Throttling is the API's normal pace at scale: one line per 429 would drown the log (the run's stats count them).
      settings.log[failure.details.httpStatus === 429 ? 'debug' : 'warn']({ method, url: shown, code: failure.code, httpStatus: failure.details.httpStatus, delayMs, retry: retry + 1 }, 'retrying request');
      retry += 1;
      stats.retries += 1;
      await settings.sleep(delayMs, signal);
      if (signal?.aborted) throw abortedError(`${method} ${shown}`);
    }
  }

  async function send(
    method: string,
    url: string,
    token: string,
    payload: { contentType: string; text: string } | undefined,
    signal: AbortSignal | undefined,
    shown: string,
  ): Promise<Outcome> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, settings.timeoutMs);
    const onAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
      'User-Agent': settings.userAgent,
    };
    if (payload !== undefined) headers['Content-Type'] = payload.contentType;
    try {
      const response = await settings.axios.request<ArrayBuffer>({
        url,
        method,
        headers,
        data: payload?.text,
        responseType: 'arraybuffer',
        transformResponse: [(data: unknown) => data],
        validateStatus: () => true,
        signal: controller.signal,
      });
      return { kind: 'response', status: response.status, body: Buffer.from(response.data), headers: flattenHeaders(response.headers) };
    } catch (error) {
      if (signal?.aborted) throw abortedError(`${method} ${shown}`);
      if (timedOut || (axios.isAxiosError(error) && (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT'))) return { kind: 'timeout' };
      return { kind: 'network', message: networkMessage(error) };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async function paginate<T>(options: RequestOptions, onPage?: (items: T[], page: number) => void): Promise<T[]> {
    const items: T[] = [];
    const seen = new Set<string>();
    let next: string | null = options.surface === 'dataverse' ? options.url : resolveUrl(settings.baseUrls, options.surface, options.url);
    let page = 0;
    while (next !== null) {
      const url: string = next;
      const shown = redactUrl(url);
      if (seen.has(url)) throw malformedError('GET', shown, 200, 'its nextLink repeats a page already read, so paging stopped to avoid an endless loop');
      if (page >= settings.maxPages) throw malformedError('GET', shown, 200, `the list has more than ${settings.maxPages} pages`);
      seen.add(url);
      const first = page === 0;
      const { body: _body, rawBody: _rawBody, ...rest } = options;
      const response = await request<unknown>({ ...rest, url, method: first ? options.method : 'GET', ...(first ? { body: options.body, rawBody: options.rawBody } : {}) });
      const value = pageValue<T>(response.data);
      if (value === null) throw malformedError(first ? (options.method ?? 'GET') : 'GET', shown, response.status, 'it has no array "value"');
      page += 1;
      stats.pages += 1;
      items.push(...value);
      onPage?.(value, page);
      const link = nextLinkOf(response.data);
      if (link === undefined) throw malformedError('GET', shown, response.status, 'its nextLink is not a string');
      next = link === null ? null : /^https?:\/\//i.test(link) ? link : new URL(link, url).toString();
    }
    return items;
  }

  return {
    request,
    paginate,
    get stats() {
      return stats;
    },
    scoped: () => buildClient(settings),
    withPrefetched: (responses) => buildClient(settings, stats, new Map(responses)),
  };
}

/**
 * Where a request goes and which API it addresses: they differ only for a Dataverse request
 * sent through the proxy (`dataverseProxy`).
 */
function resolveTarget(settings: Settings, surface: RequestSurface, raw: string): { url: string; audience: string } {
  const url = resolveUrl(settings.baseUrls, surface, raw, settings.dataverseProxy);
  if (surface !== 'dataverse' || settings.dataverseProxy === null) return { url, audience: url };
  const target = new URL(url);
  const proxy = new URL(settings.dataverseProxy);
  if (target.origin === proxy.origin) return { url, audience: url };
  return { url: `${settings.dataverseProxy}/${target.host}${target.pathname}${target.search}`, audience: url };
}

/** 408, 429 and every 5xx may succeed later; other statuses will not. */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Joins a relative path to the surface's base URL, or checks that an absolute URL (a
 * nextLink) stays on that API's host or one of its subdomains (regional hosts such as
 * `europe.api.bap.microsoft.com`), so the bearer token is never sent elsewhere.
 */
function resolveUrl(baseUrls: Record<ApiSurface, string>, surface: RequestSurface, url: string, dataverseProxy: string | null = null): string {
  if (surface === 'dataverse') return dataverseUrl(baseUrls, url, dataverseProxy);
  const base = baseUrls[surface];
  if (!/^https?:\/\//i.test(url)) return `${base.replace(/\/+$/, '')}${url.startsWith('/') ? '' : '/'}${url}`;
  assertSameApiHost(url, base, surface);
  return url;
}

/**
 * Host suffixes of Dataverse organizations in the Microsoft clouds (public regions use
 * `crm*.dynamics.com`; US Government `crm9.dynamics.com`, `microsoftdynamics.us` and
 * `appsplatform.us`; China `dynamics.cn`).
 */
export const DATAVERSE_HOST_SUFFIXES = ['.dynamics.com', '.microsoftdynamics.us', '.appsplatform.us', '.dynamics.cn'] as const;

/**
 * A Dataverse URL is absolute (the environment's `instanceApiUrl` from BAP). Its token is
 * issued for its own host, so it may go only to a Dataverse host of a Microsoft cloud over
 * https, or to the origin of one of the configured API surfaces (the simulator).
 */
function dataverseUrl(baseUrls: Record<ApiSurface, string>, url: string, dataverseProxy: string | null): string {
  if (!/^https?:\/\//i.test(url)) {
    throw new CollectionError('error', 'PPMAT_E_MALFORMED_RESPONSE', `The Dataverse URL ${redactUrl(url)} is not absolute; it must start with the environment's instanceApiUrl.`, { url: redactUrl(url) });
  }
  const target = new URL(url);
  const configured = [...Object.values(baseUrls), ...(dataverseProxy ? [dataverseProxy] : [])].some((base) => new URL(base).origin === target.origin);
  const dataverse = target.protocol === 'https:' && DATAVERSE_HOST_SUFFIXES.some((suffix) => target.hostname.toLowerCase().endsWith(suffix));
  if (!configured && !dataverse) {
    throw new CollectionError(
      'error',
      'PPMAT_E_MALFORMED_RESPONSE',
      `The Dataverse URL ${redactUrl(url)} is not on a Dataverse host (https, ${DATAVERSE_HOST_SUFFIXES.join(', ')}); the request was refused so no token is sent there.`,
      { url: redactUrl(url) },
    );
  }
  return url;
}

/** The body to send: raw as given, or `body` as JSON. */
function payloadOf(options: RequestOptions): { contentType: string; text: string } | undefined {
  if (options.rawBody) return options.rawBody;
  return options.body === undefined ? undefined : { contentType: 'application/json', text: JSON.stringify(options.body) };
}

function parseBody<T>(body: Buffer, status: number, method: string, shown: string, responseType: RequestOptions['responseType'] = 'json'): T {
  const text = body.toString('utf8');
  if (responseType === 'text') return text as T;
  if (text.trim() === '') return null as T;
  try {
    return parseStorableJson(text) as T;
  } catch {
    if (status < 200 || status >= 300) return null as T;
    const start = text.trim().slice(0, 40).replace(/\s+/g, ' ');
    throw malformedError(method, shown, status, `it is not JSON (it starts with "${start}")`);
  }
}
