/**
 * Shape checks for collectors: a body that does not match the expected schema becomes a
 * CollectionError that names the collector, the URL and the exact place in the body, so
 * an API change is diagnosed from the scan report alone.
 */
import type { z } from 'zod';
import type { EvidenceKey } from '../evidence/schemas.js';
import { CollectionError } from './types.js';

/** Formats a zod issue path like `value[3].properties.displayName`; `(root)` for the body itself. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '(root)' : out;
}

export interface ParseContext {
  collector: EvidenceKey;
  /** The request that returned the body (a path relative to the surface, or a full URL). */
  url: string;
  /** Prepended to issue paths, e.g. `value` for list items. */
  pathPrefix?: readonly PropertyKey[];
}

/** Parses `data` with `schema` or throws PPMAT_E_MALFORMED_RESPONSE with the first issue's path and message. */
export function parseOrThrow<S extends z.ZodType>(schema: S, data: unknown, context: ParseContext): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = formatIssuePath([...(context.pathPrefix ?? []), ...(issue?.path ?? [])]);
  throw new CollectionError(
    'error',
    'PPMAT_E_MALFORMED_RESPONSE',
    `The ${context.collector} collector got a body from ${context.url} that is not the expected shape at ${where}: ${issue?.message ?? 'invalid'}.`,
    { url: context.url },
  );
}
