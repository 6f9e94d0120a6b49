/**
 * The one catalogue of ppmat errors: each code has a message template, a CLI exit
 * code and an HTTP status. Every user-facing failure carries one of these codes, so
 * it can be looked up in the README and matched by scripts.
 */

export interface ErrorSpec {
  /** What went wrong, in general terms; the error's own message adds the specifics. */
  summary: string;
  exitCode: number;
  httpStatus: number;
}

/** Exit codes of the CLI (also documented in the README). */
export const EXIT = {
  ok: 0,
  /** A scan completed but some evidence could not be collected (`partial`). */
  partial: 2,
  /** A scan failed: no evidence at all could be collected, or storing failed. */
  scanFailed: 3,
  /** Bad configuration, rules or arguments: nothing was done. */
  config: 4,
  /** The database could not be opened or migrated. */
  database: 5,
  /** Another process is scanning the tenant (it holds the tenant's lease): nothing was done. */
  busy: 6,
  /** Interrupted (Ctrl-C) before the scan finished. */
  interrupted: 130,
  unexpected: 1,
} as const;

export const ERRORS = {
  PPMAT_E_CONFIG_INVALID: { summary: 'The configuration is invalid.', exitCode: EXIT.config, httpStatus: 500 },
  PPMAT_E_CONFIG_READ: { summary: 'The configuration file could not be read.', exitCode: EXIT.config, httpStatus: 500 },
  PPMAT_E_SECRET_UNAVAILABLE: { summary: 'A secret referenced in Azure Key Vault could not be read (no such secret, access refused, or the vault unreachable).', exitCode: EXIT.config, httpStatus: 500 },
  PPMAT_E_TENANT_UNKNOWN: { summary: 'No tenant with that id is configured.', exitCode: EXIT.config, httpStatus: 404 },
  PPMAT_E_CAPABILITY_UNKNOWN: { summary: 'No capability statement of the maturity model has that id.', exitCode: EXIT.config, httpStatus: 404 },
  PPMAT_E_ATTESTATION_INVALID: { summary: 'An attestation is incomplete or its dates or link are invalid.', exitCode: EXIT.config, httpStatus: 400 },
  PPMAT_E_RULE_INVALID: { summary: 'A rule file is invalid.', exitCode: EXIT.config, httpStatus: 500 },
  PPMAT_E_CEL_INVALID: { summary: 'A CEL expression in a rule file does not compile.', exitCode: EXIT.config, httpStatus: 500 },
  PPMAT_E_MODEL_INVALID: { summary: 'The maturity model catalogue is invalid.', exitCode: EXIT.config, httpStatus: 500 },
  PPMAT_E_CASES_INVALID: { summary: 'A rule cases file is invalid.', exitCode: EXIT.config, httpStatus: 500 },
  PPMAT_E_AUTH_TOKEN: { summary: 'No access token could be obtained for an API audience.', exitCode: EXIT.scanFailed, httpStatus: 502 },
  PPMAT_E_HTTP_UNAUTHORIZED: { summary: 'The API rejected the access token (401).', exitCode: EXIT.scanFailed, httpStatus: 502 },
  PPMAT_E_HTTP_FORBIDDEN: { summary: 'The API refused access (403): a role, permission or registration is missing.', exitCode: EXIT.partial, httpStatus: 502 },
  PPMAT_E_HTTP_NOT_FOUND: { summary: 'The API answered 404 where a resource was expected.', exitCode: EXIT.partial, httpStatus: 502 },
  PPMAT_E_HTTP_STATUS: { summary: 'The API answered with an unexpected HTTP status.', exitCode: EXIT.partial, httpStatus: 502 },
  PPMAT_E_HTTP_THROTTLED: { summary: 'The API kept throttling (429) after every retry.', exitCode: EXIT.partial, httpStatus: 502 },
  PPMAT_E_HTTP_NETWORK: { summary: 'The API could not be reached (connection refused, reset or DNS).', exitCode: EXIT.partial, httpStatus: 502 },
  PPMAT_E_HTTP_TIMEOUT: { summary: 'The API did not answer in time.', exitCode: EXIT.partial, httpStatus: 504 },
  PPMAT_E_PREREQUISITE_MISSING: {
    summary: 'The API refused because the tenant lacks a prerequisite of the feature (e.g. Power Advisor needs a managed environment).',
    // An answer about the tenant, not a failed collection: the scan still succeeds (see scanStatus).
    exitCode: EXIT.ok,
    httpStatus: 424,
  },
  PPMAT_E_UPSTREAM_MISSING: { summary: 'A collector could not run because the evidence it builds on was not collected.', exitCode: EXIT.partial, httpStatus: 424 },
  PPMAT_E_MALFORMED_RESPONSE: { summary: 'The API answered with a body that is not the expected shape.', exitCode: EXIT.partial, httpStatus: 502 },
  PPMAT_E_ABORTED: { summary: 'The operation was cancelled.', exitCode: EXIT.interrupted, httpStatus: 499 },
  PPMAT_E_DB_CONNECT: { summary: 'The database could not be opened.', exitCode: EXIT.database, httpStatus: 503 },
  PPMAT_E_DB_MIGRATION: { summary: 'A database migration failed or does not match what was applied before.', exitCode: EXIT.database, httpStatus: 503 },
  PPMAT_E_SCAN_FAILED: { summary: 'The scan failed.', exitCode: EXIT.scanFailed, httpStatus: 500 },
  PPMAT_E_TENANT_BUSY: { summary: 'Another process is scanning the tenant; try again when its scan ends.', exitCode: EXIT.busy, httpStatus: 409 },
  PPMAT_E_SCAN_UNKNOWN: { summary: 'No stored scan has that id, or it is a scan of another tenant.', exitCode: EXIT.config, httpStatus: 404 },
  PPMAT_E_UNAUTHENTICATED: { summary: 'No valid credentials: sign in, or send an API token (Authorization: Bearer ppmat_...).', exitCode: EXIT.config, httpStatus: 401 },
  PPMAT_E_FORBIDDEN: { summary: 'The credentials are valid but their role or tenant scope does not allow this.', exitCode: EXIT.config, httpStatus: 403 },
  PPMAT_E_REQUEST_INVALID: { summary: 'The request is invalid: a parameter or the body does not have the expected shape.', exitCode: EXIT.config, httpStatus: 400 },
  PPMAT_E_NOT_FOUND: { summary: 'No such resource.', exitCode: EXIT.config, httpStatus: 404 },
  PPMAT_E_TOKEN_UNKNOWN: { summary: 'No API token has that id.', exitCode: EXIT.config, httpStatus: 404 },
  PPMAT_E_ALERT_UNKNOWN: { summary: 'No alert has that id, or it is an alert of another tenant.', exitCode: EXIT.config, httpStatus: 404 },
  PPMAT_E_SIGNIN_FAILED: { summary: 'The Microsoft Entra ID sign-in did not complete.', exitCode: EXIT.config, httpStatus: 401 },
  PPMAT_E_REPORT_INVALID: { summary: 'The report cannot be made from these arguments (format, scan or period).', exitCode: EXIT.config, httpStatus: 400 },
  PPMAT_E_INTERNAL: { summary: 'An unexpected error; the details are in the log.', exitCode: EXIT.unexpected, httpStatus: 500 },
  PPMAT_E_SCANS_UNAVAILABLE: { summary: 'This process does not run scans (start it with `ppmat start` or `npm start` to scan from the API).', exitCode: EXIT.config, httpStatus: 503 },
  PPMAT_E_HTTP_LISTEN: { summary: 'The HTTP server could not listen on its address (the port is in use, or the address is not this machine\'s).', exitCode: EXIT.config, httpStatus: 500 },
  PPMAT_E_SIMULATOR: { summary: 'The demo tenant simulator could not start.', exitCode: EXIT.unexpected, httpStatus: 500 },
  PPMAT_E_RATE_LIMITED: { summary: 'Too many requests (sign-ins, refused credentials, or calls by one caller); wait the Retry-After seconds and try again.', exitCode: EXIT.config, httpStatus: 429 },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/**
 * Codes that describe the tenant rather than a failed collection: the API refused because
 * the tenant lacks something (e.g. Advisor needs a managed environment). Such evidence is
 * unavailable and its checks unknown, but the scan is not degraded by it.
 */
export const TENANT_POSTURE_CODES: ReadonlySet<string> = new Set<ErrorCode>(['PPMAT_E_PREREQUISITE_MISSING']);

/** An error with a catalogue code. `where` names the place: a file and line, a config path, a URL. */
export class PpmatError extends Error {
  readonly code: ErrorCode;
  readonly where: string | undefined;

  constructor(code: ErrorCode, message: string, options: { where?: string; cause?: unknown } = {}) {
    super(options.where ? `${options.where}: ${message}` : message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PpmatError';
    this.code = code;
    this.where = options.where;
  }

  get exitCode(): number {
    return ERRORS[this.code].exitCode;
  }

  get httpStatus(): number {
    return ERRORS[this.code].httpStatus;
  }
}

export function isPpmatError(error: unknown): error is PpmatError {
  return error instanceof PpmatError;
}
