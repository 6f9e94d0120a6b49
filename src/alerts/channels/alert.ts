/**
 * The alert message every channel formats: channel-independent, plain JSON (it is stored in
 * the outbox and sent as-is to generic webhooks), and written by the regression detection.
 *
 * Every string in it may carry names that came from the tenant's own evidence (a DLP policy,
 * an environment, a tenant display name): any maker can choose those names, so each channel
 * treats every string as untrusted and escapes it for its own markup.
 */

/** Why the alert is sent: first detection, a reminder that it still holds, or its resolution. */
export type AlertKind = 'raised' | 'reminder' | 'resolved';

/** Ordered from least to most urgent (see {@link SEVERITY_RANK}). */
export type AlertSeverity = 'info' | 'warning' | 'critical';

/** Severity order, so a channel's `minSeverity` filter is a comparison. */
export const SEVERITY_RANK: Readonly<Record<AlertSeverity, number>> = { info: 0, warning: 1, critical: 2 };

/** One thing that changed between the last two scans, with the values that were judged. */
export interface AlertChange {
  /** One sentence naming the resource, e.g. "DLP policy 'Contoso default' no longer covers environment 'Finance Prod'". */
  label: string;
  /** The judged value at the previous scan, as shown to a person. */
  before?: string;
  /** The judged value at this scan. */
  after?: string;
  /** Where the value came from (a check id, an API, a resource id), so a reader can look for themselves. */
  evidence?: string;
}

export interface Alert {
  /** Stable id of the condition: the same regression keeps the same id across reminders and resolution. */
  id: string;
  /** Unique per delivery intention, so a retried send is recognised by receivers that deduplicate. */
  idempotencyKey: string;
  kind: AlertKind;
  severity: AlertSeverity;
  tenant: { id: string; displayName: string };
  title: string;
  /** One sentence. */
  summary: string;
  changes: AlertChange[];
  /** A link to the scan in the dashboard; channels link to it only when it is http(s). */
  scanUrl?: string;
  /** When the condition was detected (ISO 8601). */
  occurredAt: string;
}
