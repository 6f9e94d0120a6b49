/**
 * Power Pages sites of one environment (Power Platform API `powerpages/.../websites`,
 * reference 8a). This API refuses service principals (S18, pitfall 6), so a 403 is read as a
 * refusal of the whole tenant: the runner stops asking and gives every environment the reason.
 */
import { z } from 'zod';
import { sectionDataSchemas, type PowerPagesSite } from '../../evidence/inventory.schemas.js';
import { NO_DATAVERSE_REASON } from './dataverse.js';
import { mapPowerPagesSite } from './power-pages-sites.map.js';
import { rawWebsiteSchema } from './power-pages-sites.raw.js';
import type { SectionCollector } from './section.js';
import { explainRefusal, listSection, parseSection } from './section-io.js';

/** api-version 2024-10-01 (S16); paged by `@odata.nextLink` carrying `skip=`. */
export function powerPagesSitesPath(environmentId: string): string {
  return `/powerpages/environments/${encodeURIComponent(environmentId)}/websites?api-version=2024-10-01`;
}

/** A 404: the environment has no Dataverse database, so it cannot hold a site... */
export const NO_SITES_STATUSES = [404] as const;
/**
 * ...when the API says so ("Environment does not have a Microsoft Dataverse database"). The
 * section is asked only of environments the environment list shows with a database, so any
 * other 404 is a failure, not "no sites".
 */
export const NO_DATAVERSE_PATTERN = /Dataverse/i;

/** What a 403 from this API means (Learn "Use Power Pages admin APIs", S18: the service principal flow is not available). */
export const POWER_PAGES_REFUSAL =
  'Power Pages sites could not be listed: the Power Pages admin API does not accept service principals (app-only tokens); sites can only be listed by a user.';

/** Creates the Power Pages sites section collector. */
export function createPowerPagesSitesCollector(): SectionCollector<'powerPagesSites'> {
  return {
    key: 'powerPagesSites',
    notApplicable: (environment) => (environment.hasDataverse ? null : NO_DATAVERSE_REASON),
    tenantWideRefusal: true,
    async collect(ctx): Promise<PowerPagesSite[]> {
      const url = powerPagesSitesPath(ctx.environment.id);
      const items = await explainRefusal(POWER_PAGES_REFUSAL, () =>
        listSection(ctx, { section: 'powerPagesSites', surface: 'powerPlatform', url, noneStatuses: NO_SITES_STATUSES, noneWhen: NO_DATAVERSE_PATTERN }),
      );
      const where = { section: 'powerPagesSites', environment: ctx.environment, url } as const;
      const raw = parseSection(z.array(rawWebsiteSchema), items ?? [], { ...where, pathPrefix: ['value'] });
      const data = parseSection(sectionDataSchemas.powerPagesSites, raw.map(mapPowerPagesSite), where);
      ctx.log.debug({ environmentId: ctx.environment.id, sites: data.length }, 'Power Pages sites collected');
      return data;
    },
  };
}
