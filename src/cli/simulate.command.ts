/** `ppmat simulate`: the demo tenant's fake admin API, for trying collectors or other tools against it. */
import { simulatorEndpoints, startSimulator } from '../simulator/server.js';
import type { CommandIo } from './scan.command.js';

export async function simulateCommand(
  options: { profile: 'initial' | 'defined' | 'capable'; port: number; seed: number; environments: number },
  io: CommandIo,
): Promise<number> {
  const simulator = await startSimulator({ profile: options.profile, port: options.port, seed: options.seed, environments: options.environments });
  io.stdout.write(`Demo tenant ${simulator.tenantId} (${options.profile}) listening on ${simulator.url}\n`);
  io.stdout.write(`${JSON.stringify(simulatorEndpoints(simulator.url), null, 2)}\nAny bearer token is accepted. Press Ctrl-C to stop.\n`);
  await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
  await simulator.close();
  return 0;
}
