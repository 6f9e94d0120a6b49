/**
 * `ppmat alerts`: the alerts (open by default) with where each of their messages stands;
 * `ppmat alerts deliver` sends the messages that are due, once, and says what happened (the
 * service does the same every 30 s); `ppmat alerts requeue <id>` sends a failed message again.
 */
import { InvalidArgumentError } from 'commander';
import { buildChannels } from '../alerts/build-channels.js';
import type { CreateChannelDeps } from '../alerts/channels/create-channel.js';
import { createDispatcher, DISPATCHER_DEFAULTS, type DeliveryReport, type DispatchReport } from '../alerts/dispatcher.js';
import { keyVaultReaderFor } from '../config/resolve-secrets.js';
import { EXIT } from '../errors/catalogue.js';
import { createAlertReader, type AlertStatusFilter } from '../store/alert-reader.js';
import { createOutboxRepository } from '../store/outbox-repository.js';
import { withApp } from './app.js';
import { renderAlerts, renderDelivery } from './alerts-render.js';
import { attestTenant } from './attestations.js';
import type { CommandIo } from './scan.command.js';

export const ALERT_STATUSES = ['open', 'resolved', 'all'] as const satisfies readonly AlertStatusFilter[];

export interface AlertsListOptions {
  config?: string;
  demo?: boolean;
  tenant?: string;
  status?: AlertStatusFilter;
  limit?: number;
}

export interface AlertsDeliverOptions {
  config?: string;
}

export interface AlertsRequeueOptions {
  config?: string;
  messageId: number;
}

/** A whole number above 0 (`--limit`, a message id). */
export function parseCountOption(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('expected a whole number above 0');
  return n;
}

/** A full batch means more may be due; this many batches at most in one run. */
const MAX_BATCHES = 100;

/** Lists alerts of every tenant, or of the one named by --tenant or --demo. */
export async function alertsListCommand(options: AlertsListOptions, io: CommandIo): Promise<number> {
  const status = options.status ?? 'open';
  const limit = options.limit ?? 50;
  return withApp(options, io, async (app) => {
    const tenant = options.demo || options.tenant ? attestTenant(app.config, options).tenant : undefined;
    const alerts = await createAlertReader(app.db.prisma).list({ status, limit, ...(tenant ? { tenantId: tenant.id } : {}) });
    io.stdout.write(`${renderAlerts(alerts, { status, limit, now: new Date(), ...(tenant ? { tenant } : {}) })}\n`);
    return EXIT.ok;
  });
}

/**
 * Delivers every due message once (batch after batch while batches come back full), through
 * the channels of `alerts.channels`. `channelDeps` is for tests (a fake SMTP transport).
 */
export async function alertsDeliverCommand(options: AlertsDeliverOptions, io: CommandIo, channelDeps?: Partial<CreateChannelDeps>): Promise<number> {
  return withApp(options, io, async (app) => {
    const clock = () => new Date();
    const channels = await buildChannels(app.config.alerts.channels, { env: io.env, keyVault: keyVaultReaderFor(app.config, io.env), clock, ...(channelDeps ? { channelDeps } : {}) });
    const outbox = createOutboxRepository(app.db.prisma, { clock });
    const dispatcher = createDispatcher({ outbox, channels, clock, log: app.log.child({ component: 'alerts' }), lockMs: app.config.alerts.claimSeconds * 1000 });
    const total: DispatchReport = { claimed: 0, delivered: 0, retried: 0, failed: 0, unrecorded: 0, deliveries: [] as DeliveryReport[] };
    for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
      const report = await dispatcher.runOnce();
      total.claimed += report.claimed;
      total.delivered += report.delivered;
      total.retried += report.retried;
      total.failed += report.failed;
      total.unrecorded += report.unrecorded;
      total.deliveries.push(...report.deliveries);
      if (report.claimed < DISPATCHER_DEFAULTS.batchSize || report.unrecorded > 0) break;
    }
    const waiting = (await outbox.pending()).length;
    io.stdout.write(`${renderDelivery(total, waiting)}\n`);
    return EXIT.ok;
  });
}

/** Makes a failed message pending again (an administrator fixed the channel); exit 4 when it is not failed. */
export async function alertsRequeueCommand(options: AlertsRequeueOptions, io: CommandIo): Promise<number> {
  return withApp(options, io, async (app) => {
    const result = await createOutboxRepository(app.db.prisma, { clock: () => new Date() }).requeue(options.messageId);
    if (!result.requeued) {
      io.stderr.write(`ppmat: ${result.reason}\n`);
      return EXIT.config;
    }
    io.stdout.write(`Requeued message #${options.messageId}: it is due now; \`ppmat alerts deliver\` or the service sends it.\n`);
    return EXIT.ok;
  });
}

