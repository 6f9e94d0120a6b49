/**
 * The dashboard: index.html at `/`, its files under `/assets/`, Chart.js under
 * `/assets/vendor/`. The files hold no data (every figure comes from the API with the
 * caller's credentials), so they are anonymous; a strict Content-Security-Policy allows
 * nothing but this origin.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import path from 'node:path';
import { chartJsFile, DASHBOARD_DIR } from '../../dashboard/assets.js';
import type { ApiDeps } from '../api-deps.js';

export const DASHBOARD_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const SECURITY_HEADERS = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export function dashboardRoutes(deps: Pick<ApiDeps, 'dashboardDir'>): FastifyPluginAsync {
  const root = deps.dashboardDir ?? DASHBOARD_DIR;
  return async (app) => {
    const setHeaders = (reply: FastifyReply) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) void reply.header(name, value);
    };
    await app.register(fastifyStatic, { root, prefix: '/assets/', decorateReply: true, index: false, setHeaders, allowedPath: (file) => file !== '/index.html' });
    await app.register(fastifyStatic, { root: path.dirname(chartJsFile()), prefix: '/assets/vendor/', decorateReply: false, index: false, setHeaders, allowedPath: (file) => file === '/chart.umd.min.js' });
    app.get('/', { config: { access: 'anonymous' }, schema: { hide: true } }, async (_request, reply) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) void reply.header(name, value);
      return reply.header('cache-control', 'no-cache').sendFile('index.html', root);
    });
  };
}
