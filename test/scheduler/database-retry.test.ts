/**
 * Which errors mean "the database is unavailable" (as node-postgres and Prisma's pg adapter
 * raise them when PostgreSQL is stopped, restarting or unreachable: recorded against a real
 * server by test/reliability/database-faults.test.ts), and the retry of one database step.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { describeDatabaseFault, isDatabaseUnavailable, retryWhileDatabaseUnavailable } from '../../src/scheduler/database-retry.js';
import { FakeClock, until } from '../support/fake-clock.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const prismaUnreachable = Object.assign(new Error("\nInvalid `prisma.scan.count()` invocation:\n\n\nCan't reach database server at 127.0.0.1:5432"), {
  code: 'P1001',
  meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 } } },
});

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['pg_ctl stop -m fast (57P01)', withCode('terminating connection due to administrator command', '57P01')],
    ['a server starting up (57P03)', withCode('the database system is starting up', '57P03')],
    ['a connection exception (08006)', withCode('connection failure', '08006')],
    ['Prisma: server unreachable (P1001)', prismaUnreachable],
    ['Prisma: connection closed (adapter kind)', Object.assign(new Error('x'), { code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'ConnectionClosed' } } } })],
    ['node-postgres: connection cut mid-query', new Error('Connection terminated unexpectedly')],
    ['node-postgres: a client whose socket died', new Error('Client has encountered a connection error and is not queryable')],
    ['node-postgres: pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['wrapped in a cause', new Error('could not store', { cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED') })],
  ])('%s: yes', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['Prisma: unique constraint (P2002)', withCode('Unique constraint failed', 'P2002')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error', 'database unavailable'],
    ['nothing', undefined],
  ])('%s: no', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('describes the fault by its code and the line that names the server', () => {
    expect(describeDatabaseFault(prismaUnreachable)).toBe("P1001: Can't reach database server at 127.0.0.1:5432");
    expect(describeDatabaseFault(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe('ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:5432');
    expect(describeDatabaseFault(new Error('Connection terminated unexpectedly'))).toBe('Connection terminated unexpectedly');
  });
});

describe('retryWhileDatabaseUnavailable', () => {
  function logged() {
    const lines: { level: number; msg: string; [key: string]: unknown }[] = [];
    return { lines, log: pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as (typeof lines)[number]) }) };
  }

  it('waits 0.5, 1, 2 s while the database is unavailable, then returns; one line when it fails, one when it answers', async () => {
    const clock = new FakeClock(0);
    const { log, lines } = logged();
    let down = 3;
    const result = retryWhileDatabaseUnavailable('storing the results', async () => (down-- > 0 ? Promise.reject(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')) : 'stored'), {
      log,
      database: 'postgresql://ppmat@127.0.0.1:5432/ppmat',
      sleep: clock.sleep,
      now: clock.now,
    });
    for (const pause of [500, 1_000, 2_000]) {
      await until(() => clock.pending === 1);
      await clock.advance(pause);
    }
    expect(await result).toBe('stored');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [50, 'the database is unavailable (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:5432): storing the results is retried until it answers'],
      [40, 'the database answered again: storing the results resumed'],
    ]);
    expect(lines[0]).toMatchObject({ database: 'postgresql://ppmat@127.0.0.1:5432/ppmat', attempt: 1, retryInMs: 500 });
    expect(lines[1]).toMatchObject({ attempts: 4, downMs: 3_500 });
  });

  it('throws other errors at once, and the last one when the budget is spent', async () => {
    const clock = new FakeClock(0);
    const { log, lines } = logged();
    const bug = new TypeError('bug');
    await expect(retryWhileDatabaseUnavailable('x', () => Promise.reject(bug), { log, sleep: clock.sleep, now: clock.now })).rejects.toBe(bug);
    const down = withCode('terminating connection due to administrator command', '57P01');
    const result = retryWhileDatabaseUnavailable('linking', () => Promise.reject(down), { log, sleep: clock.sleep, now: clock.now, budgetMs: 3_000 });
    const settled = result.catch((error: unknown) => error);
    for (const pause of [500, 1_000]) {
      await until(() => clock.pending === 1);
      await clock.advance(pause);
    }
    expect(await settled).toBe(down);
    expect(lines.at(-1)).toMatchObject({ level: 50, msg: 'the database is still unavailable: giving up linking', attempts: 3 });
  });

  it('asks `settled` before running a step again, and returns its answer when the step had committed', async () => {
    const clock = new FakeClock(0);
    const { log } = logged();
    let runs = 0;
    const result = retryWhileDatabaseUnavailable(
      'storing the results',
      async () => {
        runs += 1;
        throw new Error('Connection terminated unexpectedly');
      },
      { log, sleep: clock.sleep, now: clock.now },
      async () => 'committed before',
    );
    await until(() => clock.pending === 1);
    await clock.advance(500);
    expect(await result).toBe('committed before');
    expect(runs).toBe(1);
  });

  it('stops waiting when its signal aborts', async () => {
    const clock = new FakeClock(0);
    const { log } = logged();
    const controller = new AbortController();
    const result = retryWhileDatabaseUnavailable('x', () => Promise.reject(new Error('Connection terminated unexpectedly')), { log, sleep: clock.sleep, now: clock.now, signal: controller.signal });
    await until(() => clock.pending === 1);
    controller.abort();
    await expect(result).rejects.toMatchObject({ code: 'PPMAT_E_ABORTED' });
  });
});
