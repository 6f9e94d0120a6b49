/**
 * Throttling pauses shared through the database: a 429 one process receives pauses the host
 * for every process scanning the tenant (see http/shared-host-limiter.ts).
 */
import type { PrismaClient } from '../generated/prisma/client.js';

export interface ThrottleStore {
  /** When the pause on `key` ends (ms since the epoch; 0 when there is none). */
  pausedUntil(key: string): Promise<number>;
  /** Pauses `key` until `until` (ms), or leaves a later pause in place. */
  pause(key: string, until: number): Promise<void>;
}

export function createThrottleStore(prisma: PrismaClient): ThrottleStore {
  return {
    async pausedUntil(key) {
      const row = await prisma.throttlePause.findUnique({ where: { key } });
      return row ? row.pausedUntil.getTime() : 0;
    },
    async pause(key, until) {
      await prisma.$executeRaw`
        INSERT INTO throttle_pause (key, paused_until) VALUES (${key}, ${new Date(until)})
        ON CONFLICT (key) DO UPDATE SET paused_until = GREATEST(throttle_pause.paused_until, EXCLUDED.paused_until)`;
    },
  };
}
