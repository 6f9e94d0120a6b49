/**
 * The ppmat middleware of the Microsoft Graph client: accounting, retries, timeouts,
 * cancellation and error mapping, at the head of the SDK's middleware chain.
 *
 * Why not the SDK's `RetryHandler`: it retries only 429, 503 and 504
 * (`RetryHandler.RETRY_STATUS_CODES`), never 500, 502, 408, timeouts or network errors;
 * its sleep is a private `setTimeout` that ignores AbortSignal and cannot be injected;
 * its jitter uses `Math.random` and `Date.now` directly; and it has no hook to count
 * retries or throttled time. So this middleware owns the retry loop, with the same
 * policy as the axios {@link HttpClient} (full-jitter backoff, `Retry-After`, a cap),
 * and counts into the same {@link HttpStats} object as that collector run's HttpClient.
 * Every attempt takes a slot from the tenant's {@link HostLimiter} (shared with the admin
 * API client), so a Graph 429 pauses and slows the host for every collector.
 */
import { GraphClientError, type Context, type Middleware, type MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import type { Logger } from 'pino';
import { CollectionError } from '../collectors/types.js';
import { assertSameApiHost } from './api-host.js';
import { fullJitterDelayMs, parseRetryAfterMs } from './backoff.js';
import { graphForbiddenHint } from './graph-permissions.js';
import type { HostLimiter } from './host-limiter.js';
import { malformedError, statusError } from './http-errors.js';
import { isHostThrottle } from './retry-policy.js';
import { redactUrl } from './redact.js';
import { abortedError, type Sleep } from './sleep.js';
import type { HttpStats } from './types.js';
import { parseStorableJson } from './storable-json.js';

/**
 * Carries a {@link CollectionError} through the SDK: `GraphRequest.send` rethrows a
 * `GraphClientError` unchanged but wraps every other error in a `GraphError`, losing its code.
 */
export class GraphTransportError extends GraphClientError {
  constructor(readonly failure: CollectionError) {
    super(failure.message);
    // GraphClientError's constructor resets the prototype to its own; restore ours.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'GraphTransportError';
  }
}

/**
 * Marks the requests of one paged list (the SDK's PageIterator passes middleware options
 * on to every next-page request): they are counted as pages, checked for the
 * `{ value: [...] }` shape, and guarded against a `@odata.nextLink` loop.
 */
export class GraphPageOption implements MiddlewareOptions {
  pages = 0;
  readonly seen = new Set<string>();

  constructor(
    readonly maxPages: number,
    readonly onPage?: (page: number) => void,
  ) {}
}

export interface GraphMiddlewareSettings {
  /** The configured Graph base URL: requests (and nextLinks) must stay on its origin. */
  baseUrl: string;
  /** Shared with the collector run's HttpClient, so Graph calls land on the same CollectorRun. */
  stats: HttpStats;
  log: Logger;
  timeoutMs: number;
  maxRetries: number;
  maxBackoffMs: number;
  baseDelayMs: number;
  sleep: Sleep;
  random: () => number;
  now: () => number;
  /** The tenant's per-host limiter, shared with its admin API client. */
  limiter: HostLimiter;
}

/** Statuses without a body (Fetch standard "null body status"): `new Response()` refuses a body for them. */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

type Outcome = { kind: 'response'; response: Response; body: Buffer } | { kind: 'timeout' } | { kind: 'network'; message: string };

/** The head of the chain: see the module comment. */
export class PpmatGraphMiddleware implements Middleware {
  #next: Middleware | undefined;

  constructor(private readonly settings: GraphMiddlewareSettings) {}

  setNext(next: Middleware): void {
    this.#next = next;
  }

  async execute(context: Context): Promise<void> {
    try {
      await this.#run(context);
    } catch (error) {
      if (error instanceof CollectionError) throw new GraphTransportError(error);
      throw error;
    }
  }

  async #run(context: Context): Promise<void> {
    const { stats, log } = this.settings;
    const url = checkedUrl(requestUrl(context), this.settings.baseUrl);
    context.request = url;
    const shown = redactUrl(url);
    const method = (context.options?.method ?? 'GET').toUpperCase();
    const caller = context.options?.signal ?? undefined;
    const page = context.middlewareControl?.getMiddlewareOptions(GraphPageOption) as GraphPageOption | undefined;
    if (page) {
      if (page.seen.has(url)) throw malformedError(method, shown, 200, 'its @odata.nextLink repeats a page already read, so paging stopped to avoid an endless loop');
      if (page.pages >= page.maxPages) throw malformedError(method, shown, 200, `the list has more than ${page.maxPages} pages`);
      page.seen.add(url);
    }
    const host = new URL(url).host;
    let waitedUntil = 0;
    for (let retry = 0; ; retry += 1) {
      if (caller?.aborted) throw abortedError(`${method} ${shown}`);
      const permit = await this.settings.limiter.acquire(host, { ...(caller ? { signal: caller } : {}), waitedUntil });
      stats.throttledMs += permit.pausedMs;
      const started = this.settings.now();
      let outcome: Outcome;
      try {
        outcome = await this.#attempt(context, caller, `${method} ${shown}`);
      } catch (error) {
        permit.failed();
        throw error;
      }
      stats.requests += 1;

      let failure: CollectionError;
      let retryAfterMs: number | null = null;
      let hostThrottle = false;
      if (outcome.kind === 'response') {
        const { response, body } = outcome;
        const status = response.status;
        stats.bytes += body.length;
        log.debug({ method, url: shown, status, ms: this.settings.now() - started, retry }, 'graph response');
        const retryAfter = response.headers.get('retry-after');
        hostThrottle = isHostThrottle(status, retryAfter);
        // A throttle releases its slot below, with the pause; a 5xx teaches nothing about the rate.
        if (status >= 500 && !hostThrottle) permit.failed();
        else if (!hostThrottle) permit.succeeded();
        if (status >= 200 && status < 300) {
          context.response = rebuild(response, page ? checkedPage(body, method, shown, status) : checkedJson(body, method, shown, status));
          if (page) {
            page.pages += 1;
            stats.pages += 1;
            page.onPage?.(page.pages);
          }
          return;
        }
        failure = statusError({ surface: 'graph', method, url: shown, status, body: body.toString('utf8'), forbiddenHint: graphForbiddenHint(url), secrets: sentBearer(context) });
        if (status === 429) stats.throttled += 1;
        if (!isRetryableStatus(status)) throw failure;
        retryAfterMs = parseRetryAfterMs(retryAfter ?? undefined, this.settings.now());
      } else {
        permit.failed();
        failure =
          outcome.kind === 'timeout'
            ? new CollectionError('error', 'PPMAT_E_HTTP_TIMEOUT', `${method} ${shown} did not answer within ${this.settings.timeoutMs} ms.`, { url: shown })
            : new CollectionError('error', 'PPMAT_E_HTTP_NETWORK', `${method} ${shown} could not be reached: ${outcome.message}.`, { url: shown });
      }

      const { maxBackoffMs, baseDelayMs, random } = this.settings;
      const delayMs = Math.min(maxBackoffMs, retryAfterMs ?? fullJitterDelayMs(retry, baseDelayMs, maxBackoffMs, random));
      // The whole host waits, not just this request; the pause also holds after the last retry.
      if (hostThrottle) waitedUntil = permit.throttled(delayMs);
      if (retry >= this.settings.maxRetries) throw failure;
      if (hostThrottle) stats.throttledMs += delayMs;
      // Throttling is the API's normal pace at scale: the run's stats count the 429s.
      log[failure.details.httpStatus === 429 ? 'debug' : 'warn']({ method, url: shown, code: failure.code, httpStatus: failure.details.httpStatus, delayMs, retry: retry + 1 }, 'retrying Graph request');
      stats.retries += 1;
      await this.settings.sleep(delayMs, caller);
    }
  }

  /** One attempt with its own timeout (covering headers and body), cancelled with the caller's signal. */
  async #attempt(context: Context, caller: AbortSignal | undefined, what: string): Promise<Outcome> {
    const next = this.#next;
    if (!next) throw new Error('PpmatGraphMiddleware has no next middleware');
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.settings.timeoutMs);
    const onAbort = (): void => controller.abort();
    caller?.addEventListener('abort', onAbort, { once: true });
    context.options = { ...context.options, signal: controller.signal };
    delete context.response;
    try {
      await next.execute(context);
      const response = context.response as Response | undefined;
      if (response === undefined) return { kind: 'network', message: 'no response' };
      return { kind: 'response', response, body: Buffer.from(await response.arrayBuffer()) };
    } catch (error) {
      if (error instanceof GraphTransportError) throw error.failure;
      if (caller?.aborted) throw abortedError(what);
      if (timedOut) return { kind: 'timeout' };
      return { kind: 'network', message: networkMessage(error) };
    } finally {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
      context.options = { ...context.options, ...(caller ? { signal: caller } : {}) };
      if (!caller) delete context.options.signal;
    }
  }
}

