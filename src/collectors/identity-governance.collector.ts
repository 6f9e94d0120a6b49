/**
 * Identity governance, from Microsoft Graph, where readable: access review definitions (do
 * admin role holders get reviewed?) and entitlement management access packages.
 *
 * Each half needs its own permission and an Entra ID P2 / ID Governance licence, so a
 * refusal (403, or an answer that names the licence) of one half makes only that half
 * `readable: false` with the reason, and the evidence stays `ok`. When both halves are
 * refused the evidence is unavailable, like any Graph collector refused by the API. Any
 * other failure (still throttled, 5xx, a malformed body) fails the whole collection.
 */
import { identityGovernanceEvidenceSchema, type IdentityGovernanceEvidence } from '../evidence/identity.schemas.js';
import { GRAPH_PATHS, GRAPH_PERMISSIONS } from '../http/graph-permissions.js';
import { mapAccessPackage, mapAccessReviewDefinition } from './identity-governance.map.js';
import { rawAccessPackageListSchema, rawAccessReviewDefinitionListSchema } from './identity-governance.raw.js';
import { parseOrThrow } from './parse.js';
import { CollectionError, type Collector, type CollectorContext } from './types.js';

/** `GET /v1.0/identityGovernance/accessReviews/definitions` (needs AccessReview.Read.All). */
export const ACCESS_REVIEW_DEFINITIONS_PATH = `${GRAPH_PATHS.accessReviewDefinitions}?$select=id,displayName,status,scope,instanceEnumerationScope,settings`;
/** `GET /v1.0/identityGovernance/entitlementManagement/accessPackages` (needs EntitlementManagement.Read.All). */
export const ACCESS_PACKAGES_PATH = `${GRAPH_PATHS.accessPackages}?$select=id,displayName,isHidden`;

/**
 * Statuses with which Graph refuses a half: 403 for a missing permission or licence
 * (`NoLicense`: "Tenant does not meet license requirement!", seen on entitlement management);
 * 400 and 404 only when the API's text names the licence.
 */
export const REFUSAL_STATUSES: readonly number[] = [400, 403, 404];

/** How a licence refusal names its reason; matched on the API's own error text. */
export const LICENCE_REFUSAL_PATTERN = /licen[cs]e|AadPremium|premium/i;

/** One half of identity governance: what it is called in reasons, its list and its permission. */
export interface GovernanceHalf {
  label: string;
  path: string;
  permission: string;
}

const ACCESS_REVIEWS: GovernanceHalf = { label: 'access reviews', path: ACCESS_REVIEW_DEFINITIONS_PATH, permission: GRAPH_PERMISSIONS[GRAPH_PATHS.accessReviewDefinitions] };
const ENTITLEMENT_MANAGEMENT: GovernanceHalf = { label: 'entitlement management', path: ACCESS_PACKAGES_PATH, permission: GRAPH_PERMISSIONS[GRAPH_PATHS.accessPackages] };

type HalfResult = { readable: true; items: unknown[] } | { readable: false; error: CollectionError; reason: string };

/**
 * Why a half was refused, or null when `error` is no refusal. A 403's own message already
 * names the permission (the Graph 403 hint); a licence refusal says so and names the
 * permission too, since both are needed.
 */
export function refusalReason(half: GovernanceHalf, error: unknown): string | null {
  if (!(error instanceof CollectionError)) return null;
  const status = error.details.httpStatus;
  if (status === undefined || !REFUSAL_STATUSES.includes(status)) return null;
  const apiSays = /The API said: ([\s\S]*)$/.exec(error.message)?.[1]?.trim() ?? '';
  const licence = LICENCE_REFUSAL_PATTERN.test(apiSays);
  if (!licence && status !== 403) return null;
  if (!licence) return error.message;
  return `The tenant's licence does not include ${half.label} (Microsoft Entra ID P2 or ID Governance; the app also needs the Microsoft Graph application permission ${half.permission}): GET ${error.details.url ?? half.path} answered ${status}. The API said: ${apiSays}`;
}

/** Creates the identity governance collector. */
export function createIdentityGovernanceCollector(): Collector<'identityGovernance'> {
  return {
    key: 'identityGovernance',
    async collect(ctx): Promise<IdentityGovernanceEvidence> {
      let pages = 0;
      const onPage = (): void => ctx.onProgress?.({ collector: 'identityGovernance', pages: (pages += 1), requests: ctx.graph.stats.requests });
      const [reviews, packages] = await Promise.all([readHalf(ctx, ACCESS_REVIEWS, onPage), readHalf(ctx, ENTITLEMENT_MANAGEMENT, onPage)]);
      if (!reviews.readable && !packages.readable) {
        throw new CollectionError(
          'unavailable',
          reviews.error.code,
          `Identity governance could not be read. Access reviews: ${reviews.reason} Entitlement management: ${packages.reason}`,
          reviews.error.details,
        );
      }
      const where = (half: GovernanceHalf) => ({ collector: 'identityGovernance' as const, url: half.path });
      const definitions = reviews.readable ? parseOrThrow(rawAccessReviewDefinitionListSchema, reviews.items, { ...where(ACCESS_REVIEWS), pathPrefix: ['value'] }) : [];
      const accessPackages = packages.readable ? parseOrThrow(rawAccessPackageListSchema, packages.items, { ...where(ENTITLEMENT_MANAGEMENT), pathPrefix: ['value'] }) : [];
      const evidence = parseOrThrow(
        identityGovernanceEvidenceSchema,
        {
          accessReviews: { readable: reviews.readable, reason: reviews.readable ? null : reviews.reason, definitions: definitions.map(mapAccessReviewDefinition) },
          entitlementManagement: { readable: packages.readable, reason: packages.readable ? null : packages.reason, accessPackages: accessPackages.map(mapAccessPackage) },
        },
        where(ACCESS_REVIEWS),
      );
      ctx.log.debug(
        { accessReviews: reviews.readable ? definitions.length : 'unreadable', accessPackages: packages.readable ? accessPackages.length : 'unreadable' },
        'identity governance collected',
      );
      return evidence;
    },
  };
}

/** Reads one half; a refusal is an answer, anything else fails the collection. */
async function readHalf(ctx: CollectorContext, half: GovernanceHalf, onPage: () => void): Promise<HalfResult> {
  try {
    return { readable: true, items: await ctx.graph.list<unknown>(half.path, { ...(ctx.signal ? { signal: ctx.signal } : {}), onPage }) };
  } catch (error) {
    const reason = refusalReason(half, error);
    if (reason === null || !(error instanceof CollectionError)) throw error;
    ctx.log.warn({ part: half.label, code: error.code, httpStatus: error.details.httpStatus }, 'identity governance part refused');
    return { readable: false, error, reason };
  }
}
