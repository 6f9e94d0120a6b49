/** Rig for the Power Platform API collectors: the shared collector context, with an HTTP client whose retry waits are recorded. */
import pino from 'pino';
import { CLOUDS } from '../../src/auth/clouds.js';
import { StaticTokenCredential } from '../../src/auth/credentials.js';
import type { CollectorContext, CollectorProgress } from '../../src/collectors/types.js';
import { createHttpClient } from '../../src/http/http-client.js';
import { collectorContext } from './collector-context.js';

export const POWER_PLATFORM = CLOUDS.public.baseUrls.powerPlatform;
export const API_VERSION = { 'api-version': '2024-10-01' };

/** `sleeps` receives every wait of the HTTP client (its first entry is the first retry's). */
export function powerPlatformContext(): { ctx: CollectorContext; progress: CollectorProgress[]; sleeps: number[] } {
  const { ctx, progress } = collectorContext();
  const sleeps: number[] = [];
  const http = createHttpClient({
    baseUrls: CLOUDS.public.baseUrls,
    scopes: CLOUDS.public.scopes,
    credential: new StaticTokenCredential('test-token'),
    log: pino({ level: 'silent' }),
    maxRetries: 2,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { ctx: { ...ctx, http }, progress, sleeps };
}
