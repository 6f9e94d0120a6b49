/**
 * The per-environment inventory endpoints of the demo tenant, each on the surface it lives on:
 * canvas apps, their permissions and custom connectors (PowerApps RP), cloud flows and their
 * permissions (Flow RP), Power Pages sites and tenant capacity (Power Platform API).
 * The RP lists page by a top-level `nextLink`, Power Pages by `@odata.nextLink` with `skip`;
 * every page is generated from its indexes, so it costs O(page size).
 */
import {
  appPermissionPayload,
  canvasAppPayload,
  cloudFlowPayload,
  customConnectorPayload,
  flowPermissionPayload,
  tenantCapacityPayload,
  websitePayload,
} from './inventory-payloads.js';
import { lazyPage } from './paging.js';
import { dataverseInstanceUrl } from './wire-payloads.js';
import { apiError, type RouteContext, type SimResponse, type SimRoute } from './sim-http.js';
import type { SimEnvironment, TenantModel } from './tenant-model.js';

/** The RP lists' paging cursor (opaque to clients, which follow `nextLink`). */
const SKIP_TOKEN = '$skiptoken';
/** Power Pages' paging parameter (reference 8a: `[&skip=]`). */
const PAGES_SKIP = 'skip';

const APPS_ENV = '^/providers/Microsoft\\.PowerApps/scopes/admin/environments/([^/]+)';
const FLOWS_ENV = '^/providers/Microsoft\\.ProcessSimple/scopes/admin/environments/([^/]+)';
const path = (pattern: string): RegExp => new RegExp(`${pattern}/?$`, 'i');

export const INVENTORY_ROUTES: SimRoute[] = [
  {
    family: 'canvasApps',
    surface: 'powerApps',
    method: 'GET',
    pattern: path(`${APPS_ENV}/apps`),
    needsApiVersion: true,
    handle: (ctx, url, match) =>
      withEnvironment(ctx, match, (env, index) =>
        rpPage(ctx, url, { count: ctx.model.inventory.apps.count(index), render: (i) => canvasAppPayload(ctx.model.inventory.apps.at(index, i), env, ctx.model.tenantId) }),
      ),
  },
  {
    family: 'appPermissions',
    surface: 'powerApps',
    method: 'GET',
    pattern: path(`${APPS_ENV}/apps/([^/]+)/permissions`),
    needsApiVersion: true,
    handle: (ctx, _url, match) =>
      withEnvironment(ctx, match, (env, index) => {
        const name = decodeURIComponent(match[2] ?? '');
        const app = ctx.model.inventory.apps.find(index, name);
        if (!app) return apiError(404, 'AppNotFound', `The app '${name}' was not found in the environment '${env.name}'.`);
        return { status: 200, body: { value: ctx.model.inventory.appPermissions(app).map((a) => appPermissionPayload(a, app, env, ctx.model.tenantId)) } };
      }),
  },
  {
    family: 'customConnectors',
    surface: 'powerApps',
    method: 'GET',
    pattern: path(`${APPS_ENV}/apis`),
    needsApiVersion: true,
    handle: (ctx, url, match) =>
      withEnvironment(ctx, match, (env, index) =>
        rpPage(ctx, url, { count: ctx.model.inventory.customConnectors.count(index), render: (i) => customConnectorPayload(ctx.model.inventory.customConnectors.at(index, i), env) }),
      ),
  },
  {
    family: 'cloudFlows',
    surface: 'flow',
    method: 'GET',
    pattern: path(`${FLOWS_ENV}/flows`),
    needsApiVersion: true,
    handle: (ctx, url, match) =>
      withEnvironment(ctx, match, (env, index) =>
        rpPage(ctx, url, { count: ctx.model.inventory.flows.count(index), render: (i) => cloudFlowPayload(ctx.model.inventory.flows.at(index, i), env, ctx.model.tenantId) }),
      ),
  },
  {
    family: 'flowPermissions',
    surface: 'flow',
    method: 'GET',
    pattern: path(`${FLOWS_ENV}/flows/([^/]+)/permissions`),
    needsApiVersion: true,
    handle: (ctx, _url, match) =>
      withEnvironment(ctx, match, (env, index) => {
        const name = decodeURIComponent(match[2] ?? '');
        const flow = ctx.model.inventory.flows.find(index, name);
        if (!flow) return apiError(404, 'FlowNotFound', `The flow '${name}' was not found in the environment '${env.name}'.`);
        return { status: 200, body: { value: ctx.model.inventory.flowPermissions(flow).map((a) => flowPermissionPayload(a, flow, env, ctx.model.tenantId)) } };
      }),
  },
  {
    family: 'powerPagesSites',
    surface: 'powerPlatform',
    method: 'GET',
    pattern: path('^/powerpages/environments/([^/]+)/websites'),
    needsApiVersion: true,
    handle: (ctx, url, match) =>
      withEnvironment(ctx, match, (env, index) => {
        // The real API answers 404 for an environment without Dataverse (UNCONFIRMED wording).
        if (!env.dataverse) return apiError(404, 'EnvironmentNotFound', `The environment '${env.name}' does not have a Microsoft Dataverse database.`);
        const organizationId = String(ctx.model.dataverse.table(index, 'organizations')?.row(0)['organizationid'] ?? '');
        const dataverseUrl = dataverseInstanceUrl(ctx.baseUrl, env);
        const body = lazyPage(
          { count: ctx.model.inventory.websites.count(index), render: (i) => websitePayload(ctx.model.inventory.websites.at(index, i), env, ctx.model, dataverseUrl, organizationId) },
          { baseUrl: ctx.baseUrl, url, param: PAGES_SKIP, size: ctx.inventoryPageSize, linkKey: '@odata.nextLink' },
          { '@odata.metadata': `${ctx.baseUrl}/powerpages/$metadata#websites` },
        );
        return { status: 200, body };
      }),
  },
  {
    family: 'capacity',
    surface: 'powerPlatform',
    method: 'GET',
    pattern: path('^/licensing/tenantCapacity'),
    needsApiVersion: true,
    handle: (ctx) => ({ status: 200, body: capacityOf(ctx.model) }),
  },
];

function withEnvironment(ctx: RouteContext, match: RegExpExecArray, handle: (env: SimEnvironment, index: number) => SimResponse): SimResponse {
  const name = decodeURIComponent(match[1] ?? '');
  const index = ctx.model.environmentIndex(name);
  const env = ctx.model.environments[index];
  if (!env) return apiError(404, 'EnvironmentNotFound', `The environment '${name}' could not be found in the tenant '${ctx.model.tenantId}'.`);
  return handle(env, index);
}

function rpPage(ctx: RouteContext, url: URL, list: { count: number; render: (index: number) => unknown }): SimResponse {
  return { status: 200, body: lazyPage(list, { baseUrl: ctx.baseUrl, url, param: SKIP_TOKEN, size: ctx.inventoryPageSize, linkKey: 'nextLink' }) };
}

/** Capacity scans the environments once per model, not once per request. */
const capacityBodies = new WeakMap<TenantModel, Record<string, unknown>>();
function capacityOf(model: TenantModel): Record<string, unknown> {
  let body = capacityBodies.get(model);
  if (!body) {
    body = tenantCapacityPayload(model);
    capacityBodies.set(model, body);
  }
  return body;
}
