/**
 * Shared I/O of the inventory section collectors: shape checks whose errors name the
 * section, the environment, the URL and the place in the body; lists whose "none" is a
 * status (404 for a missing table or a vanished app); and refusals (403) re-worded to say
 * what to fix for this section. Why not `parse.ts`/`power-platform-list.ts`: those name a
 * tenant-wide evidence key and one surface, while a section error must name its environment.
 */
import { z } from 'zod';
import type { InventorySection } from '../../evidence/inventory.schemas.js';
import { apiErrorMessage, statusError } from '../../http/http-errors.js';
import { nextLinkOf } from '../../http/pagination.js';
import { redactUrl } from '../../http/redact.js';
import type { RequestSurface } from '../../http/types.js';
import { formatIssuePath } from '../parse.js';
import { CollectionError } from '../types.js';
import type { EnvironmentScope, SectionContext } from './section.js';

/** Where a body came from: enough to diagnose an API change from the scan report alone. */
export interface SectionWhere {
  section: InventorySection;
  environment: EnvironmentScope;
  /** The request that returned the body (a path relative to the surface, or a full URL). */
  url: string;
  /** Prepended to issue paths, e.g. `value` for list items. */
  pathPrefix?: readonly PropertyKey[];
}

/** `"Contoso Dev" (0a1b…)`: how messages name an environment. */
export function environmentLabel(environment: EnvironmentScope): string {
  return `"${environment.displayName}" (${environment.id})`;
}

/** Parses `data` with `schema` or throws PPMAT_E_MALFORMED_RESPONSE naming the section, environment, URL and path. */
export function parseSection<S extends z.ZodType>(schema: S, data: unknown, where: SectionWhere): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = formatIssuePath([...(where.pathPrefix ?? []), ...(issue?.path ?? [])]);
  throw new CollectionError(
    'error',
    'PPMAT_E_MALFORMED_RESPONSE',
    `The ${where.section} section of environment ${environmentLabel(where.environment)} got a body from ${where.url} that is not the expected shape at ${path}: ${issue?.message ?? 'invalid'}.`,
    { url: where.url },
  );
}

export interface SectionListOptions {
  section: InventorySection;
  surface: RequestSurface;
  /** Path and query relative to the surface's base URL, or an absolute URL (Dataverse). */
  url: string;
  /** Statuses of the first page that mean "there is nothing here" (e.g. 404 for a table that does not exist). */
  noneStatuses?: readonly number[];
  /**
   * What the API's own error text says when a none status means "nothing here" (e.g. the name
   * of the missing table). A none status without it (a gateway's 404, a vanished route) fails
   * like any unexpected status instead of passing for an empty list. Omitted: the status alone decides.
   */
  noneWhen?: RegExp;
}

/** A first page: the items, and a next-page link that is a string when present. */
const firstPageSchema = z.looseObject({ value: z.array(z.unknown()), nextLink: z.string().nullish(), '@odata.nextLink': z.string().nullish() });

/**
 * Every item of a `{ value: [...] }` list, following `nextLink` / `@odata.nextLink`; null when
 * the first page answered one of `noneStatuses`, so the caller decides what "none" means
 * (an empty list, sharing not read, no pipelines host).
 */
export async function listSection(ctx: SectionContext, options: SectionListOptions): Promise<unknown[] | null> {
  const { surface, url } = options;
  const signal = ctx.signal;
  const noneStatuses = options.noneStatuses ?? [];
  if (noneStatuses.length === 0) return ctx.http.paginate<unknown>({ surface, url, ...(signal ? { signal } : {}) });
  const first = await ctx.http.request<unknown>({ surface, url, acceptStatus: [...noneStatuses], ...(signal ? { signal } : {}) });
  // The client counts pages only in `paginate`; count the first page here so the run's stats stay exact.
  ctx.http.stats.pages += 1;
  if (noneStatuses.includes(first.status)) {
    const text = typeof first.data === 'string' ? first.data : JSON.stringify(first.data ?? '');
    if (!options.noneWhen || options.noneWhen.test(apiErrorMessage(text) ?? '')) return null;
    throw statusError({ surface, method: 'GET', url: redactUrl(url), status: first.status, body: text });
  }
  const body = parseSection(firstPageSchema, first.data, { section: options.section, environment: ctx.environment, url });
  const link = nextLinkOf(body);
  if (link === null || link === undefined) return body.value;
  const rest = await ctx.http.paginate<unknown>({ surface, url: link, ...(signal ? { signal } : {}) });
  return [...body.value, ...rest];
}

/**
 * Runs `request`; a 403 from it becomes an `unavailable` error whose message starts with
 * `explanation` (what is missing and how to fix it for this section) and keeps the request,
 * status and the API's own words. Any other failure passes unchanged.
 */
export async function explainRefusal<T>(explanation: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof CollectionError && error.details.httpStatus === 403) {
      throw new CollectionError('unavailable', error.code, `${explanation} ${error.message}`, error.details);
    }
    throw error;
  }
}
