/**
 * The one HTTP operation alert channels need: POST a body, once, and report what happened.
 *
 * Unlike the collectors' client (src/http), this layer never retries: the dispatcher owns
 * retries and backoff across restarts, through the outbox. It follows no redirect either: a
 * webhook that redirects is misconfigured, and following would send the alert, and for
 * generic webhooks its signature, to a host nobody configured.
 */
import { flattenHeaders, networkMessage } from '../../http/axios-response.js';
import axios from 'axios';
import { parseRetryAfterMs } from '../../http/backoff.js';
import type { Alert } from './alert.js';
import type { AlertSender, DeliveryResult } from './channel.js';

export interface HttpPostRequest {
  url: string;
  /** The exact bytes to send (generic webhooks sign them). */
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** What a POST came to; an {@link HttpPost} resolves with one of these and never rejects. */
export type HttpPostOutcome =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'timeout' }
  | { kind: 'network'; message: string };

/** Sends one POST. Injected into every HTTP channel so tests can pass a fake or point nock at it. */
export type HttpPost = (request: HttpPostRequest) => Promise<HttpPostOutcome>;

/** How long a receiver has to answer, unless the channel is configured otherwise. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Bodies of answers are read only to quote their start in an error; a webhook answers little. */
const MAX_RESPONSE_BYTES = 1_000_000;

/**
 * The default {@link HttpPost}: a dedicated axios instance, with no retries, no redirects, and
 * every status returned as an answer (`validateStatus: () => true`). Both axios's `timeout`
 * and an abort timer are set: the first only watches an idle socket, the second bounds the
 * whole exchange, so a receiver that trickles its answer still times out.
 */
export function createAxiosPost(options: { userAgent?: string } = {}): HttpPost {
  const client = axios.create({
    adapter: 'http',
    maxRedirects: 0,
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    maxContentLength: MAX_RESPONSE_BYTES,
  });
  const userAgent = options.userAgent ?? 'ppmat';
  return async ({ url, body, headers, timeoutMs }) => {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const response = await client.post<string>(url, body, {
        headers: { 'User-Agent': userAgent, ...headers },
        timeout: timeoutMs,
        signal: controller.signal,
      });
      return { kind: 'response', status: response.status, headers: flattenHeaders(response.headers), body: typeof response.data === 'string' ? response.data : '' };
    } catch (error) {
      if (timedOut || (axios.isAxiosError(error) && (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT'))) return { kind: 'timeout' };
      return { kind: 'network', message: networkMessage(error) };
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Where a JSON channel posts, and how (the Teams and Slack webhooks; the URL is a secret). */
export interface JsonChannelOptions {
  url: string;
  timeoutMs?: number;
  http?: HttpPost;
  clock?: () => Date;
}

/** A sender posting `format(alert)` as JSON to `options.url`, named `label` in its errors. */
export function createJsonPostSender(label: string, format: (alert: Alert) => unknown, options: JsonChannelOptions): AlertSender {
  const http = options.http ?? createAxiosPost();
  const clock = options.clock ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    send: (alert: Alert): Promise<DeliveryResult> =>
      postAlert({ http, clock, label, request: { url: options.url, body: JSON.stringify(format(alert)), headers: { 'Content-Type': 'application/json' }, timeoutMs } }),
  };
}

export interface PostAlertOptions {
  http: HttpPost;
  request: HttpPostRequest;
  /** Names the channel in errors, e.g. `Teams`. */
  label: string;
  /** Reads the time, for a `Retry-After` given as an HTTP date. */
  clock: () => Date;
  /** Strings that must never appear in an error (the channel's signing secret). */
  secrets?: readonly string[];
}

/**
 * Posts and turns the outcome into a {@link DeliveryResult}: 2xx is delivered; 408, 429,
 * 5xx, timeouts and network errors may succeed later; any other status will not (a 3xx
 * included: redirects are not followed). Errors name the receiver by scheme and host only.
 */
export async function postAlert(options: PostAlertOptions): Promise<DeliveryResult> {
  const { request, label } = options;
  const where = `${label} webhook ${originOf(request.url)}`;
  const scrub = scrubber([...urlSecrets(request.url), ...(options.secrets ?? [])]);
  const outcome = await options.http(request);
  if (outcome.kind === 'timeout') {
    return { ok: false, retryable: true, error: `${where} did not answer within ${request.timeoutMs} ms.` };
  }
  if (outcome.kind === 'network') {
    return { ok: false, retryable: true, error: `${where} could not be reached: ${scrub(outcome.message)}.` };
  }
  const { status } = outcome;
  if (status >= 200 && status < 300) return { ok: true, status };
  const retryable = status === 408 || status === 429 || status >= 500;
  const retryAfterMs = retryable ? parseRetryAfterMs(outcome.headers['retry-after'], options.clock().getTime()) : null;
  const said = quote(scrub(outcome.body));
  const why = status >= 300 && status < 400 ? ' (a redirect, which is not followed: configure the final URL)' : '';
  return {
    ok: false,
    retryable,
    status,
    ...(retryAfterMs === null ? {} : { retryAfterMs }),
    error: `${where} answered ${status}${why}${said ? `: ${said}` : ''}.`,
  };
}

/** Scheme, host and port: the part of a webhook URL that is not a credential. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(an invalid URL)';
  }
}

/**
 * The pieces of a webhook URL that may be credentials: the whole URL, its path, its query and
 * each query value (a Workflows URL is signed by `sig=`, a Slack URL by its path).
 */
export function urlSecrets(url: string): string[] {
  const pieces = [url];
  try {
    const parsed = new URL(url);
    pieces.push(`${parsed.origin}${parsed.pathname}`, `${parsed.pathname}${parsed.search}`, parsed.pathname, parsed.search.slice(1));
    for (const value of parsed.searchParams.values()) pieces.push(value, encodeURIComponent(value));
  } catch {
    // not a URL: only the whole string is a secret
  }
  return pieces;
}

/** Replaces every given secret in a text by `[redacted]`, longest first (pieces shorter than 4 characters are ignored). */
export function scrubber(secrets: readonly string[]): (text: string) => string {
  const ordered = [...new Set(secrets)].filter((piece) => piece.length >= 4).sort((a, b) => b.length - a.length);
  return (text) => ordered.reduce((out, piece) => out.split(piece).join('[redacted]'), text);
}

/** The start of a receiver's answer, on one line. */
function quote(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `"${line.slice(0, 199)}…"` : line ? `"${line}"` : '';
}
