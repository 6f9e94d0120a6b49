/**
 * The Microsoft Graph endpoints of the demo tenant: Conditional Access policies, directory
 * role assignments and PIM schedule instances, the organization, identity governance
 * (access review definitions, access packages) and directory object lookups (single and in
 * a JSON `$batch`), answered like Graph does: `@odata.context`, `value`, an absolute
 * `@odata.nextLink` when a list is longer than the page size, `$select` honoured,
 * `$filter=roleDefinitionId eq '...'` honoured, and `$expand=principal` adding the principal.
 */
import {
  accessPackagePayload,
  accessReviewDefinitionPayload,
  assignmentInstancePayload,
  conditionalAccessPolicyPayload,
  directoryUserPayload,
  eligibilityInstancePayload,
  organizationPayload,
  roleAssignmentPayload,
} from './graph-payloads.js';
import type { SimRoleHolder, SimUser } from './identity-model.js';
import { apiError, type RouteContext, type SimResponse, type SimRoute } from './sim-http.js';

/** Graph's paging cursor parameter; its value is opaque to clients, which only follow `@odata.nextLink`. */
const SKIP_TOKEN = '$skiptoken';

/** The one `$filter` ppmat sends to the role endpoints (Graph supports more; the simulator answers 400 to others). */
const ROLE_FILTER = /^\s*roleDefinitionId\s+eq\s+'([^']+)'\s*$/i;

/** Both API versions: ppmat reads v1.0; the reference cites beta for some of these endpoints. */
const VERSION = '(?:v1\\.0|beta)';

const route = (path: string): RegExp => new RegExp(`^/${VERSION}${path.replace(/\//g, '\\/')}/?$`, 'i');

/** Graph's limit of requests in one JSON batch ("Combine multiple requests in one HTTP call using JSON batching"). */
export const MAX_BATCH_REQUESTS = 20;

/** A batch sub-request URL (relative to the version root) that looks up one directory object. */
const DIRECTORY_OBJECT_URL = /^\/?(?:(?:v1\.0|beta)\/)?directoryObjects\/([^/?]+)\/?(\?.*)?$/i;

/**
 * The context of a route that reads its request body: the server passes the raw body of a
 * POST as `requestBody` (text, or already parsed JSON).
 */
type BodyContext = RouteContext & { requestBody?: unknown };

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
  {
    family: 'organization',
    method: 'GET',
    pattern: route('/organization'),
    needsApiVersion: false,
    handle: (ctx, url) => graphList(ctx, url, 'organization', selected(url, [organizationPayload(ctx.model.tenantId, ctx.model.identity.organization)])),
  },
  {
    family: 'identityGovernance',
    method: 'GET',
    pattern: route('/identityGovernance/accessReviews/definitions'),
    needsApiVersion: false,
    handle: (ctx, url) => graphList(ctx, url, 'identityGovernance/accessReviews/definitions', selected(url, ctx.model.identity.accessReviews.map(accessReviewDefinitionPayload))),
  },
  {
    family: 'identityGovernance',
    method: 'GET',
    pattern: route('/identityGovernance/entitlementManagement/accessPackages'),
    needsApiVersion: false,
    handle: (ctx, url) =>
      graphList(ctx, url, 'identityGovernance/entitlementManagement/accessPackages', selected(url, ctx.model.identity.accessPackages.map(accessPackagePayload))),
  },
  {
    family: 'directoryObjects',
    method: 'GET',
    pattern: new RegExp(`^/${VERSION}/directoryObjects/([^/]+)/?$`, 'i'),
    needsApiVersion: false,
    handle: (ctx, url, match) => {
      const sub = lookUpDirectoryObject(ctx, decodeURIComponent(match[1] ?? ''), url.searchParams.get('$select'));
      return { status: sub.status, body: sub.body };
    },
  },
  {
    family: 'directoryObjects',
    method: 'POST',
    pattern: new RegExp(`^/${VERSION}/\\$batch/?$`, 'i'),
    needsApiVersion: false,
    handle: (ctx) => jsonBatch(ctx),
  },
];

