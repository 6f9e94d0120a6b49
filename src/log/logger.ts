/**
 * pino JSON logs on standard error (standard output is for results), with secrets redacted.
 * Each part of ppmat logs through a child logger with its `component`.
 */
import pino, { type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

/** Paths pino replaces with "[redacted]" wherever they appear in a log object. */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.Authorization',
  '*.headers.Authorization',
  'clientSecret',
  '*.clientSecret',
  'password',
  '*.password',
  'databaseUrl',
  '*.databaseUrl',
  // Secrets by the names config and credentials give them.
  'secret',
  '*.secret',
  'certificatePassword',
  '*.certificatePassword',
  'pass',
  '*.pass',
  'cookie',
  '*.cookie',
  'headers.cookie',
  '*.headers.cookie',
  'headers["set-cookie"]',
  '*.headers["set-cookie"]',
  // An HTTP client's error logged as `err` (axios) carries the request's configuration and headers.
  'err.config.headers.Authorization',
  'err.config.headers.authorization',
  'err.config.auth',
  'err.request',
  'err.response.config',
  '*.config.headers.Authorization',
  '*.config.headers.authorization',
];

export interface LoggerOptions {
  level: LevelWithSilent;
  /** A writable stream (tests) or a file descriptor; default: standard error. */
  destination?: pino.DestinationStream | number;
  /**
   * `json` (one object per line, for log collectors) or `pretty` (one readable line per
   * entry, for a person at a terminal). Default: json.
   */
  format?: 'json' | 'pretty';
}

export function createLogger(options: LoggerOptions): Logger {
  const fd = typeof options.destination === 'number' ? options.destination : 2;
  const destination =
    typeof options.destination === 'object'
      ? options.destination
      : options.format === 'pretty'
        ? pretty({
            destination: fd,
            sync: true,
            colorize: true,
            singleLine: true,
            translateTime: 'SYS:HH:MM:ss',
            messageFormat: '[{component}] {msg}',
            ignore: 'pid,hostname,app,component',
          })
        : pino.destination({ fd, sync: true });
  return pino(
    {
      level: options.level,
      base: { app: 'ppmat' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

export function componentLogger(log: Logger, component: string): Logger {
  return log.child({ component });
}
