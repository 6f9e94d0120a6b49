/**
 * `ppmat serve`: the HTTP API and dashboard over the stored scans, without the schedule
 * (`ppmat start` serves them too, and scans). Scans cannot be started from here (the API
 * answers 503); everything else works: levels, evidence, history, attestations, alerts.
 * Runs until Ctrl-C or SIGTERM; the exit code is 0.
 */
import { apiFromApp } from '../api/api-from-app.js';
import { startHttpService } from '../api/http-service.js';
import { createMetrics } from '../api/metrics.js';
import { EXIT, PpmatError } from '../errors/catalogue.js';
import { demoTenantId } from '../simulator/tenant-model.js';
import { openApp } from './app.js';
import type { CommandIo } from './scan.command.js';

export interface ServeCommandOptions {
  config?: string;
  host?: string;
  port?: string;
}

export async function serveCommand(options: ServeCommandOptions, io: CommandIo): Promise<number> {
  const port = options.port === undefined ? undefined : Number(options.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    throw new PpmatError('PPMAT_E_CONFIG_INVALID', `"${options.port}" is not a port (0-65535).`, { where: '--port' });
  }
  const app = await openApp({ cwd: io.cwd, env: io.env, logToTerminal: Boolean(io.stderr.isTTY), logDestination: io.logDestination, defaultLogLevel: 'info', ...(options.config ? { configPath: options.config } : {}) });
  try {
    const api = { ...app.config.api, ...(options.host ? { host: options.host } : {}), ...(port !== undefined ? { port } : {}) };
    const deps = await apiFromApp(
      { ...app, config: { ...app.config, api } },
      { env: io.env, metrics: createMetrics(app.db.prisma), ...(app.config.tenants.length === 0 ? { demoTenantId: demoTenantId(app.config.demo.seed) } : {}) },
    );
    const http = await startHttpService(deps, io);
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) resolve();
      else io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await http.close();
    return EXIT.ok;
  } finally {
    await app.close();
  }
}
