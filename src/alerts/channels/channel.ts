/**
 * What every alert channel is to the (future) dispatcher: something that sends one alert and
 * says how it went, without throwing, so the dispatcher alone decides about retries and the
 * outbox records a typed outcome for every attempt.
 */
import type { Alert, AlertSeverity } from './alert.js';

export const CHANNEL_TYPES = ['teams', 'slack', 'webhook', 'email'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/**
 * The outcome of one delivery attempt.
 * - `status`: the HTTP status, or for e-mail the SMTP reply code.
 * - `retryable`: whether the same request may succeed later (5xx, 408, 429, timeouts, network
 *   errors, SMTP 4xx); a 4xx refusal will fail the same way every time.
 * - `retryAfterMs`: the receiver's `Retry-After`, when it sent one.
 * - `error`: one sentence for a log or a ticket; it never holds a secret, nor a webhook URL's
 *   path or query (they are its credentials), only its scheme and host.
 */
export type DeliveryResult =
  | { ok: true; status: number }
  | { ok: false; retryable: boolean; status?: number; retryAfterMs?: number; error: string };

/** Sends alerts to one destination. `send` resolves for every delivery failure; it rejects only on a bug. */
export interface AlertSender {
  send(alert: Alert): Promise<DeliveryResult>;
}

/** A sender built from one configured channel, with the filters that choose which alerts it gets. */
export interface AlertChannel extends AlertSender {
  readonly name: string;
  readonly type: ChannelType;
  readonly minSeverity: AlertSeverity;
  /** Tenant ids or domains this channel is for; absent means every tenant. */
  readonly tenants?: readonly string[];
}
