/**
 * Serves the API and dashboard on `api.host:api.port` (loopback unless told otherwise) and
 * says where. On a terminal it also creates a short-lived admin token and prints the
 * dashboard link with it, like Jupyter, so a first run is usable at once; elsewhere (a
 * container's captured output) no token is printed, and `ppmat tokens create` makes one.
 */
import type { FastifyInstance } from 'fastify';
import { PpmatError } from '../errors/catalogue.js';
import type { ApiDeps } from './api-deps.js';
import { buildServer } from './server.js';

/** How long the launch link's token lasts. */
export const LAUNCH_TOKEN_HOURS = 12;

export interface HttpService {
  url: string;
  /** The line that says where the dashboard is (with the launch link on a terminal). */
  banner: string;
  server: FastifyInstance;
  close(): Promise<void>;
}

export interface HttpServiceIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
}

export async function startHttpService(deps: ApiDeps, io: HttpServiceIo): Promise<HttpService> {
  const server = await buildServer(deps);
  const { host, port } = deps.api;
  try {
    await server.listen({ host, port });
  } catch (error) {
    await server.close();
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? `port ${port} is in use (set api.port, or stop the other process)` : code === 'EADDRNOTAVAIL' ? `${host} is not an address of this machine` : (error as Error).message;
    throw new PpmatError('PPMAT_E_HTTP_LISTEN', `cannot listen on ${host}:${port}: ${why}.`, { where: 'api', cause: error });
  }
  const address = server.server.address();
  const info = address !== null && typeof address === 'object' ? address : null;
  const shownHost = info ? (info.family === 'IPv6' ? `[${info.address}]` : info.address) : host;
  const url = `http://${shownHost}:${info?.port ?? port}`;
  deps.log.info({ url }, 'HTTP API and dashboard listening');
  let banner: string;
  if (deps.api.auth.launchToken && io.stdout.isTTY) {
    const { token } = await deps.changes.createToken(
      { name: `launch link (ppmat start, pid ${process.pid})`, role: 'admin', tenants: null, expiresAt: new Date(deps.clock().getTime() + LAUNCH_TOKEN_HOURS * 3_600_000) },
      { kind: 'cli', id: 'ppmat start', name: 'ppmat start' },
    );
    banner = `Dashboard: ${url}/#token=${token}\n  (the link signs you in as an admin for ${LAUNCH_TOKEN_HOURS} hours; API docs at ${url}/docs)\n`;
  } else {
    banner = `Dashboard: ${url}/  (sign in with a token from \`ppmat tokens create --name <you> --role admin\`; API docs at ${url}/docs)\n`;
  }
  io.stdout.write(banner);
  return { url, banner, server, close: () => server.close() };
}
