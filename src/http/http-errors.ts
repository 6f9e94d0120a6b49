/**
 * Turns HTTP outcomes into typed {@link CollectionError}s whose message names the
 * request, the status and, for 403, what is most likely missing: the person reading
 * a partial scan must be able to fix the permission without reading code.
 */
import { CollectionError } from '../collectors/types.js';
import { createScrubber, scrubJwts } from '../log/scrub-secrets.js';
import type { RequestSurface } from './types.js';

/**
 * What a 403 most likely means, per surface. BAP refuses app-only tokens of apps that are
 * not registered as Power Platform admin management applications (reference section 0,
 * "Service principal prerequisite"; terraform `validateNoManagementApplicationPermissionsForBapiRequest`).
 */
export const FORBIDDEN_HINTS: Record<RequestSurface, string> = {
  bap: 'the app is not registered as a Power Platform admin management application or lacks the Power Platform Administrator role',
  powerApps: 'the app is not registered as a Power Platform admin management application or lacks the Power Platform Administrator role',
  flow: 'the app is not registered as a Power Platform admin management application or lacks the Power Platform Administrator role',
  powerPlatform: 'the identity lacks the Power Platform API permission (admin consent) or the Power Platform Administrator role',
  graph: 'the app lacks the Microsoft Graph application permission or admin consent for it',
  dataverse: 'the app is not an application user of this environment, or its security role cannot read this table (add it in the Power Platform admin center: Environment > Settings > Users + permissions > Application users)',
};

/** Longest API error text copied into a message. */
const MAX_API_MESSAGE_CHARS = 300;

/**
 * Extracts the API's own error text from a body: `{error:{code,message}}` (BAP, ARM style),
 * `{message}`, `{error_description}` or a short plain-text body. Null when there is none.
 */
export function apiErrorMessage(body: string): string | null {
  const text = body.trim();
  if (text === '') return null;
  let message: string | null;
  try {
    const parsed: unknown = JSON.parse(text);
    message = messageFromJson(parsed);
  } catch {
    message = text.startsWith('<') ? null : text;
  }
  if (message === null) return null;
  return message.length > MAX_API_MESSAGE_CHARS ? `${message.slice(0, MAX_API_MESSAGE_CHARS)}…` : message;
}

function messageFromJson(parsed: unknown): string | null {
  if (typeof parsed !== 'object' || parsed === null) return null;
  const record = parsed as Record<string, unknown>;
  const error = record['error'];
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as Record<string, unknown>;
    if (typeof message === 'string') return typeof code === 'string' ? `${code}: ${message}` : message;
    if (typeof code === 'string') return code;
  }
  if (typeof error === 'string') return error;
  for (const key of ['message', 'error_description', 'Message']) {
    const value = record[key];
    if (typeof value === 'string') return value;
  }
  return null;
}

export interface FailedRequest {
  surface: RequestSurface;
  method: string;
  /** Already redacted. */
  url: string;
  status: number;
  body: string;
  /** What a 403 means for this endpoint, when the caller knows better than {@link FORBIDDEN_HINTS} (e.g. the Graph permission). */
  forbiddenHint?: string;
  /** Values the API's text must not carry into the message: the bearer token sent (an API may quote the token it refused). */
  secrets?: readonly string[];
}

/** The API's text with the request's secrets and any JWT replaced by `[redacted]`. */
function scrubApiText(text: string, secrets: readonly string[] = []): string {
  return scrubJwts(createScrubber(secrets)(text));
}

/** The error for a non-retryable or finally failing HTTP status. */
export function statusError(failed: FailedRequest): CollectionError {
  const { surface, method, url, status } = failed;
  // Scrubbed before it is cut to length, so a cut never leaves part of a secret.
  const apiSays = apiErrorMessage(scrubApiText(failed.body, failed.secrets));
  const suffix = apiSays ? ` The API said: ${apiSays}` : '';
  const details = { httpStatus: status, url };
  const request = `${method} ${url}`;
  if (status === 401) {
    return new CollectionError('error', 'PPMAT_E_HTTP_UNAUTHORIZED', `${request} answered 401: the access token was rejected (wrong tenant, audience or expired credential).${suffix}`, details);
  }
  if (status === 403) {
    return new CollectionError('unavailable', 'PPMAT_E_HTTP_FORBIDDEN', `${request} answered 403: ${failed.forbiddenHint ?? FORBIDDEN_HINTS[surface]}.${suffix}`, details);
  }
  if (status === 404) {
    return new CollectionError('error', 'PPMAT_E_HTTP_NOT_FOUND', `${request} answered 404 where a resource was expected.${suffix}`, details);
  }
  if (status === 429) {
    return new CollectionError('error', 'PPMAT_E_HTTP_THROTTLED', `${request} was still throttled (429) after every retry.${suffix}`, details);
  }
  return new CollectionError('error', 'PPMAT_E_HTTP_STATUS', `${request} answered ${status}.${suffix}`, details);
}

/** The error for a 2xx body that is not JSON, or JSON of the wrong shape. */
export function malformedError(method: string, url: string, status: number, why: string): CollectionError {
  return new CollectionError('error', 'PPMAT_E_MALFORMED_RESPONSE', `${method} ${url} answered ${status} with a body that is not the expected shape: ${why}.`, {
    httpStatus: status,
    url,
  });
}
