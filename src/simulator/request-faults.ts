/**
 * How the simulator misbehaves on purpose, beyond the per-family `faults`: answers delayed by
 * a latency, random server errors, timeouts and truncated bodies at seeded rates (the same
 * seed gives the same sequence of decisions), and families refused with the 403 each real
 * surface sends.
 */
import { hashSeed, mulberry32 } from './prng.js';
import { apiError, type SimResponse, type SimSurface } from './sim-http.js';

/** Shares (0..1) of requests that fail each way. */
export interface FaultRates {
  /** 503 or 500 with an API error body. */
  serverError?: number;
  /** Never answered: the client's timeout decides (the socket is destroyed when the client goes). */
  timeout?: number;
  /** 200 with the real body cut in half (invalid JSON). */
  malformed?: number;
}

export type RandomFault = { kind: 'serverError'; status: 500 | 503 } | { kind: 'timeout' } | { kind: 'malformed' };

/** Draws a fault (or none) per request from a seeded sequence. */
export function createFaultDice(seed: number, rates: FaultRates): () => RandomFault | null {
  const serverError = clamp(rates.serverError);
  const timeout = clamp(rates.timeout);
  const malformed = clamp(rates.malformed);
  if (serverError + timeout + malformed === 0) return () => null;
  const next = mulberry32(hashSeed(seed, 0xfa17));
  return () => {
    const roll = next();
    const status = next() < 0.5 ? 503 : 500;
    if (roll < serverError) return { kind: 'serverError', status };
    if (roll < serverError + timeout) return { kind: 'timeout' };
    if (roll < serverError + timeout + malformed) return { kind: 'malformed' };
    return null;
  };
}

/** The body of a random server error. */
export function serverErrorResponse(status: 500 | 503): SimResponse {
  return status === 503
    ? { ...apiError(503, 'ServiceUnavailable', 'The service is temporarily unavailable. Please try again later.'), headers: { 'Retry-After': '1' } }
    : apiError(500, 'InternalServerError', 'An internal server error occurred. Please try again later.');
}

/** A 200 whose JSON body is cut in half, as a dropped connection or a broken proxy leaves it. */
export function truncatedResponse(text: string): SimResponse {
  const cut = text.length > 2 ? text.slice(0, Math.max(1, Math.floor(text.length / 2))) : '{"value": [';
  return { status: 200, body: cut };
}

/** A latency sampler: a fixed number of milliseconds, or uniform in [min, max] from a seeded sequence. */
export function createLatency(seed: number, latency: number | { min: number; max: number } | undefined): () => number {
  if (latency === undefined) return () => 0;
  if (typeof latency === 'number') return () => Math.max(0, latency);
  const min = Math.max(0, Math.min(latency.min, latency.max));
  const max = Math.max(0, latency.min, latency.max);
  const next = mulberry32(hashSeed(seed, 0x1a7e));
  return () => min + Math.floor(next() * (max - min + 1));
}

/**
 * The 403 of a refused family, in the words of its surface: BAP and the resource providers
 * name the path (reference section 0), Power Pages refuses service principals (reference 8a,
 * wording illustrative), Dataverse refuses a caller without an application user, Graph lacks
 * a permission.
 */
export function forbiddenResponse(surface: SimSurface, path: string, tenantId: string, powerPages: boolean): SimResponse {
  if (powerPages) {
    return apiError(403, 'Forbidden', 'Service principal authentication is not supported by the Power Pages admin API. Use a user account.');
  }
  switch (surface) {
    case 'dataverse':
      return apiError(403, '0x80072560', 'The user is not a member of the organization.');
    case 'graph':
      return apiError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    default:
      return apiError(403, 'Forbidden', `The caller does not have permission to access the path '${path}' in tenant '${tenantId}'.`);
  }
}

function clamp(rate: number | undefined): number {
  return rate === undefined || !Number.isFinite(rate) ? 0 : Math.min(1, Math.max(0, rate));
}
