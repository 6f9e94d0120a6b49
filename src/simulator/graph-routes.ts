/**
 * The Microsoft Graph endpoints of the demo tenant: Conditional Access policies, directory
 * role assignments and PIM schedule instances, answered like Graph does: `@odata.context`,
 * `value`, an absolute `@odata.nextLink` when a list is longer than the page size,
 * `$filter=roleDefinitionId eq '...'` honoured, and `$expand=principal` adding the principal.
 */
import {
  assignmentInstancePayload,
  conditionalAccessPolicyPayload,
  eligibilityInstancePayload,
  roleAssignmentPayload,
} from './graph-payloads.js';
import type { SimRoleHolder } from './identity-model.js';
import { apiError, type RouteContext, type SimResponse, type SimRoute } from './sim-http.js';

/** Graph's paging cursor parameter; its value is opaque to clients, which only follow `@odata.nextLink`. */
const SKIP_TOKEN = '$skiptoken';

/** The one `$filter` ppmat sends to the role endpoints (Graph supports more; the simulator answers 400 to others). */
const ROLE_FILTER = /^\s*roleDefinitionId\s+eq\s+'([^']+)'\s*$/i;

/** Both API versions: ppmat reads v1.0; the reference cites beta for some of these endpoints. */
const VERSION = '(?:v1\\.0|beta)';

const route = (path: string): RegExp => new RegExp(`^/${VERSION}${path.replace(/\//g, '\\/')}/?$`, 'i');

export const GRAPH_ROUTES: SimRoute[] = [
  {
    family: 'conditionalAccess',
    method: 'GET',
    pattern: route('/identity/conditionalAccess/policies'),
    needsApiVersion: false,
    handle: (ctx, url) =>
      graphList(ctx, url, 'identity/conditionalAccess/policies', ctx.model.identity.conditionalAccessPolicies.map(conditionalAccessPolicyPayload)),
  },
  {
    family: 'roleAssignments',
    method: 'GET',
    pattern: route('/roleManagement/directory/roleAssignments'),
    needsApiVersion: false,
    handle: (ctx, url) => roleList(ctx, url, 'roleManagement/directory/roleAssignments', ctx.model.identity.roleAssignments, roleAssignmentPayload),
  },
  {
    family: 'pimSchedules',
    method: 'GET',
    pattern: route('/roleManagement/directory/roleEligibilityScheduleInstances'),
    needsApiVersion: false,
    handle: (ctx, url) =>
      roleList(ctx, url, 'roleManagement/directory/roleEligibilityScheduleInstances', ctx.model.identity.eligibleInstances, eligibilityInstancePayload),
  },
  {
    family: 'pimSchedules',
    method: 'GET',
    pattern: route('/roleManagement/directory/roleAssignmentScheduleInstances'),
    needsApiVersion: false,
    handle: (ctx, url) =>
      roleList(ctx, url, 'roleManagement/directory/roleAssignmentScheduleInstances', ctx.model.identity.activeInstances, assignmentInstancePayload),
  },
];

function roleList<H extends SimRoleHolder>(ctx: RouteContext, url: URL, entitySet: string, holders: H[], render: (holder: H, expand: boolean) => Record<string, unknown>): SimResponse {
  const filter = url.searchParams.get('$filter');
  let selected = holders;
  if (filter !== null) {
    const match = ROLE_FILTER.exec(filter);
    if (!match) return apiError(400, 'BadRequest', `Invalid filter clause: the simulator supports only roleDefinitionId eq '{id}', not '${filter}'.`);
    const roleId = (match[1] ?? '').toLowerCase();
    selected = holders.filter((h) => h.roleTemplateId.toLowerCase() === roleId);
  }
  const expand = (url.searchParams.get('$expand') ?? '').split(',').some((e) => e.trim().toLowerCase() === 'principal');
  return graphList(ctx, url, expand ? `${entitySet}(principal())` : entitySet, selected.map((h) => render(h, expand)));
}

/** One page of a Graph collection, with an absolute `@odata.nextLink` to the next one. */
function graphList(ctx: RouteContext, url: URL, context: string, items: unknown[]): SimResponse {
  const offset = Math.max(0, Number.parseInt(url.searchParams.get(SKIP_TOKEN) ?? '0', 10) || 0);
  const body: Record<string, unknown> = {
    '@odata.context': `${ctx.baseUrl}/v1.0/$metadata#${context}`,
    value: items.slice(offset, offset + ctx.pageSize),
  };
  if (offset + ctx.pageSize < items.length) {
    const next = new URL(url.toString());
    next.searchParams.set(SKIP_TOKEN, String(offset + ctx.pageSize));
    body['@odata.nextLink'] = `${ctx.baseUrl}${next.pathname}${next.search}`;
  }
  return { status: 200, body };
}
