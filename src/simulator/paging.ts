/**
 * Offset paging for the simulator's lists: a page is rendered from its indexes only, so a
 * page of a lazily generated list costs O(page size) whatever the list's length.
 */

/** The offset a paging cursor asks for (0 when absent or not a number). */
export function offsetOf(url: URL, param: string): number {
  return Math.max(0, Number.parseInt(url.searchParams.get(param) ?? '0', 10) || 0);
}

/** The absolute URL of the page at `offset`: this request's path and query with the cursor set. */
export function pageUrl(baseUrl: string, url: URL, param: string, offset: number): string {
  const next = new URL(url.toString());
  next.searchParams.set(param, String(offset));
  return `${baseUrl}${next.pathname}${next.search}`;
}

/** Items `offset` to `offset + size` (exclusive) of a list of `count`, rendered by index. */
export function renderRange<T>(count: number, offset: number, size: number, render: (index: number) => T): T[] {
  const end = Math.min(count, offset + size);
  const out: T[] = [];
  for (let i = offset; i < end; i += 1) out.push(render(i));
  return out;
}

/** One page of a lazy list, with the absolute link to the next page under `linkKey` when there is one. */
export function lazyPage<T>(
  list: { count: number; render: (index: number) => T },
  page: { baseUrl: string; url: URL; param: string; size: number; linkKey: string },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const offset = offsetOf(page.url, page.param);
  const body: Record<string, unknown> = { ...extra, value: renderRange(list.count, offset, page.size, list.render) };
  if (offset + page.size < list.count) body[page.linkKey] = pageUrl(page.baseUrl, page.url, page.param, offset + page.size);
  return body;
}
