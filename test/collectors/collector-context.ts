/** Shared rig for collector tests: a real HTTP client against nock, no waiting, silent logs. */
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { StaticTokenCredential } from '../../src/auth/credentials.js';
import { CLOUDS } from '../../src/auth/clouds.js';
import type { CollectorContext, CollectorProgress } from '../../src/collectors/types.js';
import { CollectionError } from '../../src/collectors/types.js';
import { createGraphClient } from '../../src/http/graph-client.js';
import { createHostLimiter } from '../../src/http/host-limiter.js';
import { createHttpClient } from '../../src/http/http-client.js';

export const BAP = 'https://api.bap.microsoft.com';
export const GRAPH = 'https://graph.microsoft.com';
export const POWER_PLATFORM = CLOUDS.public.baseUrls.powerPlatform;
export const API_VERSION = { 'api-version': '2024-10-01' };
export const TENANT_ID = '6f1c7a2e-1b9d-4c55-9a0e-2f3b4c5d6e7f';

/** A recorded API payload (plain JSON, typed for nock's `reply`). */
export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/api/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

export function fixtureText(name: string): string {
  return readFileSync(new URL(`../fixtures/api/${name}`, import.meta.url), 'utf8');
}

/**
 * A collector context on the public cloud endpoints (nock intercepts them): the HTTP client
 * and a Graph client counting into its stats, sharing one host limiter as in a real scan.
 * `sleeps` receives every Graph retry delay.
 *
 * Time is virtual: a sleep returns at once and moves the clock on by its length, so the
 * host pause a 429 sets is over when the throttled request retries, and other requests do
 * not wait (the limiter's pauses are tested with a fake clock in test/http).
 */
export function collectorContext(): { ctx: CollectorContext; progress: CollectorProgress[]; sleeps: number[] } {
  const progress: CollectorProgress[] = [];
  const sleeps: number[] = [];
  let clock = Date.now();
  const now = (): number => clock;
  /** Every wait of either client is recorded, then passes at once on the virtual clock. */
  const pass = async (ms: number): Promise<void> => {
    sleeps.push(ms);
    clock += ms;
  };
  const hostLimiter = createHostLimiter({ sleep: pass, now });
  const http = createHttpClient({
    baseUrls: CLOUDS.public.baseUrls,
    scopes: CLOUDS.public.scopes,
    credential: new StaticTokenCredential('test-token'),
    log: pino({ level: 'silent' }),
    maxRetries: 2,
    random: () => 0.5,
    sleep: pass,
    now,
    hostLimiter,
  });
  const graph = createGraphClient({
    baseUrl: CLOUDS.public.baseUrls.graph,
    scope: CLOUDS.public.scopes.graph,
    credential: new StaticTokenCredential('test-token'),
    log: pino({ level: 'silent' }),
    maxRetries: 2,
    random: () => 0.5,
    sleep: pass,
    now,
    hostLimiter,
  }).scoped(http.stats);
  return { ctx: { tenantId: TENANT_ID, http, graph, log: pino({ level: 'silent' }), onProgress: (p) => progress.push(p) }, progress, sleeps };
}

export async function collectionFailure(promise: Promise<unknown>): Promise<CollectionError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CollectionError) return error;
    throw error;
  }
  throw new Error('expected the collection to fail');
}
