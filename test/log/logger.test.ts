/** Logs are JSON lines with a component, and secrets never reach them. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { componentLogger, createLogger } from '../../src/log/logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { destination, lines };
}

describe('logger', () => {
  it('writes JSON with the component of a child logger', () => {
    const { destination, lines } = capture();
    componentLogger(createLogger({ level: 'info', destination }), 'scan').info({ scanId: 3 }, 'scan finished');
    expect(JSON.parse(lines[0]!)).toMatchObject({ app: 'ppmat', component: 'scan', scanId: 3, msg: 'scan finished', level: 30 });
  });

  it('redacts tokens, secrets, passwords and database URLs wherever they appear', () => {
    const { destination, lines } = capture();
    const log = createLogger({ level: 'info', destination });
    log.info(
      {
        token: 'eyJ0eXAi.secret-token',
        clientSecret: 'hunter2',
        headers: { authorization: 'Bearer eyJ0eXAi.secret-token' },
        credential: { clientSecret: 'hunter2', password: 'p4ss' },
        config: { databaseUrl: 'postgresql://u:p4ss@db/ppmat' },
      },
      'context',
    );
    expect(lines[0]).not.toMatch(/secret-token|hunter2|p4ss/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ token: '[redacted]', clientSecret: '[redacted]', headers: { authorization: '[redacted]' } });
  });
});
