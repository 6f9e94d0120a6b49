/**
 * Lists of the Power Platform API (api.powerplatform.com) that answer "nothing" with a
 * status instead of an empty `value`: environment groups may answer 204 No Content
 * (reference 7a), rule-based policy assignments 204 or 404 when a group has none
 * (reference 5). The shared client's `paginate` treats an empty 2xx body as malformed, so
 * the first page is read here with those statuses accepted, and the rest is paged by the client.
 */
import { z } from 'zod';
import type { EvidenceKey } from '../evidence/schemas.js';
import { nextLinkOf } from '../http/pagination.js';
import { parseOrThrow } from './parse.js';
import type { CollectorContext } from './types.js';

export interface NoneListOptions {
  collector: EvidenceKey;
  /** Path and query relative to the Power Platform API base URL. */
  url: string;
  /** Statuses that mean "no items" (e.g. 204, 404). */
  noneStatuses: readonly number[];
  /** Called after each page with the pages read so far. */
  onPage?: (pages: number) => void;
}

/** A first page: the items, and a next-page link that is a string when present. */
const firstPageSchema = z.looseObject({ value: z.array(z.unknown()), nextLink: z.string().nullish(), '@odata.nextLink': z.string().nullish() });

/** Every item of the list, following `nextLink`/`@odata.nextLink`; `[]` when the API answered one of `noneStatuses`. */
export async function listAllowingNone(ctx: CollectorContext, options: NoneListOptions): Promise<unknown[]> {
  const { url, noneStatuses } = options;
  const signal = ctx.signal;
  const first = await ctx.http.request<unknown>({ surface: 'powerPlatform', url, acceptStatus: [...noneStatuses], ...(signal ? { signal } : {}) });
  // The client counts pages only in `paginate`; count the first page here so the CollectorRun stays exact.
  ctx.http.stats.pages += 1;
  let pages = 1;
  options.onPage?.(pages);
  if (noneStatuses.includes(first.status)) return [];
  const body = parseOrThrow(firstPageSchema, first.data, { collector: options.collector, url });
  const link = nextLinkOf(body);
  if (link === null || link === undefined) return body.value;
  const rest = await ctx.http.paginate<unknown>({ surface: 'powerPlatform', url: link, ...(signal ? { signal } : {}) }, () => {
    pages += 1;
    options.onPage?.(pages);
  });
  return [...body.value, ...rest];
}
