/**
 * Canvas apps of one environment (PowerApps admin RP, reference 6a), each with its sharing
 * read from its role assignments, because the list's shared counts cannot tell "shared
 * with Everyone" apart (the `Tenant` principal, reference 6e).
 */
import { z } from 'zod';
import { sectionDataSchemas, type CanvasApp } from '../../evidence/inventory.schemas.js';
import { canvasAppUnchanged, mapCanvasApp } from './canvas-apps.map.js';
import { rawCanvasAppSchema } from './canvas-apps.raw.js';
import { DEFAULT_PERMISSION_CONCURRENCY, readSharing, resolveSharing } from './permissions.js';
import type { SectionCollector } from './section.js';
import { parseSection } from './section-io.js';

/** api-version 2016-11-01 as the admin module sends it (S13 `Get-AdminPowerApp`); paged by `nextLink`. */
export function canvasAppsPath(environmentId: string): string {
  return `/providers/Microsoft.PowerApps/scopes/admin/environments/${encodeURIComponent(environmentId)}/apps?api-version=2016-11-01`;
}

/** One app's role assignments (S13 `Get-AdminPowerAppRoleAssignment`). */
export function canvasAppPermissionsPath(environmentId: string, appId: string): string {
  return `/providers/Microsoft.PowerApps/scopes/admin/environments/${encodeURIComponent(environmentId)}/apps/${encodeURIComponent(appId)}/permissions?api-version=2016-11-01`;
}

export interface CanvasAppsCollectorOptions {
  /** Read each app's permissions into `sharing` (default true); false leaves `sharing` null and sends no such request. */
  permissions?: boolean;
  /** Permission requests in flight at once (default {@link DEFAULT_PERMISSION_CONCURRENCY}). */
  concurrency?: number;
}

/** Creates the canvas apps section collector. */
export function createCanvasAppsCollector(options: CanvasAppsCollectorOptions = {}): SectionCollector<'canvasApps'> {
  return {
    key: 'canvasApps',
    notApplicable: () => null,
    tenantWideRefusal: false,
    async collect(ctx): Promise<CanvasApp[]> {
      const environmentId = ctx.environment.id;
      const url = canvasAppsPath(environmentId);
      const items = await ctx.http.paginate<unknown>({ surface: 'powerApps', url, ...(ctx.signal ? { signal: ctx.signal } : {}) });
      const where = { section: 'canvasApps', environment: ctx.environment, url } as const;
      const apps = parseSection(z.array(rawCanvasAppSchema), items, { ...where, pathPrefix: ['value'] }).map(mapCanvasApp);
      const shared = await resolveSharing(ctx, apps, {
        enabled: options.permissions ?? true,
        concurrency: options.concurrency ?? DEFAULT_PERMISSION_CONCURRENCY,
        previous: ctx.previous,
        unchanged: canvasAppUnchanged,
        read: (app) => readSharing(ctx, { section: 'canvasApps', surface: 'powerApps', url: canvasAppPermissionsPath(environmentId, app.id), ownerId: app.owner.id }),
      });
      const data = parseSection(sectionDataSchemas.canvasApps, shared, where);
      ctx.log.debug({ environmentId, apps: data.length }, 'canvas apps collected');
      return data;
    },
  };
}
