/**
 * Text for `ppmat alerts`: each alert with where each of its messages stands, and what one
 * delivery run did. Pure; times in UTC to the minute.
 */
import type { DeliveryReport, DispatchReport } from '../alerts/dispatcher.js';
import type { AlertMessageState, AlertStatusFilter, AlertView } from '../store/alert-reader.js';

const STATUS_TITLE: Record<AlertStatusFilter, string> = { open: 'Open alerts', resolved: 'Resolved alerts', all: 'Alerts' };

/** The alert list, or one sentence when there is none. */
export function renderAlerts(alerts: readonly AlertView[], options: { status: AlertStatusFilter; tenant?: { id: string; displayName: string }; limit: number; now: Date }): string {
  const scope = options.tenant ? `${options.tenant.displayName} (${options.tenant.id})` : 'every tenant';
  const title = `${STATUS_TITLE[options.status]} of ${scope}`;
  if (alerts.length === 0) return `${title}: none.`;
  const more = alerts.length >= options.limit ? ` (the ${options.limit} most recent; --limit shows more)` : '';
  const blocks = alerts.map((alert) => renderAlert(alert, options.now));
  return [`${title}: ${alerts.length}${more}`, '', blocks.join('\n\n')].join('\n');
}

function renderAlert(alert: AlertView, now: Date): string {
  const lines = [`#${alert.id}  ${alert.severity}  ${alert.status}  ${alert.tenantName} (${alert.tenantId})  ${alert.title}`];
  lines.push(`    ${alert.summary}`);
  const history = [`opened ${time(alert.openedAt)} by scan #${alert.openedScanId}`, `last seen in scan #${alert.lastScanId}`];
  if (alert.resolvedAt) history.push(`resolved ${time(alert.resolvedAt)}${alert.resolvedScanId === null ? '' : ` by scan #${alert.resolvedScanId}`}`);
  if (alert.acknowledgedBy) history.push(`acknowledged by ${alert.acknowledgedBy}`);
  lines.push(`    ${history.join(', ')}; key ${alert.key}`);
  if (alert.messages.length === 0) lines.push('    no message (no channel takes this alert)');
  const width = Math.max(0, ...alert.messages.map((m) => m.channel.length));
  for (const message of alert.messages) lines.push(`    #${message.id}  ${message.channel.padEnd(width)}  ${message.kind.padEnd(8)}  ${messageState(message, now)}`);
  return lines.join('\n');
}

/** One phrase: delivered when, waiting for which attempt, or failed why. */
export function messageState(message: AlertMessageState, now: Date): string {
  const tried = plural(message.attempts, 'attempt');
  switch (message.status) {
    case 'delivered':
      return `delivered${message.deliveredAt ? ` ${time(message.deliveredAt)}` : ''} (${tried})`;
    case 'failed':
      return `failed${message.attempts === 0 ? ', never sent' : ` after ${tried}`}: ${message.lastError ?? 'no reason recorded'}`;
    case 'pending': {
      if (message.lockedUntil && message.lockedUntil.getTime() > now.getTime()) return `sending (claimed until ${time(message.lockedUntil)})`;
      const next = message.nextAttemptAt.getTime() <= now.getTime() ? 'due now' : `next attempt ${time(message.nextAttemptAt)}`;
      if (message.attempts === 0) return `pending, ${next}`;
      return `pending after ${plural(message.attempts, 'failed attempt')}, ${next}: ${message.lastError ?? ''}`;
    }
  }
}

/** What `ppmat alerts deliver` did: one line per message, then the counts. */
export function renderDelivery(report: Omit<DispatchReport, 'deliveries'> & { deliveries: readonly DeliveryReport[] }, waiting: number): string {
  const lines = report.deliveries.map(deliveryLine);
  if (report.claimed === 0) lines.push('No alert message is due.');
  else {
    const counts = [`Delivered ${report.delivered}`, `to retry ${report.retried}`, `failed ${report.failed}`];
    if (report.unrecorded > 0) counts.push(`not recorded ${report.unrecorded} (sent again once their claim runs out)`);
    lines.push('', `${counts.join(', ')}.`);
  }
  if (waiting > 0) lines.push(`${plural(waiting, 'message')} ${waiting === 1 ? 'waits' : 'wait'} for a later attempt; \`ppmat alerts --status all\` shows when.`);
  return lines.join('\n');
}

function deliveryLine(d: DeliveryReport): string {
  const what = `#${d.messageId} (alert #${d.alertId}, ${d.kind}) to ${d.channel}`;
  const answered = d.status === undefined ? '' : ` (${d.status})`;
  switch (d.outcome) {
    case 'delivered':
      return `Delivered ${what} on attempt ${d.attempt}${answered}.`;
    case 'retry':
      return `Not delivered ${what}, attempt ${d.attempt}${answered}; next attempt ${d.nextAttemptAt ? time(d.nextAttemptAt) : 'later'}: ${d.error ?? ''}`;
    case 'failed':
      return `Failed ${what}${d.attempt > 0 ? ` after attempt ${d.attempt}${answered}` : ''}: ${d.error ?? ''}`;
    case 'unrecorded':
      return `Not recorded ${what}: ${d.error ?? ''}`;
  }
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `2026-03-02 02:00 UTC`. */
export function time(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
