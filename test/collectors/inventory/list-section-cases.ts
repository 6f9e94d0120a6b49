/**
 * The HTTP behaviours every list section must have, as one table-driven suite: paging,
 * 429 with Retry-After, 5xx, 403 with what to fix, 404 ("none" or an error), an empty list,
 * and malformed bodies. Each section's test file calls it with its endpoint and fixtures.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SectionCollector } from '../../../src/collectors/inventory/section.js';
import type { InventorySection } from '../../../src/evidence/inventory.schemas.js';
import { collectionFailure } from '../collector-context.js';
import { inventoryFixture, sectionContext } from './section-context.js';

export type ListSection = Exclude<InventorySection, 'dataverse'>;

export interface ListSectionSpec<K extends ListSection> {
  section: K;
  /** The collector under test, with no follow-up requests (permissions off). */
  create: () => SectionCollector<K>;
  host: string;
  path: string;
  /** The first page's query, decoded. */
  query: Record<string, string>;
  /** Fixture names of two pages; the first carries the link to the second. */
  pages: readonly [string, string];
  /** The ids both pages give, in order. */
  ids: readonly string[];
  /** A 403 body and what its error message must name (the fix, the environment, the API's words). */
  forbidden: { body: nock.Body; mentions: readonly string[] };
  /** What a 404 of the list means: no items, or an error. */
  notFound: { status: 'none' | 'error'; body: nock.Body };
  /** An item of the wrong shape and the issue path the error must name. */
  malformed: { item: unknown; at: string };
}

function idsOf(data: unknown): string[] {
  return (data as { id: string }[]).map((item) => item.id);
}

/** The path and decoded query of a page's next link. */
function nextPage(page: Record<string, unknown>): { path: string; query: Record<string, string> } {
  const link = new URL(String(page['@odata.nextLink'] ?? page['nextLink']));
  return { path: link.pathname, query: Object.fromEntries(link.searchParams) };
}

export function describeListSection<K extends ListSection>(spec: ListSectionSpec<K>): void {
  const first = (): nock.Interceptor => nock(spec.host).get(spec.path).query(spec.query);
  const collect = async (): Promise<{ data: unknown; rig: ReturnType<typeof sectionContext<K>> }> => {
    const rig = sectionContext<K>();
    return { data: await spec.create().collect(rig.ctx), rig };
  };
  const fail = async () => {
    const rig = sectionContext<K>();
    return collectionFailure(spec.create().collect(rig.ctx));
  };

  describe(`${spec.section} list (shared HTTP cases)`, () => {
    beforeAll(() => nock.disableNetConnect());
    afterEach(() => nock.cleanAll());
    afterAll(() => nock.enableNetConnect());

    it('reads every page, following the next link', async () => {
      const [page1, page2] = spec.pages.map(inventoryFixture) as [Record<string, unknown>, Record<string, unknown>];
      const next = nextPage(page1);
      first().reply(200, page1 as nock.Body);
      nock(spec.host).get(next.path).query(next.query).reply(200, page2 as nock.Body);
      const { data, rig } = await collect();
      expect(idsOf(data)).toEqual(spec.ids);
      expect(rig.ctx.http.stats).toMatchObject({ requests: 2, pages: 2 });
      expect(nock.isDone()).toBe(true);
    });

    it('waits as long as a 429 Retry-After says, then reads the list', async () => {
      first().reply(429, inventoryFixture('throttled.json') as nock.Body, { 'Retry-After': '2' });
      first().reply(200, { value: [] });
      const { data, rig } = await collect();
      expect(data).toEqual([]);
      expect(rig.sleeps).toContain(2000);
      expect(rig.ctx.http.stats).toMatchObject({ requests: 2, retries: 1, throttled: 1 });
    });

    it('retries a 5xx, then reads the list', async () => {
      first().reply(503, 'Service Unavailable');
      first().reply(200, { value: [] });
      const { data, rig } = await collect();
      expect(data).toEqual([]);
      expect(rig.ctx.http.stats).toMatchObject({ requests: 2, retries: 1, throttled: 0 });
    });

    it('403 is unavailable, and the message says what is missing', async () => {
      first().reply(403, spec.forbidden.body);
      const error = await fail();
      expect(error.status).toBe('unavailable');
      expect(error.code).toBe('PPMAT_E_HTTP_FORBIDDEN');
      expect(error.details.httpStatus).toBe(403);
      for (const mention of spec.forbidden.mentions) expect(error.message).toContain(mention);
    });

    const notFoundBody = spec.notFound.body;
    if (spec.notFound.status === 'none') {
      it('404 means there is nothing: an empty list', async () => {
        first().reply(404, notFoundBody);
        const { data, rig } = await collect();
        expect(data).toEqual([]);
        expect(rig.ctx.http.stats).toMatchObject({ requests: 1, pages: 1 });
      });

      it('a 404 that does not say why there is nothing (a gateway, a moved route) is an error, never an empty list', async () => {
        first().reply(404, { error: { code: 'NotFound', message: 'The requested resource does not exist.' } });
        const error = await fail();
        expect(error.status).toBe('error');
        expect(error.code).toBe('PPMAT_E_HTTP_NOT_FOUND');
        expect(error.message).toContain(spec.path);
        expect(error.message).toContain('The requested resource does not exist.');
      });
    } else {
      it('404 is an error naming the request, never an empty list', async () => {
        first().reply(404, notFoundBody);
        const error = await fail();
        expect(error.status).toBe('error');
        expect(error.code).toBe('PPMAT_E_HTTP_NOT_FOUND');
        expect(error.message).toContain(spec.path);
      });
    }

    it('an empty list is ok and empty', async () => {
      first().reply(200, { value: [] });
      const { data } = await collect();
      expect(data).toEqual([]);
    });

    it('an item of the wrong shape is an error naming the URL and the path', async () => {
      first().reply(200, { value: [spec.malformed.item] });
      const error = await fail();
      expect(error.status).toBe('error');
      expect(error.code).toBe('PPMAT_E_MALFORMED_RESPONSE');
      expect(error.message).toContain(spec.path);
      expect(error.message).toContain(spec.malformed.at);
      expect(error.message).toContain('Contoso Dev');
    });

    it('a body that is not JSON is an error naming the URL', async () => {
      first().reply(200, '{"value": [', { 'Content-Type': 'application/json' });
      const error = await fail();
      expect(error.code).toBe('PPMAT_E_MALFORMED_RESPONSE');
      expect(error.message).toContain(spec.path);
    });

    it('a body without a value array is an error naming the URL', async () => {
      first().reply(200, { items: [] });
      const error = await fail();
      expect(error.code).toBe('PPMAT_E_MALFORMED_RESPONSE');
      expect(error.message).toContain(spec.path);
    });
  });
}
