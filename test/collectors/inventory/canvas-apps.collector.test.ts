import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCanvasAppsCollector } from '../../../src/collectors/inventory/canvas-apps.collector.js';
import type { CanvasApp } from '../../../src/evidence/inventory.schemas.js';
import { sectionDataSchemas } from '../../../src/evidence/inventory.schemas.js';
import { collectionFailure } from '../collector-context.js';
import { describeListSection } from './list-section-cases.js';
import { ENV_ID, inventoryFixture, POWER_APPS, sectionContext } from './section-context.js';

const LIST = `/providers/Microsoft.PowerApps/scopes/admin/environments/${ENV_ID}/apps`;
const QUERY = { 'api-version': '2016-11-01' };
const A1 = '3fec9f57-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
const A2 = '8a0c6d21-5e4f-4a3b-9c8d-7e6f5a4b3c2d';
const A3 = 'c1d2e3f4-a5b6-4c7d-8e9f-a0b1c2d3e4f5';
const permissions = (app: string): string => `${LIST}/${app}/permissions`;

describeListSection({
  section: 'canvasApps',
  create: () => createCanvasAppsCollector({ permissions: false }),
  host: POWER_APPS,
  path: LIST,
  query: QUERY,
  pages: ['canvas-apps.page1.json', 'canvas-apps.page2.json'],
  ids: [A1, A2, A3],
  forbidden: {
    body: { error: { code: 'Forbidden', message: "The service principal does not have permission to access the path '/providers/Microsoft.PowerApps/scopes/admin'." } },
    mentions: ['not registered as a Power Platform admin management application', 'does not have permission to access the path'],
  },
  notFound: { status: 'error', body: { error: { code: 'EnvironmentNotFound', message: `The environment '${ENV_ID}' could not be found.` } } },
  malformed: { item: { name: A1, properties: { displayName: 42 } }, at: 'value[0].properties.displayName' },
});

/** The two recorded pages of the list. */
function mockList(): void {
  const page1 = inventoryFixture('canvas-apps.page1.json');
  nock(POWER_APPS)
    .get(LIST)
    .query(QUERY)
    .reply(200, page1 as nock.Body)
    .get(LIST)
    .query({ ...QUERY, $skiptoken: 'eyJwYWdlIjoyfQ' })
    .reply(200, inventoryFixture('canvas-apps.page2.json') as nock.Body);
}

const ownerOnly = inventoryFixture('canvas-app.permissions.owner-only.json') as nock.Body;

