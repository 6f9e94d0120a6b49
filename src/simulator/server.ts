/**
 * The built-in demo tenant: a fake Power Platform admin API on a loopback port, answering
 * the real payload shapes, so `ppmat` can be tried, demonstrated and tested end to end
 * without a tenant. Faults let tests make an endpoint fail the way real ones do.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PpmatError } from '../errors/catalogue.js';
import type { ApiSurface } from '../http/types.js';
import type { SimulatorProfile } from './profiles.js';
import { apiError, matchRoute, type EndpointFamily, type SimResponse } from './routes.js';
import { buildTenantModel, type TenantModel } from './tenant-model.js';

export const DEFAULT_SIMULATOR_SEED = 42;
export const DEFAULT_SIMULATOR_ENVIRONMENTS = 12;
/** Small on purpose, so every demo scan exercises `nextLink` paging. */
export const DEFAULT_SIMULATOR_PAGE_SIZE = 5;

/**
 * How one endpoint family misbehaves: `times` requests (every one when omitted) get this
 * answer, then it recovers. A family's fault covers all its endpoints (for DLP: the list and
 * every detail), and is checked after the bearer token, like a real API.
 */
export interface SimulatorFault {
  /** Default 500. */
  status?: number;
  /** Raw body to send (e.g. malformed JSON); an API-style error body when omitted. */
  body?: string;
  times?: number;
  retryAfterSeconds?: number;
}

export interface SimulatorOptions {
  seed?: number;
  profile?: SimulatorProfile;
  /** Environments including the default one. */
  environments?: number;
  pageSize?: number;
  tenantId?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  faults?: Partial<Record<EndpointFamily, SimulatorFault>>;
}

export interface RunningSimulator {
  /** Origin of the fake API, e.g. `http://127.0.0.1:53123`. */
  url: string;
  tenantId: string;
  profile: SimulatorProfile;
  /** The tenant behind the payloads, for tests and demos that want to explain the result. */
  model: TenantModel;
  /** Requests received so far, including refused ones. */
  requests(): number;
  close(): Promise<void>;
}

/** Base URLs of every API surface pointing at a running simulator. */
export function simulatorEndpoints(url: string): Record<ApiSurface, string> {
  const base = url.replace(/\/+$/, '');
  return { bap: base, powerApps: base, flow: base, powerPlatform: base, graph: base };
}

/** Starts the simulator; resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const profile = options.profile ?? 'defined';
  const model = buildTenantModel({
    seed: options.seed ?? DEFAULT_SIMULATOR_SEED,
    profile,
    environments: options.environments ?? DEFAULT_SIMULATOR_ENVIRONMENTS,
    ...(options.tenantId ? { tenantId: options.tenantId } : {}),
  });
  const pageSize = Math.max(1, options.pageSize ?? DEFAULT_SIMULATOR_PAGE_SIZE);
  const host = options.host ?? '127.0.0.1';
  const faultsLeft = new Map<EndpointFamily, number>();
  for (const [family, fault] of Object.entries(options.faults ?? {}) as [EndpointFamily, SimulatorFault | undefined][]) {
    if (fault) faultsLeft.set(family, fault.times ?? Number.POSITIVE_INFINITY);
  }
  let requestCount = 0;
  let baseUrl = '';

  const answer = (req: IncomingMessage): SimResponse => {
    const url = new URL(req.url ?? '/', baseUrl);
    if (!/^Bearer\s+\S+/i.test(req.headers.authorization ?? '')) {
      const refused = apiError(401, 'MissingAuthenticationToken', 'The request does not carry a bearer access token.');
      return { ...refused, headers: { 'WWW-Authenticate': 'Bearer' } };
    }
    const route = matchRoute(req.method ?? 'GET', url);
    if (route.family) {
      const fault = options.faults?.[route.family];
      const left = faultsLeft.get(route.family) ?? 0;
      if (fault && left > 0) {
        faultsLeft.set(route.family, left - 1);
        return faultResponse(fault);
      }
    }
    return route.respond({ model, baseUrl, pageSize });
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requestCount += 1;
    req.resume();
    req.on('end', () => send(res, answer(req)));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new PpmatError('PPMAT_E_SIMULATOR', `The simulator could not listen on ${host}:${options.port ?? 0}: ${error.message}`, { cause: error })));
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${shownHost}:${address.port}`;

  return {
    url: baseUrl,
    tenantId: model.tenantId,
    profile,
    model,
    requests: () => requestCount,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function faultResponse(fault: SimulatorFault): SimResponse {
  const status = fault.status ?? 500;
  const headers: Record<string, string> = fault.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(fault.retryAfterSeconds) };
  if (fault.body !== undefined) return { status, body: fault.body, headers };
  const base = status === 429 ? apiError(429, 'TooManyRequests', 'Rate limit is exceeded. Try again later.') : apiError(status, 'SimulatedFault', `The simulator was told to answer ${status}.`);
  return { ...base, headers };
}

function send(res: ServerResponse, response: SimResponse): void {
  const text = response.body === null || response.body === undefined ? '' : typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  res.writeHead(response.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...response.headers,
  });
  res.end(text);
}
