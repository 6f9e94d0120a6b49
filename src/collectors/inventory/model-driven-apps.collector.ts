/**
 * Model-driven apps of one environment, from its Dataverse `appmodules` table. A system
 * table every Dataverse database has, so a 404 here is an error, never "no apps".
 */
import { z } from 'zod';
import { sectionDataSchemas, type ModelDrivenApp } from '../../evidence/inventory.schemas.js';
import { dataverseNotApplicable, dataverseUrl, listDataverse } from './dataverse.js';
import { mapModelDrivenApp } from './model-driven-apps.map.js';
import { rawAppModuleSchema } from './model-driven-apps.raw.js';
import type { SectionCollector } from './section.js';
import { parseSection } from './section-io.js';

export const APP_MODULES_QUERY = { $select: 'appmoduleid,name,uniquename,publishedon,modifiedon,statecode' } as const;

/** Creates the model-driven apps section collector. */
export function createModelDrivenAppsCollector(): SectionCollector<'modelDrivenApps'> {
  return {
    key: 'modelDrivenApps',
    notApplicable: dataverseNotApplicable,
    prefetch: (environment) => [dataverseUrl(environment, 'appmodules', APP_MODULES_QUERY)],
    tenantWideRefusal: false,
    async collect(ctx): Promise<ModelDrivenApp[]> {
      const { url, rows } = await listDataverse(ctx, { section: 'modelDrivenApps', entitySet: 'appmodules', params: APP_MODULES_QUERY });
      const where = { section: 'modelDrivenApps', environment: ctx.environment, url } as const;
      const raw = parseSection(z.array(rawAppModuleSchema), rows ?? [], { ...where, pathPrefix: ['value'] });
      const data = parseSection(sectionDataSchemas.modelDrivenApps, raw.map(mapModelDrivenApp), where);
      ctx.log.debug({ environmentId: ctx.environment.id, apps: data.length }, 'model-driven apps collected');
      return data;
    },
  };
}
