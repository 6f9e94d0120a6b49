/**
 * Schemas shared by the routes: declared once with zod, they validate requests, serialize
 * answers and become the OpenAPI document (fastify-type-provider-zod).
 */
import { z } from 'zod';
import { AREAS, LEVELS } from '../../scoring/types.js';

/** Every error answer: a catalogue code, one sentence, and the place (a parameter, a body field) when there is one. */
export const errorBody = z
  .object({
    error: z.object({
      code: z.string().describe('A PPMAT_E_... code of the error catalogue.'),
      message: z.string(),
      where: z.string().optional().describe('The parameter or body field at fault.'),
    }),
  })
  .meta({ id: 'Error' });

/** The error answers a route declares besides its success. */
export const errorResponses = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
  404: errorBody,
  429: errorBody,
} as const;

export const isoDate = z.iso.datetime({ offset: true }).describe('ISO 8601 date-time');

/** No U+0000 and no unpaired surrogate (astral characters are pairs, and pass); for `.refine()` of a string format such as `z.url()`. */
export const STORABLE = [(value: string) => !value.includes('\u0000') && !/\p{Cs}/u.test(value), { message: 'must not contain U+0000 or an unpaired surrogate' }] as const;

/**
 * A string a request carries to the database. PostgreSQL's text cannot hold U+0000 and its
 * JSON refuses an unpaired surrogate, so such a value failed the query (a 500, and on the
 * embedded database the failed query also ended the connection the next request used): it
 * is refused here, as invalid, with the field named.
 */
export const text = z.string().refine(...STORABLE);

/** A row id (scans, alerts, audit events): the database's integer, so never above 2^31 - 1. */
export const rowId = z.coerce.number().int().positive().max(2_147_483_647);
export const area = z.enum(AREAS);
export const level = z.literal([...LEVELS]);
/** A tenant id as a request gives it (a parameter, a query or body field). */
export const tenantIdField = text.min(1).max(256);
export const tenantIdParam = z.object({ tenantId: tenantIdField });
export const scanIdParam = z.object({ scanId: rowId });
/** A query date: YYYY-MM-DD (UTC midnight) or a full ISO date-time, of the years 1 to 9999 (PostgreSQL refuses year 0 and five-digit years). */
export const queryDate = z
  .string()
  .max(40)
  .refine((value) => /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(value) && inYears(Date.parse(value)), { message: 'must be a date, YYYY-MM-DD or an ISO date-time, of the years 1 to 9999' })
  .transform((value) => new Date(value));

function inYears(ms: number): boolean {
  if (Number.isNaN(ms)) return false;
  const year = new Date(ms).getUTCFullYear();
  return year >= 1 && year <= 9999;
}

/** A Date as the API writes it. */
export function iso(date: Date): string;
export function iso(date: Date | null): string | null;
export function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}
