/**
 * Copilot Studio agents of one environment, from its Dataverse `bots` table: no admin API
 * lists agents (reference 6d), so the table is the inventory source.
 */
import { z } from 'zod';
import { sectionDataSchemas, type Agent } from '../../evidence/inventory.schemas.js';
import { mapAgent } from './agents.map.js';
import { rawBotSchema } from './agents.raw.js';
import { dataverseNotApplicable, dataverseUrl, listDataverse } from './dataverse.js';
import type { SectionCollector } from './section.js';
import { parseSection } from './section-io.js';

export const BOTS_QUERY = {
  $select: 'botid,name,schemaname,statecode,statuscode,publishedon,modifiedon,authenticationmode,accesscontrolpolicy,_ownerid_value',
} as const;

/**
 * A 404 for the `bots` entity set that names it: the table is absent (Copilot Studio never
 * provisioned here), so there are no agents. Any other 404 is an error (see `missingTable`).
 */
export const NO_BOTS_TABLE_STATUSES = [404] as const;

/** Creates the agents section collector. */
export function createAgentsCollector(): SectionCollector<'agents'> {
  return {
    key: 'agents',
    notApplicable: dataverseNotApplicable,
    prefetch: (environment) => [dataverseUrl(environment, 'bots', BOTS_QUERY)],
    tenantWideRefusal: false,
    async collect(ctx): Promise<Agent[]> {
      const { url, rows } = await listDataverse(ctx, { section: 'agents', entitySet: 'bots', params: BOTS_QUERY, noneStatuses: NO_BOTS_TABLE_STATUSES });
      const where = { section: 'agents', environment: ctx.environment, url } as const;
      const raw = parseSection(z.array(rawBotSchema), rows ?? [], { ...where, pathPrefix: ['value'] });
      const data = parseSection(sectionDataSchemas.agents, raw.map(mapAgent), where);
      ctx.log.debug({ environmentId: ctx.environment.id, agents: data.length, tablePresent: rows !== null }, 'agents collected');
      return data;
    },
  };
}