/** The bearer token the Bearer middleware (after this one) put on the request, so an API quoting it is not copied. */
function sentBearer(context: Context): string[] {
  const headers = context.options?.headers;
  const value = headers instanceof Headers ? headers.get('authorization') : undefined;
  const token = /^Bearer\s+(\S+)$/i.exec(value ?? '')?.[1];
  return token ? [token] : [];
}

/** 408, 429 and every 5xx may succeed later; other statuses will not. */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function requestUrl(context: Context): string {
  return typeof context.request === 'string' ? context.request : context.request.url;
}

/**
 * `GraphRequest.parsePath` recognises absolute links only when they start with `https://`;
 * an `http://` nextLink (the loopback simulator) is appended to the base URL instead,
 * giving `http://host/v1.0/http://host/v1.0/...`. This recovers the link the API sent.
 */
const EMBEDDED_ABSOLUTE_URL = /^https?:\/\/[^]*?\/(https?:\/\/[^]*)$/i;

/**
 * The URL to send: an embedded absolute link recovered, and refused when it leaves the
 * configured Graph origin (or its subdomains), so the bearer token is never sent elsewhere.
 */
export function checkedUrl(url: string, baseUrl: string): string {
  const resolved = EMBEDDED_ABSOLUTE_URL.exec(url)?.[1] ?? url;
  assertSameApiHost(resolved, baseUrl, 'graph');
  return resolved;
}

