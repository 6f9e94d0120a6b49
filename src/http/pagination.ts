/**
 * The two paging conventions of the admin APIs (reference section 12, item 7):
 * BAP, PowerApps and Flow put a top-level `nextLink` beside `value`; the Power Platform
 * API and Graph use `@odata.nextLink`. Both carry absolute URLs.
 */

/** Next-page link properties, in the order they are looked for. */
export const NEXT_LINK_KEYS = ['nextLink', '@odata.nextLink'] as const;

/** The page's `value` array, or null when the body is not a `{ value: [...] }` list. */
export function pageValue<T>(body: unknown): T[] | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const value = (body as Record<string, unknown>)['value'];
  return Array.isArray(value) ? (value as T[]) : null;
}

/**
 * The next page's URL; null at the end (absent, null or empty); undefined when the
 * link is present but not a string, which the caller reports as a malformed body.
 */
export function nextLinkOf(body: unknown): string | null | undefined {
  const record = body as Record<string, unknown>;
  for (const key of NEXT_LINK_KEYS) {
    const link = record[key];
    if (link === undefined || link === null || link === '') continue;
    return typeof link === 'string' ? link : undefined;
  }
  return null;
}
