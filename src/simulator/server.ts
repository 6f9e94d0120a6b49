/**
 * The built-in demo tenant: a fake Power Platform admin API on a loopback port, answering
 * the real payload shapes, so `ppmat` can be tried, demonstrated and tested end to end
 * without a tenant. Faults let tests make an endpoint fail the way real ones do; a throttle,
 * latency and random faults let a bench scan a tenant-sized simulation under real conditions.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PpmatError } from '../errors/catalogue.js';
import type { ApiSurface } from '../http/types.js';
import type { SimulatorProfile } from './profiles.js';
import { dataverseTableOf } from './dataverse-routes.js';
import { BODY_FAULTS, faultedAnswer, serializedBody, type FaultTarget, type SimulatorFault } from './endpoint-faults.js';
import { createFaultDice, createLatency, forbiddenResponse, serverErrorResponse, truncatedResponse, type FaultRates } from './request-faults.js';
import { apiError, matchRoute, type EndpointFamily, type MatchedRoute, type RouteContext, type SimResponse } from './routes.js';
import { buildTenantModel, type TenantModel } from './tenant-model.js';
import { resolvePageSizes, resolveSize, type SimulatorSize } from './tenant-size.js';
import { createThrottle, type Throttle, type ThrottleOptions } from './throttle.js';

export { DEFAULT_SIMULATOR_ENVIRONMENTS, DEFAULT_SIMULATOR_PAGE_SIZE, type SimulatorSize } from './tenant-size.js';
export type { FaultRates } from './request-faults.js';
export { UNKNOWN_FIELDS, type FaultKind, type FaultTarget, type SimulatorFault } from './endpoint-faults.js';
export type { ThrottleOptions } from './throttle.js';

export const DEFAULT_SIMULATOR_SEED = 42;

export interface SimulatorOptions {
  seed?: number;
  profile?: SimulatorProfile;
  /** Environments including the default one; an alias of `size.environments` (which wins). */
  environments?: number;
  /** Tenant totals (default: 12 environments, 4 apps and 6 flows per environment, the profile's DLP policies). */
  size?: SimulatorSize;
  /** Page of the environment list and other tenant-wide lists (default 5; 100 above 100 environments). */
  pageSize?: number;
  /** Page of the per-environment lists (default `pageSize` when given, else 5; 100 above 1,000 apps or flows). */
  inventoryPageSize?: number;
  /** The instant the inventory is "as of" (default: the start of the current UTC month); see `TenantModelOptions.asOf`. */
  asOf?: Date | string;
  tenantId?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Per endpoint family, or per Dataverse table (`dataverse:{entitySet}`): see endpoint-faults.ts. */
  faults?: Partial<Record<FaultTarget, SimulatorFault>>;
  /** A token bucket per (bearer token, virtual host); over it, 429 with `Retry-After`. */
  throttle?: ThrottleOptions;
  /** Delay before every answer: fixed, or uniform in [min, max] (seeded). */
  latencyMs?: number | { min: number; max: number };
  /** Seeded random faults: server errors, timeouts (never answered) and truncated bodies. */
  faultRates?: FaultRates;
  /** Families refused with the 403 of their surface. */
  forbidden?: EndpointFamily[];
  /** Milliseconds clock of the throttle (default `performance.now`), for tests. */
  clock?: () => number;
  /**
   * Changes the built tenant before it is served, for a posture the profiles do not have
   * (e.g. one DLP policy deleted): a night in a test's sequence of postures.
   */
  adjust?: (model: TenantModel) => void;
}

/** Request accounting of a running simulator. */
export interface SimulatorStats {
  /** Requests received, including refused and throttled ones. */
  requests: number;
  /** Requests answered 429 by the throttle. */
  throttled: number;
  /** Requests let through the throttle, per virtual host (`bap`, `powerApps`, `flow`, `powerPlatform`, `graph`, `dataverse:{env}`). */
  byHost: Record<string, number>;
  /** Requests let through the throttle, per endpoint family (`canvasApps`, `appPermissions`, …; `other` for routes without one). */
  byFamily: Record<string, number>;
  /** Dataverse table reads (entity set, lower case), alone or as a part of a `$batch`: what a `dataverse:{table}` fault reaches. */
  byDataverseTable: Record<string, number>;
}