function parseJson(body: Buffer, method: string, shown: string, status: number): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') return null;
  try {
    return parseStorableJson(text);
  } catch {
    const start = text.trim().slice(0, 40).replace(/\s+/g, ' ');
    throw malformedError(method, shown, status, `it is not JSON (it starts with "${start}")`);
  }
}

function checkedJson(body: Buffer, method: string, shown: string, status: number): Buffer {
  parseJson(body, method, shown, status);
  return body;
}

/**
 * A list page must be `{ value: [...] }` with an optional string `@odata.nextLink`. A null or
 * empty link ends the list (as in `pagination.ts`); it is removed, because the SDK's
 * PageIterator would try to follow it.
 */
function checkedPage(body: Buffer, method: string, shown: string, status: number): Buffer {
  const parsed = parseJson(body, method, shown, status);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Array.isArray((parsed as Record<string, unknown>)['value'])) {
    throw malformedError(method, shown, status, 'it has no array "value"');
  }
  const page = parsed as Record<string, unknown>;
  const link = page['@odata.nextLink'];
  if (link === undefined || (typeof link === 'string' && link !== '')) return body;
  if (link !== null && link !== '') throw malformedError(method, shown, status, 'its @odata.nextLink is not a string');
  delete page['@odata.nextLink'];
  return Buffer.from(JSON.stringify(page));
}

/** The response with its (already read) body, for the SDK's response handler to parse. */
function rebuild(response: Response, body: Buffer): Response {
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.delete('content-encoding');
  return new Response(NULL_BODY_STATUSES.has(response.status) ? null : new Uint8Array(body), { status: response.status, statusText: response.statusText, headers });
}

function networkMessage(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
    const code = typeof cause?.code === 'string' ? `${cause.code} ` : '';
    const detail = typeof cause?.message === 'string' && cause.message !== error.message ? `: ${cause.message}` : '';
    return `${code}${error.message}${detail}`;
  }
  return String(error);
}
