/** The built-in demo tenant (see `server.ts`). */
export {
  startSimulator,
  simulatorEndpoints,
  DEFAULT_SIMULATOR_SEED,
  UNKNOWN_FIELDS,
  type FaultKind,
  type FaultRates,
  type FaultTarget,
  type RunningSimulator,
  type SimulatorFault,
  type SimulatorOptions,
  type SimulatorSize,
  type SimulatorStats,
  type ThrottleOptions,
} from './server.js';
export { SIMULATOR_PROFILES, type SimulatorProfile } from './profiles.js';
export { buildTenantModel, type TenantModel } from './tenant-model.js';
export type { EndpointFamily } from './sim-http.js';