describe('canvas apps collector', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('maps every app and reads its sharing from its permissions', async () => {
    mockList();
    nock(POWER_APPS)
      .get(permissions(A1))
      .query(QUERY)
      .reply(200, inventoryFixture('canvas-app.permissions.json') as nock.Body)
      .get(permissions(A2))
      .query(QUERY)
      .reply(200, ownerOnly)
      .get(permissions(A3))
      .query(QUERY)
      .reply(200, { value: [] });
    const { ctx, reused } = sectionContext<'canvasApps'>();
    const apps = await createCanvasAppsCollector().collect(ctx);

    expect(sectionDataSchemas.canvasApps.safeParse(apps).success).toBe(true);
    expect(apps[0]).toEqual({
      id: A1,
      displayName: 'Expense Tracker',
      owner: { id: 'f99f844b-ce3b-49ae-86f3-e374ecae789c', displayName: 'Megan Bowen', type: 'User' },
      createdTime: '2024-11-04T09:12:47.1964785Z',
      lastModifiedTime: '2025-04-28T14:31:37.2197567Z',
      lastPublishTime: '2025-04-28T14:31:37Z',
      sharedUsersCount: 3,
      sharedGroupsCount: 1,
      // The owner's own Owner assignment is no share; the Tenant principal is Everyone.
      sharing: { users: 2, groups: 1, everyone: true },
      almMode: 'Solution',
      usesPremiumApi: true,
      dlpStatus: 'Compliant',
    });
    expect(apps[1]).toMatchObject({ id: A2, almMode: null, usesPremiumApi: false, sharing: { users: 0, groups: 0, everyone: false } });
    expect(apps[2]).toMatchObject({ id: A3, dlpStatus: 'Blocked', sharing: { users: 0, groups: 0, everyone: false } });
    expect(reused()).toBe(0);
    expect(nock.isDone()).toBe(true);
  });

  it('sends no permission request when permissions are off, and leaves sharing null', async () => {
    mockList();
    const { ctx } = sectionContext<'canvasApps'>();
    const apps = await createCanvasAppsCollector({ permissions: false }).collect(ctx);
    expect(apps.map((app) => app.sharing)).toEqual([null, null, null]);
    expect(ctx.http.stats.requests).toBe(2);
  });

  it('an app deleted between the list and its permissions (404) keeps sharing null; the others are read', async () => {
    mockList();
    nock(POWER_APPS)
      .get(permissions(A1))
      .query(QUERY)
      .reply(404, { error: { code: 'AppNotFound', message: `Could not find App '${A1}'.` } })
      .get(permissions(A2))
      .query(QUERY)
      .reply(200, ownerOnly)
      .get(permissions(A3))
      .query(QUERY)
      .reply(200, { value: [] });
    const { ctx } = sectionContext<'canvasApps'>();
    const apps = await createCanvasAppsCollector().collect(ctx);
    expect(apps.map((app) => app.sharing)).toEqual([null, { users: 0, groups: 0, everyone: false }, { users: 0, groups: 0, everyone: false }]);
  });

  it('honours a 429 on a permission request, then reads it', async () => {
    nock(POWER_APPS)
      .get(LIST)
      .query(QUERY)
      .reply(200, inventoryFixture('canvas-apps.page2.json') as nock.Body)
      .get(permissions(A3))
      .query(QUERY)
      .reply(429, inventoryFixture('throttled.json') as nock.Body, { 'Retry-After': '3' })
      .get(permissions(A3))
      .query(QUERY)
      .reply(200, ownerOnly);
    const { ctx, sleeps } = sectionContext<'canvasApps'>();
    const apps = await createCanvasAppsCollector().collect(ctx);
    expect(apps[0]?.sharing).toEqual({ users: 0, groups: 0, everyone: false });
    expect(sleeps).toContain(3000);
    expect(ctx.http.stats).toMatchObject({ requests: 3, throttled: 1 });
  });

  it('a 403 on a permission request makes the section unavailable', async () => {
    nock(POWER_APPS)
      .get(LIST)
      .query(QUERY)
      .reply(200, inventoryFixture('canvas-apps.page2.json') as nock.Body)
      .get(permissions(A3))
      .query(QUERY)
      .reply(403, { error: { code: 'Forbidden', message: 'nope' } });
    const { ctx } = sectionContext<'canvasApps'>();
    const error = await collectionFailure(createCanvasAppsCollector().collect(ctx));
    expect(error.status).toBe('unavailable');
    expect(error.message).toContain(permissions(A3));
  });

  it('permissions of the wrong shape are an error naming their URL and path', async () => {
    nock(POWER_APPS)
      .get(LIST)
      .query(QUERY)
      .reply(200, inventoryFixture('canvas-apps.page2.json') as nock.Body)
      .get(permissions(A3))
      .query(QUERY)
      .reply(200, { value: [{ properties: { roleName: 'CanView', principal: { id: 7, type: 'User' } } }] });
    const { ctx } = sectionContext<'canvasApps'>();
    const error = await collectionFailure(createCanvasAppsCollector().collect(ctx));
    expect(error.code).toBe('PPMAT_E_MALFORMED_RESPONSE');
    expect(error.message).toContain(permissions(A3));
    expect(error.message).toContain('value[0].properties.principal.id');
  });

  it('keeps at most `concurrency` permission requests in flight', async () => {
    mockList();
    let inFlight = 0;
    let peak = 0;
    for (const app of [A1, A2, A3]) {
      nock(POWER_APPS)
        .get(permissions(app))
        .query(QUERY)
        .reply(async () => {
          inFlight += 1;
          peak = Math.max(peak, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 15));
          inFlight -= 1;
          return [200, { value: [] }];
        });
    }
    const { ctx } = sectionContext<'canvasApps'>();
    await createCanvasAppsCollector({ concurrency: 2 }).collect(ctx);
    expect(peak).toBe(2);
  });

  describe('reuse of the last scan', () => {
    const previousOf = (apps: CanvasApp[], patch: Record<string, Partial<CanvasApp>>): CanvasApp[] => apps.map((app) => ({ ...app, ...(patch[app.id] ?? {}) }));

    async function firstScan(): Promise<CanvasApp[]> {
      mockList();
      const { ctx } = sectionContext<'canvasApps'>();
      return createCanvasAppsCollector({ permissions: false }).collect(ctx);
    }

    it('an unchanged app keeps its sharing without a request; a changed one is read again', async () => {
      const listed = await firstScan();
      const kept = { users: 5, groups: 2, everyone: true };
      const previous = previousOf(listed, {
        // Unchanged: same lastModifiedTime and shared counts.
        [A1]: { sharing: kept },
        // Shared since: the counts moved though lastModifiedTime did not.
        [A2]: { sharing: { users: 0, groups: 0, everyone: false }, sharedUsersCount: 4 },
        // A3 had no sharing read last time: it is read.
      });
      mockList();
      const scope = nock(POWER_APPS).get(permissions(A2)).query(QUERY).reply(200, ownerOnly).get(permissions(A3)).query(QUERY).reply(200, { value: [] });
      const { ctx, reused } = sectionContext<'canvasApps'>({ previous });
      const apps = await createCanvasAppsCollector().collect(ctx);

      expect(apps.map((app) => app.sharing)).toEqual([kept, { users: 0, groups: 0, everyone: false }, { users: 0, groups: 0, everyone: false }]);
      expect(reused()).toBe(1);
      expect(scope.isDone()).toBe(true);
      expect(ctx.http.stats.requests).toBe(4);
    });

    it('a changed lastModifiedTime is read again', async () => {
      const listed = await firstScan();
      const previous = previousOf(listed, {
        [A1]: { sharing: { users: 9, groups: 9, everyone: false }, lastModifiedTime: '2025-01-01T00:00:00Z' },
        [A2]: { sharing: { users: 0, groups: 0, everyone: false } },
        [A3]: { sharing: { users: 0, groups: 0, everyone: false } },
      });
      mockList();
      nock(POWER_APPS)
        .get(permissions(A1))
        .query(QUERY)
        .reply(200, inventoryFixture('canvas-app.permissions.json') as nock.Body);
      const { ctx, reused } = sectionContext<'canvasApps'>({ previous });
      const apps = await createCanvasAppsCollector().collect(ctx);
      expect(apps[0]?.sharing).toEqual({ users: 2, groups: 1, everyone: true });
      expect(reused()).toBe(2);
      expect(nock.isDone()).toBe(true);
    });
  });
});
