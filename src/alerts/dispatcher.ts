/**
 * Delivers the outbox: claims due messages, sends each through its channel, and records
 * every attempt with the message's next state (src/store/outbox-repository.ts).
 *
 * Delivery is at least once, never more than needed: a message is marked delivered only when
 * its receiver accepted it, and a delivered message is never claimed again. The one re-send
 * is a message whose dispatcher died (or lost the database) between sending and recording:
 * its lease runs out and it is sent again with the same idempotency key, which receivers
 * use to deduplicate.
 *
 * A database that stops answering (a restart, a failover) makes neither: recording an accepted
 * send is retried until the database answers again, for as long as the claim lasts (no other
 * dispatcher may send the message meanwhile); only past that is it left to the re-send. The poll
 * loop waits for a database that refused a claim with short, growing pauses instead of a whole
 * interval, and says once when delivery stopped and once when it resumed.
 */
import type { Logger } from 'pino';
import { mapWithConcurrency } from '../collectors/concurrency.js';
import { abortableSleep, type Sleep } from '../http/sleep.js';
import { describeDatabaseFault, isDatabaseUnavailable, retryWhileDatabaseUnavailable } from '../scheduler/database-retry.js';
import type { ClaimedMessage, OutboxRepository } from '../store/outbox-repository.js';
import { readAlertPayload } from './alert-payload.js';
import type { AlertSender, DeliveryResult } from './channels/channel.js';
import { createDeliveryBackoff, type DeliveryBackoff } from './delivery-policy.js';

export interface DispatcherDeps {
  outbox: Pick<OutboxRepository, 'claim' | 'recordAttempt' | 'fail'>;
  /** The configured channels by name (the name an outbox message carries). */
  channels: ReadonlyMap<string, AlertSender>;
  clock: () => Date;
  log: Logger;
  /** Waits between polls in {@link Dispatcher.start}; default a real, abortable sleep. */
  sleep?: Sleep;
  /** Default: exponential with full jitter, base 30 s, cap 1 h, 10 attempts. */
  backoff?: DeliveryBackoff;
  /** Messages claimed at once. Default 10. */
  batchSize?: number;
  /** Messages of a batch sent at once. Default 5. */
  concurrency?: number;
  /**
   * How long a claim lasts. It must outlast a whole batch (batchSize / concurrency rounds of
   * the slowest channel's timeout, at most 120 s each), or a slow batch's messages become
   * claimable, and are sent, twice. Default 10 min.
   */
  lockMs?: number;
  /** Told of every message's outcome (the service counts deliveries for /metrics). */
  onDelivery?: (report: DeliveryReport) => void;
}

export const DISPATCHER_DEFAULTS = { batchSize: 10, concurrency: 5, lockMs: 10 * 60_000 } as const;

/**
 * Recording an accepted send is retried until this share of the claim is left (at most 30 s):
 * the retries end before another dispatcher may claim, and send, the message again.
 */
const RECORD_MARGIN = { share: 0.2, maxMs: 30_000 } as const;
/** The first pause after a database that refused a claim; it doubles up to the poll interval. */
const CLAIM_RETRY_FIRST_MS = 1_000;

/** What became of one claimed message. `unrecorded`: sent (or not) but its outcome could not be stored. */
export interface DeliveryReport {
  messageId: number;
  alertId: number;
  tenantId: string;
  channel: string;
  kind: string;
  /** The attempt's number (1 for the first); 0 when nothing was sent. */
  attempt: number;
  outcome: 'delivered' | 'retry' | 'failed' | 'unrecorded';
  /** The receiver's HTTP status or SMTP reply code. */
  status?: number;
  nextAttemptAt?: Date;
  error?: string;
}

export interface DispatchReport {
  claimed: number;
  delivered: number;
  retried: number;
  failed: number;
  unrecorded: number;
  deliveries: DeliveryReport[];
}

