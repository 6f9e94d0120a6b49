/**
 * The simulator's per-endpoint faults (the `faults` option): one endpoint family, or one
 * Dataverse table (`dataverse:{entitySet}`), misbehaving the way real APIs do, for as many
 * requests as told. Every kind a scan must survive has a name, so a test can sweep
 * collector x fault (test/reliability/fault-matrix.test.ts):
 *
 * - `status`: an error answer (403 in the surface's own words, 404, a 429 storm with
 *   `Retry-After`, a persistent 500, ...), or any raw `body`;
 * - `timeout`: never answered (the client's timeout decides);
 * - `reset`: the connection is destroyed without an answer;
 * - `malformed`: the real body cut in half, with status 200 (invalid JSON);
 * - `unknownFields`: properties the client has never seen added to every object of the body;
 * - `missingFields`: the named properties removed from every object of the body.
 */
import { forbiddenResponse, truncatedResponse } from './request-faults.js';
import { apiError, type EndpointFamily, type SimResponse, type SimSurface } from './sim-http.js';

export type FaultKind = 'status' | 'timeout' | 'reset' | 'malformed' | 'unknownFields' | 'missingFields';

/**
 * How one endpoint family misbehaves: `times` requests (every one when omitted) get this
 * answer, then it recovers. A family's fault covers all its endpoints (for DLP: the list and
 * every detail), and is checked after the bearer token, like a real API.
 */
export interface SimulatorFault {
  /** What goes wrong; `status` (an error answer) by default. */
  kind?: FaultKind;
  /** `status` kind: the status (default 500); 403 without a `body` is the surface's own refusal. */
  status?: number;
  /** `status` kind: the raw body to send (e.g. malformed JSON); an API-style error body when omitted. */
  body?: string;
  times?: number;
  retryAfterSeconds?: number;
  /** `missingFields` kind: the property names removed wherever they occur in the body. */
  fields?: readonly string[];
  /** `unknownFields` kind: the properties added to every object (default {@link UNKNOWN_FIELDS}). */
  extra?: Readonly<Record<string, unknown>>;
}

/**
 * Where a fault applies: an endpoint family, or one Dataverse table (its entity set, lower
 * case, e.g. `dataverse:bots`), which also reaches the table's part of a Dataverse `$batch`.
 */
export type FaultTarget = EndpointFamily | `dataverse:${string}`;

/** The properties an `unknownFields` fault adds: names no API uses, of the kinds a new API version adds. */
export const UNKNOWN_FIELDS: Readonly<Record<string, unknown>> = {
  ppmatSimulatorAddedText: 'a property ppmat has never seen',
  ppmatSimulatorAddedFlag: true,
};

/** Kinds that rewrite a successful body (applied per part inside a Dataverse `$batch`). */
export const BODY_FAULTS: ReadonlySet<FaultKind> = new Set(['malformed', 'unknownFields', 'missingFields']);

/** What the refused request was, for the surface's 403 wording. */
export interface FaultedRequest {
  surface: SimSurface;
  path: string;
  tenantId: string;
  family: EndpointFamily;
}

/** The answer of a faulted request; `respond` gives the real answer for the kinds that rewrite it. */
export function faultedAnswer(fault: SimulatorFault, request: FaultedRequest, respond: () => SimResponse): SimResponse {
  const kind = fault.kind ?? 'status';
  switch (kind) {
    case 'timeout':
      return { status: 0, body: null, abort: 'hang' };
    case 'reset':
      return { status: 0, body: null, abort: 'reset' };
    case 'malformed':
      return rewritten(respond(), (real) => truncatedResponse(serializedBody(real)));
    case 'unknownFields':
      return rewritten(respond(), (real) => ({ ...real, body: withFields(real.body, fault.extra ?? UNKNOWN_FIELDS) }));
    case 'missingFields':
      return rewritten(respond(), (real) => ({ ...real, body: withoutFields(real.body, new Set(fault.fields ?? [])) }));
    default:
      return statusAnswer(fault, request);
  }
}

function statusAnswer(fault: SimulatorFault, request: FaultedRequest): SimResponse {
  const status = fault.status ?? 500;
  const headers: Record<string, string> = fault.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(fault.retryAfterSeconds) };
  if (fault.body !== undefined) return { status, body: fault.body, headers };
  const base =
    status === 403
      ? forbiddenResponse(request.surface, request.path, request.tenantId, request.family === 'powerPagesSites')
      : status === 429
        ? apiError(429, 'TooManyRequests', 'Rate limit is exceeded. Try again later.')
        : apiError(status, 'SimulatedFault', `The simulator was told to answer ${status}.`);
  return { ...base, headers };
}

/** Only a successful answer is rewritten; an error (e.g. a 404 for a table an environment lacks) stays as it is. */
function rewritten(real: SimResponse, rewrite: (real: SimResponse) => SimResponse): SimResponse {
  return real.status >= 200 && real.status < 300 && real.abort === undefined ? rewrite(real) : real;
}

/** The body as sent on the wire. */
export function serializedBody(response: SimResponse): string {
  return response.body === null || response.body === undefined ? '' : typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
}

/** Every object of `value` (at any depth) with `extra` added, its own properties kept. */
export function withFields(value: unknown, extra: Readonly<Record<string, unknown>>): unknown {
  if (Array.isArray(value)) return value.map((item) => withFields(item, extra));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = withFields(item, extra);
  for (const [key, item] of Object.entries(extra)) if (!(key in out)) out[key] = item;
  return out;
}

/** `value` with the properties named in `fields` removed from every object, at any depth. */
export function withoutFields(value: unknown, fields: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutFields(item, fields));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (!fields.has(key)) out[key] = withoutFields(item, fields);
  return out;
}
