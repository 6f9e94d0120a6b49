/** Custom connectors of one environment (PowerApps admin RP): who built which bridge to which API. */
import { z } from 'zod';
import { sectionDataSchemas, type CustomConnector } from '../../evidence/inventory.schemas.js';
import { isCustomConnector, mapCustomConnector } from './custom-connectors.map.js';
import { rawCustomConnectorSchema } from './custom-connectors.raw.js';
import type { SectionCollector } from './section.js';
import { parseSection } from './section-io.js';

/** api-version 2016-11-01 as for apps; paged by `nextLink`. */
export function customConnectorsPath(environmentId: string): string {
  return `/providers/Microsoft.PowerApps/scopes/admin/environments/${encodeURIComponent(environmentId)}/apis?api-version=2016-11-01`;
}

/** Creates the custom connectors section collector. */
export function createCustomConnectorsCollector(): SectionCollector<'customConnectors'> {
  return {
    key: 'customConnectors',
    notApplicable: () => null,
    tenantWideRefusal: false,
    async collect(ctx): Promise<CustomConnector[]> {
      const url = customConnectorsPath(ctx.environment.id);
      const items = await ctx.http.paginate<unknown>({ surface: 'powerApps', url, ...(ctx.signal ? { signal: ctx.signal } : {}) });
      const where = { section: 'customConnectors', environment: ctx.environment, url } as const;
      const raw = parseSection(z.array(rawCustomConnectorSchema), items, { ...where, pathPrefix: ['value'] });
      const data = parseSection(sectionDataSchemas.customConnectors, raw.filter(isCustomConnector).map(mapCustomConnector), where);
      ctx.log.debug({ environmentId: ctx.environment.id, connectors: data.length }, 'custom connectors collected');
      return data;
    },
  };
}
