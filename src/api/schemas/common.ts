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
} as const;

export const isoDate = z.iso.datetime({ offset: true }).describe('ISO 8601 date-time');
export const area = z.enum(AREAS);
export const level = z.literal([...LEVELS]);
export const tenantIdParam = z.object({ tenantId: z.string().min(1).max(256) });
export const scanIdParam = z.object({ scanId: z.coerce.number().int().positive().max(2_147_483_647) });
/** A query date: YYYY-MM-DD (UTC midnight) or a full ISO date-time. */
export const queryDate = z
  .string()
  .max(40)
  .refine((value) => /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(value) && !Number.isNaN(Date.parse(value)), { message: 'must be a date, YYYY-MM-DD or an ISO date-time' })
  .transform((value) => new Date(value));

/** A Date as the API writes it. */
export function iso(date: Date): string;
export function iso(date: Date | null): string | null;
export function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}
