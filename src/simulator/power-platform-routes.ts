/**
 * The Power Platform API (api.powerplatform.com) endpoints of the demo tenant: environment
 * groups (`@odata.nextLink` paging, 204 when there are none), each group's rule-based policy
 * assignments (204 when none), and Power Advisor recommendations (`nextLink` with
 * `$skipToken`; refused while no environment is managed).
 */
import { apiError, type RouteContext, type SimResponse, type SimRoute } from './sim-http.js';
import { advisorRecommendationPayload, environmentGroupPayload, policyAssignmentPayload } from './wire-payloads.js';

/** The paging cursor of the environment group list (opaque to clients, which follow `@odata.nextLink`). */
const GROUPS_SKIP_TOKEN = '$skiptoken';
/** Advisor's paging cursor (reference 7b: `&$skipToken=`). */
const ADVISOR_SKIP_TOKEN = '$skipToken';

/**
 * The demo's answer to a tenant without managed environments. The real status and wording are
 * UNCONFIRMED (the connector doc only says recommendations need a managed environment, reference 7b).
 */
export const ADVISOR_REFUSAL = {
  status: 403,
  code: 'ManagedEnvironmentRequired',
  message: 'Recommendations are available only for tenants with at least one managed environment.',
} as const;

export const POWER_PLATFORM_ROUTES: SimRoute[] = [
  {
    family: 'environmentGroups',
    method: 'GET',
    pattern: /^\/environmentmanagement\/environmentGroups\/?$/i,
    needsApiVersion: true,
    handle: (ctx, url) => {
      const groups = ctx.model.environmentGroups;
      if (groups.length === 0) return { status: 204, body: null };
      return page(ctx, url, groups.map((group) => environmentGroupPayload(group, ctx.model.tenantId)), '@odata.nextLink', GROUPS_SKIP_TOKEN);
    },
  },
  {
    family: 'environmentGroups',
    method: 'GET',
    pattern: /^\/governance\/ruleBasedPolicies\/environmentGroups\/([^/]+)\/assignments\/?$/i,
    needsApiVersion: true,
    handle: (ctx, url, match) => {
      const id = decodeURIComponent(match[1] ?? '').toLowerCase();
      const group = ctx.model.environmentGroups.find((g) => g.id.toLowerCase() === id);
      if (!group) return apiError(404, 'EnvironmentGroupNotFound', `The environment group '${id}' was not found.`);
      if (group.assignments.length === 0) return { status: 204, body: null };
      return page(ctx, url, group.assignments.map((assignment) => policyAssignmentPayload(assignment, group, ctx.model.tenantId)), '@odata.nextLink', GROUPS_SKIP_TOKEN);
    },
  },
  {
    family: 'advisorRecommendations',
    method: 'GET',
    pattern: /^\/analytics\/advisorRecommendations\/?$/i,
    needsApiVersion: true,
    handle: (ctx, url) => {
      const recommendations = ctx.model.advisorRecommendations;
      if (recommendations === null) return apiError(ADVISOR_REFUSAL.status, ADVISOR_REFUSAL.code, ADVISOR_REFUSAL.message);
      return page(ctx, url, recommendations.map(advisorRecommendationPayload), 'nextLink', ADVISOR_SKIP_TOKEN);
    },
  },
];

/** One page of `items`, with an absolute link to the next one under `linkKey`. */
function page(ctx: RouteContext, url: URL, items: unknown[], linkKey: 'nextLink' | '@odata.nextLink', tokenParam: string): SimResponse {
  const offset = Math.max(0, Number.parseInt(url.searchParams.get(tokenParam) ?? '0', 10) || 0);
  const body: Record<string, unknown> = { value: items.slice(offset, offset + ctx.pageSize) };
  if (offset + ctx.pageSize < items.length) {
    const next = new URL(url.toString());
    next.searchParams.set(tokenParam, String(offset + ctx.pageSize));
    body[linkKey] = `${ctx.baseUrl}${next.pathname}${next.search}`;
  }
  return { status: 200, body };
}