export interface Dispatcher {
  /** Claims one batch of due messages and delivers it; rejects only when the claim itself fails. */
  runOnce(): Promise<DispatchReport>;
  /** Runs batches until {@link stop}: at once again while batches come back full, else every `intervalMs`. */
  start(intervalMs: number): void;
  /** Stops polling and waits for the batch in flight to be sent and recorded. */
  stop(): Promise<void>;
}

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { outbox, channels, clock, log } = deps;
  const sleep = deps.sleep ?? abortableSleep;
  const backoff = deps.backoff ?? createDeliveryBackoff();
  const batchSize = deps.batchSize ?? DISPATCHER_DEFAULTS.batchSize;
  const concurrency = deps.concurrency ?? DISPATCHER_DEFAULTS.concurrency;
  const lockMs = deps.lockMs ?? DISPATCHER_DEFAULTS.lockMs;
  let loop: { controller: AbortController; done: Promise<void> } | undefined;

  /** `signal`: the loop stopping, which ends a wait for the database (the message is then re-sent later). */
  const deliver = async (message: ClaimedMessage, signal?: AbortSignal): Promise<DeliveryReport> => {
    const about = { messageId: message.id, alertId: message.alertId, tenantId: message.tenantId, channel: message.channel, kind: message.kind };
    try {
      const channel = channels.get(message.channel);
      if (!channel) return await giveUp(message, about, `channel '${message.channel}' is not configured any more`);
      const payload = readAlertPayload(message.payload, message.idempotencyKey);
      if (!payload.ok) return await giveUp(message, about, payload.error);
      const attemptedAt = clock();
      const result = await sendSafely(channel, payload.alert, about);
      const durationMs = clock().getTime() - attemptedAt.getTime();
      const margin = Math.min(lockMs * RECORD_MARGIN.share, RECORD_MARGIN.maxMs);
      const recorded = await retryWhileDatabaseUnavailable('recording an alert delivery', () => outbox.recordAttempt(message.id, result, attemptedAt, durationMs, backoff), {
        log: log.child(about),
        budgetMs: message.lockedUntil.getTime() - margin - clock().getTime(),
        sleep,
        now: () => clock().getTime(),
        signal,
      });
      const { decision } = recorded;
      const report: DeliveryReport = {
        ...about,
        attempt: recorded.attempt,
        outcome: decision.status,
        ...(result.status === undefined ? {} : { status: result.status }),
        ...(decision.status === 'retry' ? { nextAttemptAt: decision.nextAttemptAt } : {}),
        ...(decision.status === 'delivered' ? {} : { error: decision.lastError }),
      };
      logDelivery(report, recorded.applied);
      return report;
    } catch (error) {
      log.error(
        { ...about, outcome: 'unrecorded', err: error },
        'could not record the delivery of an alert message; it will be sent again, with the same idempotency key, when its claim runs out',
      );
      return { ...about, attempt: 0, outcome: 'unrecorded', error: error instanceof Error ? error.message : String(error) };
    }
  };

  const giveUp = async (message: ClaimedMessage, about: Omit<DeliveryReport, 'attempt' | 'outcome'>, reason: string): Promise<DeliveryReport> => {
    await outbox.fail(message.id, reason);
    const report: DeliveryReport = { ...about, attempt: 0, outcome: 'failed', error: reason };
    logDelivery(report, true);
    return report;
  };

  /** A channel resolves for every delivery failure; a rejection is a bug, retried like a failure so the alert is not lost to it. */
  const sendSafely = async (channel: AlertSender, alert: Parameters<AlertSender['send']>[0], about: object): Promise<DeliveryResult> => {
    try {
      return await channel.send(alert);
    } catch (error) {
      // Only the error's class: its message could quote a request, and so a webhook URL.
      const kind = error instanceof Error ? error.name : typeof error;
      log.error({ ...about, errorClass: kind }, 'an alert channel threw instead of reporting a failure (a bug in ppmat)');
      return { ok: false, retryable: true, error: `The channel threw ${kind} instead of answering (a bug in ppmat); the message is retried.` };
    }
  };

  const logDelivery = (report: DeliveryReport, applied: boolean): void => {
    const { messageId, alertId, tenantId, channel, kind, attempt, outcome, status, nextAttemptAt, error } = report;
    const fields = { messageId, alertId, tenantId, channel, kind, attempt, outcome, status, nextAttemptAt, error, ...(applied ? {} : { superseded: true }) };
    if (!applied) log.warn(fields, 'alert message attempt recorded after another dispatcher had already settled the message; its state was left as it was');
    else if (outcome === 'delivered') log.info(fields, 'alert message delivered');
    else if (outcome === 'retry') log.warn(fields, 'alert message not delivered; it will be retried');
    else log.error(fields, 'alert message failed; it will not be retried');
  };

  const runBatch = async (signal?: AbortSignal): Promise<DispatchReport> => {
    const claimed = await outbox.claim(batchSize, lockMs);
    const deliveries = await mapWithConcurrency(claimed, concurrency, (message) => deliver(message, signal));
    for (const delivery of deliveries) deps.onDelivery?.(delivery);
    const count = (outcome: DeliveryReport['outcome']) => deliveries.filter((d) => d.outcome === outcome).length;
    return { claimed: claimed.length, delivered: count('delivered'), retried: count('retry'), failed: count('failed'), unrecorded: count('unrecorded'), deliveries };
  };

  const poll = async (intervalMs: number, signal: AbortSignal): Promise<void> => {
    /** Claims the database refused in a row because it was unavailable. */
    let outage = 0;
    while (!signal.aborted) {
      let again = false;
      let pauseMs = intervalMs;
      try {
        const report = await runBatch(signal);
        if (outage > 0) log.warn({ failedPolls: outage }, 'the database answered again: alert delivery resumed');
        outage = 0;
        // A full batch: more may be due now. Not after a recording failure: the database needs a pause.
        again = report.claimed === batchSize && report.unrecorded === 0;
      } catch (error) {
        if (isDatabaseUnavailable(error)) {
          outage += 1;
          pauseMs = Math.min(intervalMs, CLAIM_RETRY_FIRST_MS * 2 ** Math.min(outage - 1, 20));
          const fault = describeDatabaseFault(error);
          if (outage === 1 || outage % 10 === 0) log.error({ fault, failedPolls: outage, retryInMs: pauseMs }, `the database is unavailable (${fault}): alert delivery waits for it`);
        } else {
          log.error({ err: error }, 'could not claim alert messages; trying again at the next poll');
        }
      }
      if (signal.aborted) return;
      if (again) continue;
      try {
        await sleep(pauseMs, signal);
      } catch {
        return;
      }
    }
  };

  return {
    runOnce: () => runBatch(),
    start(intervalMs) {
      if (loop) throw new Error('the alert dispatcher is already started');
      if (!(intervalMs > 0)) throw new RangeError(`the dispatcher's interval must be positive, not ${intervalMs}`);
      const controller = new AbortController();
      loop = { controller, done: poll(intervalMs, controller.signal) };
    },
    async stop() {
      if (!loop) return;
      const { controller, done } = loop;
      controller.abort();
      await done;
      loop = undefined;
    },
  };
}
