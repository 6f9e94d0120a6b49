/**
 * Riding out a database that stops answering for a while (a PostgreSQL restart, a managed
 * server's failover): which errors mean "the database is unavailable, try again", and a retry
 * of one idempotent database step with a growing pause, logged once when it starts failing and
 * once when it answers again.
 *
 * A transaction cut by the outage is rolled back by the server, so retrying a whole
 * transaction never leaves half of it behind. The one ambiguous case is a COMMIT whose answer
 * was lost: a step that is not idempotent passes `settled`, which looks whether its earlier
 * attempt committed before it runs again.
 */
import type { Logger } from 'pino';
import { abortableSleep, type Sleep } from '../http/sleep.js';

/** Socket errors of a server that is gone or refusing connections. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
/**
 * PostgreSQL SQLSTATEs of a server stopping, starting or gone: class 08 (connection exception),
 * 57P01 admin_shutdown (`pg_ctl stop -m fast`), 57P02 crash_shutdown, 57P03 cannot_connect_now
 * ("the database system is starting up / shutting down").
 */
const SQLSTATES = /^(08\d{3}|57P0[123])$/;
/**
 * Prisma's codes for the same (https://www.prisma.io/docs/orm/reference/error-reference):
 * P1001 can't reach the server, P1002 it timed out, P1017 it closed the connection, P2024 no
 * pooled connection in time; and the driver adapter's kinds behind them.
 */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1017', 'P2024']);
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
/** node-postgres says these in words only (no code). */
const MESSAGES = /Connection terminated|not queryable|timeout exceeded when trying to connect|terminating connection|the database system is (starting up|shutting down|in recovery mode)|Can't reach database server|Server has closed the connection/i;

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown } } };
}

/** Whether `error` (or an error it wraps) says the database is unreachable or restarting: worth waiting for, not a bug. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; current = (current as ErrorLike).cause, depth += 1) {
    const e = current as ErrorLike;
    const code = typeof e.code === 'string' ? e.code : '';
    if (SOCKET_CODES.has(code) || SQLSTATES.test(code) || PRISMA_CODES.has(code)) return true;
    const adapter = e.meta?.driverAdapterError?.cause;
    if (adapter && (ADAPTER_KINDS.has(String(adapter.kind)) || SQLSTATES.test(String(adapter.code ?? '')))) return true;
    if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  }
  return false;
}

/** The fault in one short line for logs: its code and first line, e.g. `P1001: Can't reach database server at 127.0.0.1:5432`. */
export function describeDatabaseFault(error: unknown): string {
  const e = (error ?? {}) as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const lines = (typeof e.message === 'string' ? e.message : String(error)).split('\n').map((line) => line.trim()).filter(Boolean);
  // Prisma puts the invocation first and the reason last.
  const reason = code?.startsWith('P') ? lines.at(-1) : lines[0];
  return code ? `${code}: ${reason ?? ''}` : (reason ?? 'unknown error');
}

export interface DatabaseRetryPolicy {
  log: Logger;
  /** Where the database is (`postgresql://…@host:5432/ppmat`, no password), for the log lines. */
  database?: string | undefined;
  /** Stops waiting (the scan was aborted, the lease lost, the service stops). */
  signal?: AbortSignal | undefined;
  /** How long one step may keep failing before its error is let through. Default 2 minutes. */
  budgetMs?: number;
  /** Pauses before attempts 2, 3, ...; the last one repeats. Default 0.5, 1, 2, 4, 5 s. */
  delaysMs?: readonly number[];
  sleep?: Sleep;
  now?: () => number;
}

export const DATABASE_RETRY_DEFAULTS = { budgetMs: 120_000, delaysMs: [500, 1_000, 2_000, 4_000, 5_000] } as const;

/**
 * Runs `step`; while it fails because the database is unavailable, waits and runs it again, for
 * at most the policy's budget. Other errors, an abort, and the last error after the budget are
 * thrown as they are. `settled`, when given, is asked before each retry whether an earlier
 * attempt did commit after all; its answer is then returned instead of running `step` again.
 */
export async function retryWhileDatabaseUnavailable<T>(what: string, step: () => Promise<T>, policy: DatabaseRetryPolicy, settled?: () => Promise<T | undefined>): Promise<T> {
  const sleep = policy.sleep ?? abortableSleep;
  const now = policy.now ?? (() => performance.now());
  const budgetMs = policy.budgetMs ?? DATABASE_RETRY_DEFAULTS.budgetMs;
  const delays = policy.delaysMs ?? DATABASE_RETRY_DEFAULTS.delaysMs;
  const started = now();
  for (let attempt = 1; ; attempt += 1) {
    try {
      if (attempt > 1 && settled) {
        const done = await settled();
        if (done !== undefined) {
          policy.log.warn({ database: policy.database, attempts: attempt - 1 }, `the database answered again: ${what} had been stored before the connection was lost`);
          return done;
        }
      }
      const value = await step();
      if (attempt > 1) policy.log.warn({ database: policy.database, attempts: attempt, downMs: Math.round(now() - started) }, `the database answered again: ${what} resumed`);
      return value;
    } catch (error) {
      if (!isDatabaseUnavailable(error) || policy.signal?.aborted) throw error;
      const delay = delays[Math.min(attempt - 1, delays.length - 1)] ?? 1_000;
      const elapsed = now() - started;
      if (elapsed + delay > budgetMs) {
        policy.log.error({ database: policy.database, fault: describeDatabaseFault(error), attempts: attempt, downMs: Math.round(elapsed) }, `the database is still unavailable: giving up ${what}`);
        throw error;
      }
      // One line when the trouble starts, then one every few attempts: an outage of minutes is not hundreds of lines.
      if (attempt === 1 || attempt % 5 === 0) {
        policy.log.error({ database: policy.database, fault: describeDatabaseFault(error), attempt, retryInMs: delay }, `the database is unavailable (${describeDatabaseFault(error)}): ${what} is retried until it answers`);
      }
      await sleep(delay, policy.signal);
    }
  }
}