export interface RunningSimulator {
  /** Origin of the fake API, e.g. `http://127.0.0.1:53123`. */
  url: string;
  tenantId: string;
  profile: SimulatorProfile;
  /** The tenant behind the payloads, for tests and demos that want to explain the result. */
  model: TenantModel;
  /** The page sizes in effect. */
  pageSizes: { pageSize: number; inventoryPageSize: number };
  /** Requests received so far, including refused ones. */
  requests(): number;
  stats(): SimulatorStats;
  close(): Promise<void>;
}

/** Base URLs of every API surface pointing at a running simulator. */
export function simulatorEndpoints(url: string): Record<ApiSurface, string> {
  const base = url.replace(/\/+$/, '');
  return { bap: base, powerApps: base, flow: base, powerPlatform: base, graph: base };
}

/** What to do with one request. */
type Outcome = { kind: 'send'; response: SimResponse } | { kind: 'hang' } | { kind: 'reset' };

/** The Dataverse proxy base that routes `https://{org-host}/path` to the simulator (`endpoints.dataverse`). */
export function simulatorDataverseProxy(url: string): string {
  return `${url.replace(/\/+$/, '')}/dataverse`;
}

/** Starts the simulator; resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const profile = options.profile ?? 'defined';
  const seed = options.seed ?? DEFAULT_SIMULATOR_SEED;
  const size = resolveSize(options.size, options.environments);
  const model = buildTenantModel({
    seed,
    profile,
    environments: size.environments,
    apps: size.apps,
    flows: size.flows,
    policies: size.policies,
    ...(options.asOf === undefined ? {} : { asOf: options.asOf }),
    ...(options.tenantId ? { tenantId: options.tenantId } : {}),
  });
  options.adjust?.(model);
  const pageSizes = resolvePageSizes(size, options.pageSize, options.inventoryPageSize);
  const host = options.host ?? '127.0.0.1';
  const faults = new Map<string, SimulatorFault>();
  const faultsLeft = new Map<string, number>();
  for (const [target, fault] of Object.entries(options.faults ?? {}) as [FaultTarget, SimulatorFault | undefined][]) {
    if (!fault) continue;
    faults.set(target, fault);
    faultsLeft.set(target, fault.times ?? Number.POSITIVE_INFINITY);
  }
  /** The first of `targets` with a fault left (counting it), or null. */
  const takeFault = (targets: readonly string[], only?: (fault: SimulatorFault) => boolean): SimulatorFault | null => {
    for (const target of targets) {
      const fault = faults.get(target);
      const left = faultsLeft.get(target) ?? 0;
      if (!fault || left <= 0 || (only && !only(fault))) continue;
      faultsLeft.set(target, left - 1);
      return fault;
    }
    return null;
  };
  const forbidden = new Set(options.forbidden ?? []);
  const throttle: Throttle | null = options.throttle ? createThrottle(options.throttle, options.clock ?? (() => performance.now())) : null;
  const rollFault = createFaultDice(seed, options.faultRates ?? {});
  const latency = createLatency(seed, options.latencyMs);
  const stats = { requests: 0, throttled: 0 };
  const byHost = new Map<string, number>();
  const byFamily = new Map<string, number>();
  const byTable = new Map<string, number>();
  const countTable = (table: string): void => {
    byTable.set(table, (byTable.get(table) ?? 0) + 1);
  };
  const pending = new Set<NodeJS.Timeout>();
  let baseUrl = '';
  let ctx: RouteContext | null = null;

  const decide = (req: IncomingMessage, body: string): Outcome => {
    const send = (response: SimResponse): Outcome => ({ kind: 'send', response });
    const url = new URL(req.url ?? '/', baseUrl);
    const authorization = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '');
    if (!authorization) {
      const refused = apiError(401, 'MissingAuthenticationToken', 'The request does not carry a bearer access token.');
      return send({ ...refused, headers: { 'WWW-Authenticate': 'Bearer' } });
    }
    const route = matchRoute(req.method ?? 'GET', url);
    if (route.host !== null) {
      const refused = throttle?.take(authorization[1] ?? '', route.host);
      if (refused) {
        stats.throttled += 1;
        return send(refused);
      }
      byHost.set(route.host, (byHost.get(route.host) ?? 0) + 1);
      const family = route.family ?? 'other';
      byFamily.set(family, (byFamily.get(family) ?? 0) + 1);
    }
    if (route.family && route.surface) {
      if (forbidden.has(route.family)) return send(forbiddenResponse(route.surface, url.pathname, model.tenantId, route.family === 'powerPagesSites'));
      const table = route.family === 'dataverse' ? dataverseTableOf(url.pathname) : null;
      if (table !== null) countTable(table);
      // A Dataverse `$batch` (no table of its own) gets its family's body faults per part, like its tables' faults.
      const batch = route.family === 'dataverse' && table === null;
      const fault = takeFault([route.family, ...(table === null ? [] : [`dataverse:${table}`])], batch ? (f) => !BODY_FAULTS.has(f.kind ?? 'status') : undefined);
      if (fault) {
        const request = { surface: route.surface, path: url.pathname, tenantId: model.tenantId, family: route.family };
        return outcomeOf(faultedAnswer(fault, request, () => respond(route, body, req)));
      }
      const random = rollFault();
      if (random?.kind === 'timeout') return { kind: 'hang' };
      if (random?.kind === 'serverError') return send(serverErrorResponse(random.status));
      if (random?.kind === 'malformed') return send(truncatedResponse(serializedBody(respond(route, body, req))));
    }
    return outcomeOf(respond(route, body, req));
  };
  const outcomeOf = (response: SimResponse): Outcome => (response.abort ? { kind: response.abort } : { kind: 'send', response });
  const respond = (route: MatchedRoute, body: string, req: IncomingMessage): SimResponse => route.respond(requestContext(body), req);
  /** One table's part of a Dataverse `$batch`: counted like a read of the table, and faulted like one. */
  const batchPart = (table: string, answer: () => SimResponse): SimResponse => {
    countTable(table);
    const fault = takeFault([`dataverse:${table}`]) ?? takeFault(['dataverse'], (f) => BODY_FAULTS.has(f.kind ?? 'status'));
    return fault ? faultedAnswer(fault, { surface: 'dataverse', path: `$batch part ${table}`, tenantId: model.tenantId, family: 'dataverse' }, answer) : answer();
  };
  /** The shared context, with the body of a POST for the routes that read it. */
  const requestContext = (body: string): RouteContext => (body === '' ? (ctx as RouteContext) : { ...(ctx as RouteContext), requestBody: body });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    stats.requests += 1;
    // Bodies are read only for POSTs (Graph `$batch`); every other body is drained unread.
    const chunks: Buffer[] = [];
    if (req.method === 'POST') req.on('data', (chunk: Buffer) => chunks.push(chunk));
    else req.resume();
    req.on('end', () => {
      const outcome = safely(() => decide(req, chunks.length === 0 ? '' : Buffer.concat(chunks).toString('utf8')));
      // A timeout is never answered; the socket goes when the client gives up or the simulator closes.
      if (outcome.kind === 'hang') return;
      if (outcome.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      const delay = latency();
      if (delay <= 0) {
        send(res, outcome.response);
        return;
      }
      const timer = setTimeout(() => {
        pending.delete(timer);
        send(res, outcome.response);
      }, delay);
      pending.add(timer);
      res.once('close', () => {
        clearTimeout(timer);
        pending.delete(timer);
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new PpmatError('PPMAT_E_SIMULATOR', `The simulator could not listen on ${host}:${options.port ?? 0}: ${error.message}`, { cause: error })));
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${shownHost}:${address.port}`;
  ctx = { model, baseUrl, ...pageSizes, batchPart };

  return {
    url: baseUrl,
    tenantId: model.tenantId,
    profile,
    model,
    pageSizes,
    requests: () => stats.requests,
    stats: () => ({
      requests: stats.requests,
      throttled: stats.throttled,
      byHost: Object.fromEntries(byHost),
      byFamily: Object.fromEntries(byFamily),
      byDataverseTable: Object.fromEntries(byTable),
    }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of pending) clearTimeout(timer);
        pending.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A handler that throws (e.g. a malformed percent-encoding in the path) answers instead of crashing the process. */
function safely(decide: () => Outcome): Outcome {
  try {
    return decide();
  } catch (error) {
    const response = error instanceof URIError ? apiError(400, 'BadRequest', `The request URL is malformed: ${error.message}.`) : apiError(500, 'SimulatorError', `The simulator failed: ${(error as Error).message}`);
    return { kind: 'send', response };
  }
}

function send(res: ServerResponse, response: SimResponse): void {
  if (res.destroyed || res.writableEnded) return;
  const text = serializedBody(response);
  res.writeHead(response.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...response.headers,
  });
  res.end(text);
}
