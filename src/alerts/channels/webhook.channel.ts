/**
 * A generic signed webhook: the alert itself as JSON, for receivers ppmat does not know
 * (a ticketing bridge, an automation, a SIEM).
 *
 * Headers:
 * - `Content-Type: application/json`
 * - `X-Ppmat-Signature: sha256=<hex>`: HMAC-SHA256 of the exact body bytes, keyed with the
 *   channel's secret, so the receiver knows the alert came from this ppmat and was not altered.
 * - `X-Ppmat-Timestamp`: when this attempt was sent, in Unix seconds (for the receiver's logs;
 *   it is not covered by the signature).
 * - `Idempotency-Key`: the alert's `idempotencyKey`; every retry of one alert carries the same.
 *
 * How a receiver verifies (see {@link verifyWebhookSignature}, which does exactly this):
 * 1. Read the raw body bytes before any JSON parsing (re-serialising changes the bytes).
 * 2. Compute `sha256=` + hex(HMAC-SHA256(secret, rawBody)).
 * 3. Compare it with the header in constant time (`crypto.timingSafeEqual` on equal-length
 *    buffers), never with `===`, which leaks through timing how much of a guess was right.
 * 4. Refuse with 401 on a mismatch; answer 2xx once stored, and 2xx again for an
 *    `Idempotency-Key` already seen (the body holds the key too, so a replayed request
 *    is recognised and changes nothing).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Alert } from './alert.js';
import type { AlertSender, DeliveryResult } from './channel.js';
import { createAxiosPost, DEFAULT_TIMEOUT_MS, postAlert, type HttpPost, type HttpPostRequest } from './http-post.js';

export const SIGNATURE_HEADER = 'X-Ppmat-Signature';
export const TIMESTAMP_HEADER = 'X-Ppmat-Timestamp';
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** `sha256=` and the hex HMAC-SHA256 of `body` (a string is taken as its UTF-8 bytes). */
export function signWebhookBody(body: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Whether `signature` (the header's value) is the body's signature with this secret; compares in constant time. */
export function verifyWebhookSignature(body: string | Uint8Array, signature: string | undefined, secret: string): boolean {
  if (signature === undefined) return false;
  const expected = Buffer.from(signWebhookBody(body, secret), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The request for an alert: its exact body and headers. Pure; `now` is the time of the attempt. */
export function formatWebhookRequest(alert: Alert, secret: string, now: Date): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(alert);
  return {
    body,
    headers: {
      'Content-Type': 'application/json',
      [SIGNATURE_HEADER]: signWebhookBody(body, secret),
      [TIMESTAMP_HEADER]: String(Math.floor(now.getTime() / 1000)),
      [IDEMPOTENCY_HEADER]: alert.idempotencyKey,
    },
  };
}

// An HTTP header value: visible ASCII only, so the key cannot add a header or break the request.
const HEADER_VALUE = /^[\x21-\x7e]{1,255}$/;

export interface WebhookChannelOptions {
  url: string;
  /** The signing secret itself (already read from its `env:` or `file:` reference). */
  secret: string;
  timeoutMs?: number;
  http?: HttpPost;
  clock?: () => Date;
}

/** A sender posting signed alerts; the secret is never part of an error. */
export function createWebhookChannel(options: WebhookChannelOptions): AlertSender {
  const http = options.http ?? createAxiosPost();
  const clock = options.clock ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    async send(alert: Alert): Promise<DeliveryResult> {
      if (!HEADER_VALUE.test(alert.idempotencyKey)) {
        return { ok: false, retryable: false, error: 'The alert\'s idempotencyKey is not a valid HTTP header value (1 to 255 visible ASCII characters); it was not sent.' };
      }
      const request: HttpPostRequest = { url: options.url, ...formatWebhookRequest(alert, options.secret, clock()), timeoutMs };
      return postAlert({ http, clock, label: 'Generic', request, secrets: [options.secret] });
    },
  };
}