/** Keeps only the `$select`ed properties (and `@odata.type`) of each item, like Graph. */
function selected(url: URL, items: Record<string, unknown>[]): Record<string, unknown>[] {
  const select = url.searchParams.get('$select');
  if (select === null || select.trim() === '') return items;
  const keep = new Set(['@odata.type', ...select.split(',').map((p) => p.trim())]);
  return items.map((item) => Object.fromEntries(Object.entries(item).filter(([key]) => keep.has(key))));
}

interface SubResponse {
  status: number;
  body: unknown;
}

/**
 * `GET /directoryObjects/{id}` against the tenant's makers and admins: a deleted maker (or an
 * id of nobody) answers 404 like Graph; others are users, a disabled maker with
 * `accountEnabled: false`.
 */
function lookUpDirectoryObject(ctx: RouteContext, id: string, select: string | null): SubResponse {
  const maker = ctx.model.makers.byId(id);
  const user = maker ? (maker.deleted ? null : maker) : adminUsers(ctx).find((u) => u.id.toLowerCase() === id.toLowerCase());
  if (!user) {
    return notFoundResponse(id);
  }
  const [body] = select === null ? [directoryUserPayload(user)] : selected(new URL(`http://x/?$select=${encodeURIComponent(select)}`), [directoryUserPayload(user)]);
  return { status: 200, body: { '@odata.context': `${ctx.baseUrl}/v1.0/$metadata#directoryObjects/$entity`, ...body } };
}

function notFoundResponse(id: string): SubResponse {
  return {
    status: 404,
    body: { error: { code: 'Request_ResourceNotFound', message: `Resource '${id}' does not exist or one of its queried reference-property objects are not present.` } },
  };
}

/** The people the identity model names (the admins), who exist as users too. */
function adminUsers(ctx: RouteContext): SimUser[] {
  const { roleAssignments, eligibleInstances, activeInstances } = ctx.model.identity;
  return [...roleAssignments, ...eligibleInstances, ...activeInstances].map((h) => h.user);
}

/**
 * `POST /$batch`: up to {@link MAX_BATCH_REQUESTS} sub-requests, each answered on its own
 * (`{ responses: [{ id, status, headers, body }] }`); the simulator serves directory object
 * lookups in a batch and answers 400 to any other sub-request. More than 20 sub-requests, or
 * a body that is no batch, is a 400 for the whole batch, like Graph.
 */
function jsonBatch(ctx: BodyContext): SimResponse {
  let payload: unknown = ctx.requestBody;
  if (typeof payload === 'string') {
    try {
      payload = JSON.parse(payload) as unknown;
    } catch {
      return apiError(400, 'BadRequest', 'Invalid batch payload format: the body is not JSON.');
    }
  }
  const requests = typeof payload === 'object' && payload !== null ? (payload as { requests?: unknown }).requests : undefined;
  if (!Array.isArray(requests)) return apiError(400, 'BadRequest', 'Invalid batch payload format: the body has no "requests" array.');
  if (requests.length > MAX_BATCH_REQUESTS) return apiError(400, 'BadRequest', `The batch has ${requests.length} requests; at most ${MAX_BATCH_REQUESTS} are allowed in one batch.`);
  const subRequests: { id: string; method: string; url: string }[] = [];
  for (const request of requests as unknown[]) {
    const { id, method, url } = (typeof request === 'object' && request !== null ? request : {}) as Record<string, unknown>;
    if (typeof id !== 'string' || id === '' || typeof url !== 'string') return apiError(400, 'BadRequest', 'Invalid batch payload format: every request needs a string "id" and "url".');
    if (subRequests.some((r) => r.id === id)) return apiError(400, 'BadRequest', `Invalid batch payload format: the request id '${id}' is used twice.`);
    subRequests.push({ id, method: typeof method === 'string' ? method.toUpperCase() : 'GET', url });
  }
  const responses = subRequests.map(({ id, method, url }) => {
    const match = DIRECTORY_OBJECT_URL.exec(url);
    const sub: SubResponse =
      method === 'GET' && match
        ? lookUpDirectoryObject(ctx, decodeURIComponent(match[1] ?? ''), new URLSearchParams(match[2] ?? '').get('$select'))
        : { status: 400, body: { error: { code: 'BadRequest', message: `The simulator's $batch serves GET /directoryObjects/{id} only, not ${method} ${url}.` } } };
    return { id, status: sub.status, headers: { 'Content-Type': 'application/json' }, body: sub.body };
  });
  return { status: 200, body: { responses } };
}

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
