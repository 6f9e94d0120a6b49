/**
 * The organization, from Microsoft Graph: the tenant's name, verified domains, country,
 * creation date and tenant type. Rules use it to name the tenant and its domains; a tenant
 * always has its organization object, so an empty answer is a malformed one, not "none".
 */
import { organizationEvidenceSchema, type OrganizationEvidence } from '../evidence/identity.schemas.js';
import { GRAPH_PATHS } from '../http/graph-permissions.js';
import { mapOrganization, pickOrganization } from './organization.map.js';
import { rawOrganizationListSchema } from './organization.raw.js';
import { parseOrThrow } from './parse.js';
import { CollectionError, type Collector } from './types.js';

/** `GET /v1.0/organization` with the properties ppmat reads (needs Organization.Read.All, or Directory.Read.All). */
export const ORGANIZATION_PATH = `${GRAPH_PATHS.organization}?$select=id,displayName,verifiedDomains,countryLetterCode,createdDateTime,tenantType`;

/** Creates the organization collector. */
export function createOrganizationCollector(): Collector<'organization'> {
  return {
    key: 'organization',
    async collect(ctx): Promise<OrganizationEvidence> {
      const items = await ctx.graph.list<unknown>(ORGANIZATION_PATH, {
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        onPage: (page) => ctx.onProgress?.({ collector: 'organization', pages: page, requests: ctx.graph.stats.requests }),
      });
      const where = { collector: 'organization' as const, url: ORGANIZATION_PATH };
      const raw = parseOrThrow(rawOrganizationListSchema, items, { ...where, pathPrefix: ['value'] });
      const organization = pickOrganization(raw, ctx.tenantId);
      if (organization === undefined) {
        throw new CollectionError(
          'error',
          'PPMAT_E_MALFORMED_RESPONSE',
          `The organization collector got an empty list from ${ORGANIZATION_PATH}: every tenant has its organization object, so the answer is not the expected shape.`,
          { url: ORGANIZATION_PATH },
        );
      }
      if (organization.id.toLowerCase() !== ctx.tenantId.toLowerCase()) {
        ctx.log.warn({ organizationId: organization.id, tenantId: ctx.tenantId }, 'the Graph organization is not the configured tenant');
      }
      const evidence = parseOrThrow(organizationEvidenceSchema, mapOrganization(organization), where);
      ctx.log.debug({ verifiedDomains: evidence.verifiedDomains.length }, 'organization collected');
      return evidence;
    },
  };
}
