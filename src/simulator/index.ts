/** The built-in demo tenant (see `server.ts`). */
export { startSimulator, simulatorEndpoints, DEFAULT_SIMULATOR_SEED, type RunningSimulator, type SimulatorFault, type SimulatorOptions } from './server.js';
export { SIMULATOR_PROFILES, type SimulatorProfile } from './profiles.js';
export { buildTenantModel, type TenantModel } from './tenant-model.js';
