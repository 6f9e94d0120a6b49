/** `ppmat simulate`: the demo tenant's fake admin API, for trying collectors or other tools against it. */
import { InvalidArgumentError } from 'commander';
import { simulatorEndpoints, startSimulator, type SimulatorOptions, type SimulatorSize } from '../simulator/server.js';
import type { EndpointFamily } from '../simulator/sim-http.js';
import type { CommandIo } from './scan.command.js';

export interface SimulateOptions {
  profile: 'initial' | 'defined' | 'capable';
  port: number;
  /** The address to listen on (default 127.0.0.1; 0.0.0.0 in a container, for the other services). */
  host?: string;
  seed: number;
  environments?: number;
  size?: SimulatorSize;
  pageSize?: number;
  inventoryPageSize?: number;
  throttle?: number;
  burst?: number;
  latency?: number | { min: number; max: number };
  faultRate?: number;
  timeoutRate?: number;
  malformedRate?: number;
  forbidden?: EndpointFamily[];
}

export async function simulateCommand(options: SimulateOptions, io: CommandIo): Promise<number> {
  const simulatorOptions: SimulatorOptions = {
    profile: options.profile,
    port: options.port,
    ...(options.host ? { host: options.host } : {}),
    seed: options.seed,
    ...(options.environments === undefined ? {} : { environments: options.environments }),
    ...(options.size ? { size: options.size } : {}),
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    ...(options.inventoryPageSize === undefined ? {} : { inventoryPageSize: options.inventoryPageSize }),
    ...(options.throttle === undefined ? {} : { throttle: { requestsPerSecond: options.throttle, ...(options.burst === undefined ? {} : { burst: options.burst }) } }),
    ...(options.latency === undefined ? {} : { latencyMs: options.latency }),
    faultRates: { serverError: options.faultRate ?? 0, timeout: options.timeoutRate ?? 0, malformed: options.malformedRate ?? 0 },
    ...(options.forbidden ? { forbidden: options.forbidden } : {}),
  };
  const simulator = await startSimulator(simulatorOptions);
  const { size } = simulator.model;
  const out = io.stdout;
  out.write(`Demo tenant ${simulator.tenantId} (${options.profile}) listening on ${simulator.url}\n`);
  out.write(`Size: ${size.environments} environments, ${size.apps} canvas apps, ${size.flows} cloud flows, ${size.policies} DLP policies; ${simulator.model.makers.count} makers\n`);
  out.write(`Pages: ${simulator.pageSizes.pageSize} per tenant-wide list page, ${simulator.pageSizes.inventoryPageSize} per inventory page; timestamps as of ${simulator.model.asOf}\n`);
  const throttle = simulatorOptions.throttle;
  out.write(`Throttle: ${throttle ? `${throttle.requestsPerSecond} requests/s per token and host (burst ${throttle.burst ?? throttle.requestsPerSecond})` : 'none'}\n`);
  const latency = options.latency;
  out.write(`Latency: ${latency === undefined ? 'none' : typeof latency === 'number' ? `${latency} ms` : `${latency.min}-${latency.max} ms`}\n`);
  const rates = simulatorOptions.faultRates ?? {};
  out.write(`Random faults: server errors ${rates.serverError ?? 0}, timeouts ${rates.timeout ?? 0}, truncated bodies ${rates.malformed ?? 0}\n`);
  if (options.forbidden?.length) out.write(`Forbidden (403): ${options.forbidden.join(', ')}\n`);
  out.write(`Dataverse of each environment with a database: ${simulator.url}/dataverse/{environment}/api/data/v9.2/\n`);
  out.write(`${JSON.stringify(simulatorEndpoints(simulator.url), null, 2)}\nAny bearer token is accepted. Press Ctrl-C to stop.\n`);
  await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
  await simulator.close();
  return 0;
}

/** `--size envs[,apps[,flows[,policies]]]`. */
export function parseSizeOption(value: string): SimulatorSize {
  const parts = value.split(',').map((part) => part.trim());
  if (parts.length === 0 || parts.length > 4 || parts.some((part) => !/^\d+$/.test(part))) {
    throw new InvalidArgumentError('expected envs[,apps[,flows[,policies]]], whole numbers, e.g. 10000,100000,200000');
  }
  const [environments, apps, flows, policies] = parts.map((part) => Number.parseInt(part, 10));
  if (environments === undefined || environments < 1) throw new InvalidArgumentError('at least 1 environment');
  return { environments, ...(apps === undefined ? {} : { apps }), ...(flows === undefined ? {} : { flows }), ...(policies === undefined ? {} : { policies }) };
}

/** `--latency 50` or `--latency 20-80` (milliseconds). */
export function parseLatencyOption(value: string): number | { min: number; max: number } {
  const range = /^(\d+)\s*-\s*(\d+)$/.exec(value.trim());
  if (range) return { min: Number(range[1]), max: Number(range[2]) };
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  throw new InvalidArgumentError('expected milliseconds (50) or a range (20-80)');
}

/** A rate between 0 and 1. */
export function parseRateOption(value: string): number {
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new InvalidArgumentError('expected a number from 0 to 1');
  return rate;
}

/** A positive number (requests per second, page sizes). */
export function parsePositiveOption(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number above 0');
  return n;
}

/** `--forbidden canvasApps,dataverse`. */
export function parseFamiliesOption(value: string): EndpointFamily[] {
  return value
    .split(',')
    .map((family) => family.trim())
    .filter((family) => family !== '') as EndpointFamily[];
}
