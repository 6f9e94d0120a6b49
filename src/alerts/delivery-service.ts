/**
 * Alert delivery inside the service (`ppmat start`): the configured channels, the outbox and a
 * dispatcher polling it until the service stops. The service awaits {@link AlertDelivery.stop}
 * before it closes the database, so the batch in flight is recorded.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import { keyVaultReaderFor } from '../config/resolve-secrets.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { createOutboxRepository } from '../store/outbox-repository.js';
import { buildChannels } from './build-channels.js';
import type { CreateChannelDeps } from './channels/create-channel.js';
import { createDispatcher, type Dispatcher, type DispatcherDeps } from './dispatcher.js';

/** How often the outbox is polled: new alerts are written by scans, at most a few a night. */
export const DELIVERY_INTERVAL_MS = 30_000;

/** The part of the service's App that delivery needs (src/cli/app.ts's App has it). */
export interface AlertDeliveryApp {
  config: { alerts: Pick<Config['alerts'], 'channels' | 'claimSeconds'>; keyVault?: Config['keyVault'] };
  db: { prisma: PrismaClient };
}

export interface AlertDeliveryOptions {
  /** Where `env:` secret references are read. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  intervalMs?: number;
  clock?: () => Date;
  /** For tests: fakes for HTTP, SMTP or secret reading. */
  channelDeps?: Partial<CreateChannelDeps>;
  /** For tests: the dispatcher's tuning (batch size, lease, backoff, sleep). */
  dispatcher?: Partial<Pick<DispatcherDeps, 'backoff' | 'batchSize' | 'concurrency' | 'lockMs' | 'sleep'>>;
  /** Told of every message's outcome (metrics). */
  onDelivery?: DispatcherDeps['onDelivery'];
}

export interface AlertDelivery {
  dispatcher: Dispatcher;
  /** The configured channel names (never their URLs). */
  channels: string[];
  /** Stops polling and waits for the batch in flight to be recorded; also done when `signal` aborts. */
  stop(): Promise<void>;
}

/**
 * Builds the channels from `config.alerts.channels` (rejecting with PPMAT_E_CONFIG_INVALID,
 * before anything is sent, when a channel's secret cannot be read) and starts the dispatcher.
 * `log` is used as given: pass a child logger with its component, e.g. `{ component: 'alerts' }`.
 */
export async function startAlertDelivery(app: AlertDeliveryApp, log: Logger, signal: AbortSignal, options: AlertDeliveryOptions = {}): Promise<AlertDelivery> {
  const clock = options.clock ?? (() => new Date());
  const env = options.env ?? process.env;
  const keyVaultConfig = app.config.keyVault;
  const channels = await buildChannels(app.config.alerts.channels, {
    env,
    ...(keyVaultConfig ? { keyVault: keyVaultReaderFor({ keyVault: keyVaultConfig }, env) } : {}),
    clock,
    ...(options.channelDeps ? { channelDeps: options.channelDeps } : {}),
  });
  const outbox = createOutboxRepository(app.db.prisma, { clock });
  const dispatcher = createDispatcher({ outbox, channels, clock, log, lockMs: app.config.alerts.claimSeconds * 1000, ...options.dispatcher, ...(options.onDelivery ? { onDelivery: options.onDelivery } : {}) });
  const names = [...channels.keys()];
  const intervalMs = options.intervalMs ?? DELIVERY_INTERVAL_MS;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    signal.removeEventListener('abort', onAbort);
    stopping ??= dispatcher.stop().then(() => log.info('alert delivery stopped'));
    return stopping;
  };
  const onAbort = (): void => void stop();
  if (signal.aborted) return { dispatcher, channels: names, stop: () => Promise.resolve() };
  dispatcher.start(intervalMs);
  signal.addEventListener('abort', onAbort, { once: true });
  log.info({ channels: names, intervalMs }, 'alert delivery started');
  return { dispatcher, channels: names, stop };
}
