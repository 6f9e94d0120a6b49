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

  it('redacts the headers and configuration an HTTP client error carries, cookies and channel secrets', () => {
    const { destination, lines } = capture();
    const log = createLogger({ level: 'info', destination });
    const axiosLike = Object.assign(new Error('Request failed with status code 500'), {
      config: { url: 'https://api.bap.microsoft.com/x', headers: { Authorization: 'Bearer eyJ0eXAi.axios-token' } },
      request: { _header: 'GET /x HTTP/1.1\r\nAuthorization: Bearer eyJ0eXAi.axios-token' },
      response: { status: 500, config: { headers: { Authorization: 'Bearer eyJ0eXAi.axios-token' } } },
    });
    log.error({ err: axiosLike, channel: { secret: 'whsec-1234', pass: 'smtp-p4ss' }, headers: { cookie: 'ppmat_session=abc123' }, certificatePassword: 'cert-p4ss' }, 'failed');
    expect(lines[0]).not.toMatch(/axios-token|whsec-1234|smtp-p4ss|abc123|cert-p4ss/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ err: { message: 'Request failed with status code 500', config: { url: 'https://api.bap.microsoft.com/x' } } });
  });
});
