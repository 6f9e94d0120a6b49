/**
 * The endpoint families the simulator answers, matched like the real API: paths
 * case-insensitively, BAP calls only with an `api-version`; the Graph ones are in `graph-routes.ts`,
 * the Power Platform API ones in `power-platform-routes.ts`, the per-environment inventory in
 * `inventory-routes.ts` and Dataverse in `dataverse-routes.ts`.
 */
import { DATAVERSE_ROUTES } from './dataverse-routes.js';
import { GRAPH_ROUTES } from './graph-routes.js';
import { INVENTORY_ROUTES } from './inventory-routes.js';
import { POWER_PLATFORM_ROUTES } from './power-platform-routes.js';
import { apiError, type RouteContext, type SimRequest, type SimResponse, type SimRoute, type EndpointFamily, type SimSurface } from './sim-http.js';
import { dlpDetailPayload, dlpListItemPayload, environmentPayload, tenantIsolationPayload, tenantSettingsPayload } from './wire-payloads.js';

export { apiError, type EndpointFamily, type RouteContext, type SimRequest, type SimResponse, type SimSurface } from './sim-http.js';

/** The paging cursor of the environments list. BAP's real cursor format is not documented; only `nextLink` matters to clients. */
const SKIP_TOKEN = '$skiptoken';

const BAP_ROUTES: SimRoute[] = [
  {
    family: 'environments',
    method: 'GET',
    pattern: /^\/providers\/Microsoft\.BusinessAppPlatform\/scopes\/admin\/environments\/?$/i,
    needsApiVersion: true,
    handle: listEnvironments,
  },
  {
    family: 'tenantSettings',
    method: 'POST',
    pattern: /^\/providers\/Microsoft\.BusinessAppPlatform\/listTenantSettings\/?$/i,
    needsApiVersion: true,
    handle: (ctx) => ({ status: 200, body: tenantSettingsPayload(ctx.model) }),
  },
  {
    family: 'dlpPolicies',
    method: 'GET',
    pattern: /^\/providers\/PowerPlatform\.Governance\/v2\/policies\/?$/i,
    needsApiVersion: false,
    handle: (ctx) => ({ status: 200, body: { value: ctx.model.dlpPolicies.map(dlpListItemPayload) } }),
  },
  {
    family: 'dlpPolicies',
    method: 'GET',
    pattern: /^\/providers\/PowerPlatform\.Governance\/v2\/policies\/([^/]+)\/?$/i,
    needsApiVersion: false,
    handle: (ctx, _url, match) => {
      const name = decodeURIComponent(match[1] ?? '');
      const policy = ctx.model.dlpPolicies.find((p) => p.name.toLowerCase() === name.toLowerCase());
      return policy ? { status: 200, body: dlpDetailPayload(policy) } : apiError(404, 'PolicyNotFound', `The policy '${name}' was not found.`);
    },
  },
  {
    family: 'tenantIsolation',
    method: 'GET',
    pattern: /^\/providers\/PowerPlatform\.Governance\/v1\/tenants\/([^/]+)\/tenantIsolationPolicy\/?$/i,
    needsApiVersion: true,
    handle: (ctx, _url, match) => {
      const tenantId = decodeURIComponent(match[1] ?? '');
      if (tenantId.toLowerCase() !== ctx.model.tenantId.toLowerCase()) return apiError(403, 'Forbidden', `The caller does not have permission to access tenant '${tenantId}'.`);
      const payload = tenantIsolationPayload(ctx.model);
      // Never configured: the real API answers 404 (reference section 4).
      return payload ? { status: 200, body: payload } : apiError(404, 'TenantIsolationPolicyNotFound', 'No tenant isolation policy exists for this tenant.');
    },
  },
];

const ROUTES: SimRoute[] = [
  ...BAP_ROUTES.map((route): SimRoute => ({ surface: 'bap', ...route })),
  ...GRAPH_ROUTES.map((route): SimRoute => ({ surface: 'graph', ...route })),
  ...POWER_PLATFORM_ROUTES.map((route): SimRoute => ({ surface: 'powerPlatform', ...route })),
  ...INVENTORY_ROUTES,
  ...DATAVERSE_ROUTES,
];

/** A request's route: its family, surface and virtual host (null for paths the simulator does not serve). */
export interface MatchedRoute {
  family: EndpointFamily | null;
  surface: SimSurface | null;
  /**
   * The host the request goes to in the real cloud: the surface, or `dataverse:{environment}`
   * for Dataverse (one host per organization). Throttling and `stats().byHost` count per host.
   */
  host: string | null;
  respond: (ctx: RouteContext, request?: SimRequest) => SimResponse;
}

/** Finds the route of a request. */
export function matchRoute(method: string, url: URL): MatchedRoute {
  for (const route of ROUTES) {
    const match = route.pattern.exec(url.pathname);
    if (!match) continue;
    const surface = route.surface ?? 'graph';
    return {
      family: route.family,
      surface,
      host: surface === 'dataverse' ? `dataverse:${safeDecode(match[1] ?? '').toLowerCase()}` : surface,
      respond: (ctx, request = { headers: {} }) => {
        if (method !== route.method) return apiError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`);
        if (route.needsApiVersion && !url.searchParams.get('api-version')) {
          return apiError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
        }
        return route.handle(ctx, url, match, request);
      },
    };
  }
  return { family: null, surface: null, host: null, respond: () => apiError(404, 'ResourceNotFound', `The route '${url.pathname}' is not served by the ppmat simulator.`) };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function listEnvironments(ctx: RouteContext, url: URL): SimResponse {
  const offset = Math.max(0, Number.parseInt(url.searchParams.get(SKIP_TOKEN) ?? '0', 10) || 0);
  const all = ctx.model.environments;
  const capacity = /properties[./]capacity/i.test(url.searchParams.get('$expand') ?? '');
  const page = all.slice(offset, offset + ctx.pageSize).map((env) => environmentPayload(env, ctx.model.tenantId, ctx.baseUrl, { capacity }));
  const body: Record<string, unknown> = { value: page };
  if (offset + ctx.pageSize < all.length) {
    const query = url.search
      .slice(1)
      .split('&')
      .filter((pair) => pair !== '' && !pair.toLowerCase().startsWith(`${SKIP_TOKEN}=`) && !pair.toLowerCase().startsWith('%24skiptoken='))
      .concat(`${SKIP_TOKEN}=${offset + ctx.pageSize}`)
      .join('&');
    body['nextLink'] = `${ctx.baseUrl}${url.pathname}?${query}`;
  }
  return { status: 200, body };
}
