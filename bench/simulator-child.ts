/**
 * The bench's simulated tenant, in its own process so the scanner's time and memory are
 * measured alone. Started by collect.bench.ts with IPC: it sends `{ url, tenantId }` once
 * listening, answers `stats` with the simulator's request counts, and exits on `close`.
 */
import { startSimulator, type SimulatorOptions } from '../src/simulator/server.js';

const options = JSON.parse(process.env.PPMAT_BENCH_SIMULATOR ?? '{}') as SimulatorOptions;
const simulator = await startSimulator(options);
process.send?.({ type: 'ready', url: simulator.url, tenantId: simulator.tenantId });
process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') process.send?.({ type: 'stats', stats: simulator.stats() });
  if (message.type === 'close') void simulator.close().then(() => process.exit(0));
});
