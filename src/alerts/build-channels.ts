/**
 * The configured alert channels, built once for the dispatcher: each channel's secret is read
 * now, so a missing one stops the start with the channel's name instead of failing every
 * delivery later (and its messages would otherwise look like a channel no longer configured).
 */
import type { KeyVaultSecretReader } from '../auth/key-vault.js';
import type { ChannelConfig } from './channels/channel-config.js';
import type { AlertChannel } from './channels/channel.js';
import { createChannel, createSecretReader, createSmtpTransport, type CreateChannelDeps } from './channels/create-channel.js';

export interface BuildChannelsDeps {
  /** Where `env:` secret references are read. */
  env: NodeJS.ProcessEnv;
  /** Reads `keyvault:` references (see config/resolve-secrets.ts `keyVaultReaderFor`); without it they are refused. */
  keyVault?: KeyVaultSecretReader | (() => KeyVaultSecretReader);
  clock: () => Date;
  /** Overrides for tests: the secret reader, HTTP, the SMTP transport. */
  channelDeps?: Partial<CreateChannelDeps>;
}

/** The channels by name; rejects with PPMAT_E_CONFIG_INVALID naming the channel whose secret cannot be read. */
export async function buildChannels(configs: readonly ChannelConfig[], deps: BuildChannelsDeps): Promise<Map<string, AlertChannel>> {
  const channelDeps: CreateChannelDeps = {
    readSecret: createSecretReader({ env: deps.env, ...(deps.keyVault ? { keyVault: deps.keyVault } : {}) }),
    smtpTransport: createSmtpTransport,
    clock: deps.clock,
    ...deps.channelDeps,
  };
  const channels = new Map<string, AlertChannel>();
  for (const config of configs) channels.set(config.name, await createChannel(config, channelDeps));
  return channels;
}
