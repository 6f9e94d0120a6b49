/**
 * What a completed (or failed) scan does to a tenant's alerts, planned without I/O and then
 * written in the scan's results transaction (the outbox).
 *
 * The regressions one scan finds have one cause more often than not (a DLP policy deleted
 * fails two statements and drops a level), so they make one alert, whose components are the
 * regressions; a regression already part of an open alert is not raised again. An alert
 * resolves when all its components recovered; one still open is reminded after
 * `reminderHours`. "Scans are degraded" is raised after `degradedAfter` partial or failed
 * scans in a row and resolved by the next succeeded scan.
 */
import { createHash } from 'node:crypto';
import type { Alert, AlertChange, AlertKind, AlertSeverity } from './channels/alert.js';
import { channelsFor, type ChannelFilter } from './channels/channel-config.js';
import { hasRecovered, type JudgedScan, type Regression } from './regressions.js';
import type { EvidenceChange } from '../history/evidence-change.js';

export const DEGRADED_KEY = 'degraded';

const RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };

export interface OpenAlert {
  id: number;
  key: string;
  /** The regression keys it stands for. */
  components: string[];
  kind: string;
  severity: AlertSeverity;
  title: string;
  summary: string;
  changes: AlertChange[];
  openedScanId: number;
  openedAt: Date;
  lastNotifiedAt: Date;
}

export interface AlertPolicy {
  reminderHours: number;
  degradedAfter: number;
  /** The dashboard's address, for the scan link in messages. */
  publicUrl?: string | undefined;
  channels: readonly (ChannelFilter & { name: string })[];
}

export interface PlannedMessage {
  channel: string;
  kind: AlertKind;
  idempotencyKey: string;
  payload: Alert;
}

export interface AlertPlan {
  create: { key: string; components: string[]; kind: string; severity: AlertSeverity; title: string; summary: string; changes: AlertChange[]; messages: PlannedMessage[] }[];
  remind: { id: number; messages: PlannedMessage[] }[];
  resolve: { id: number; messages: PlannedMessage[] }[];
  /** Open alerts this scan saw still holding. */
  stillOpen: number[];
}

export interface PlanInput {
  tenant: { id: string; displayName: string };
  scanId: number;
  now: Date;
  /** The scan's judgement, or null when it failed before judging anything (nothing can recover then). */
  current: JudgedScan | null;
  regressions: readonly Regression[];
  evidenceChanges: readonly EvidenceChange[];
  /** Partial or failed scans in a row up to and including this one (0 when this one succeeded). */
  degradedStreak: number;
  /** Why this scan was partial or failed, for the degraded message. */
  degradedReason?: string | undefined;
  open: readonly OpenAlert[];
  policy: AlertPolicy;
}

/**
 * One key per message (alert, kind, scan, channel), the same however often it is retried.
 * Hashed: receivers take it as an HTTP header (visible ASCII, at most 255), and alert ids carry
 * tenant names and channel names spaces.
 */
export function idempotencyKeyOf(alertId: string, kind: AlertKind, scanId: number, channel: string): string {
  return `ppmat-${createHash('sha256').update(JSON.stringify([alertId, kind, scanId, channel])).digest('hex').slice(0, 40)}`;
}

export function planAlerts(input: PlanInput): AlertPlan {
  const plan: AlertPlan = { create: [], remind: [], resolve: [], stillOpen: [] };
  const openByKey = new Map(input.open.map((a) => [a.key, a]));
  const message = (alert: Omit<Alert, 'idempotencyKey' | 'kind' | 'tenant' | 'scanUrl'>, kind: AlertKind): PlannedMessage[] => {
    const payloadBase: Omit<Alert, 'idempotencyKey'> = {
      ...alert,
      kind,
      tenant: input.tenant,
      ...(input.policy.publicUrl ? { scanUrl: `${input.policy.publicUrl.replace(/\/$/, '')}/scans/${input.scanId}` } : {}),
    };
    return channelsFor(payloadBase as Alert, input.policy.channels).map((channel) => {
      const idempotencyKey = idempotencyKeyOf(alert.id, kind, input.scanId, channel.name);
      return { channel: channel.name, kind, idempotencyKey, payload: { ...payloadBase, idempotencyKey } };
    });
  };
  const alertId = (key: string, openedScanId: number) => `${input.tenant.id}:${key}:${openedScanId}`;

  const covered = new Set(input.open.flatMap((a) => a.components));
  const fresh = input.regressions.filter((r) => !covered.has(r.key));
  if (fresh.length > 0) {
    const key = `regression:${input.scanId}`;
    const worst = fresh.reduce((a, b) => (RANK[b.severity] > RANK[a.severity] ? b : a));
    const title = fresh.length === 1 ? worst.title : `${worst.title.replace(/\.$/, '')}, and ${fresh.length - 1} more ${fresh.length === 2 ? 'regression' : 'regressions'}`;
    const summary =
      fresh.length === 1 ? worst.summary : `Scan #${input.scanId} of ${input.tenant.displayName} found ${fresh.length} regressions: ${fresh.map((r) => r.title.replace(/\.$/, '')).join('; ')}.`;
    const changes = fresh.flatMap((r) => r.changes);
    const payload = { id: alertId(key, input.scanId), severity: worst.severity, title, summary, changes, occurredAt: input.now.toISOString() };
    plan.create.push({ key, components: fresh.map((r) => r.key), kind: 'regression', severity: worst.severity, title, summary, changes, messages: message(payload, 'raised') });
  }

  const degradedOpen = openByKey.get(DEGRADED_KEY);
  if (input.degradedStreak >= input.policy.degradedAfter && !degradedOpen) {
    const title = `Scans of ${input.tenant.displayName} are degraded`;
    const summary = `The last ${input.degradedStreak} scans were partial or failed, so some capabilities are unknown; this is not a posture change.`;
    const changes: AlertChange[] = input.degradedReason ? [{ label: `Scan #${input.scanId}: ${input.degradedReason}`, evidence: `scan:${input.scanId}` }] : [];
    plan.create.push({
      key: DEGRADED_KEY,
      components: [DEGRADED_KEY],
      kind: 'degraded',
      severity: 'warning',
      title,
      summary,
      changes,
      messages: message({ id: alertId(DEGRADED_KEY, input.scanId), severity: 'warning', title, summary, changes, occurredAt: input.now.toISOString() }, 'raised'),
    });
  }

  const reminderMs = input.policy.reminderHours * 3_600_000;
  for (const alert of input.open) {
    const recovered =
      alert.key === DEGRADED_KEY
        ? input.degradedStreak === 0
        : input.current !== null && alert.components.every((component) => hasRecovered(component, input.current!, input.evidenceChanges));
    const base = { id: alertId(alert.key, alert.openedScanId), severity: alert.severity, title: alert.title, changes: alert.changes };
    if (recovered) {
      const summary = `Resolved in scan #${input.scanId}: ${alert.title.replace(/\.$/, '')} no longer holds.`;
      plan.resolve.push({ id: alert.id, messages: message({ ...base, summary, occurredAt: input.now.toISOString() }, 'resolved') });
      continue;
    }
    plan.stillOpen.push(alert.id);
    if (reminderMs > 0 && input.now.getTime() - alert.lastNotifiedAt.getTime() >= reminderMs) {
      const summary = `Still open since ${alert.openedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC (scan #${alert.openedScanId}): ${alert.summary}`;
      plan.remind.push({ id: alert.id, messages: message({ ...base, summary, occurredAt: input.now.toISOString() }, 'reminder') });
    }
  }
  return plan;
}
