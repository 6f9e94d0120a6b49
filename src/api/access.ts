/**
 * Who may call what. Every route declares its access in its config (`anonymous`, or the least
 * role it needs); a route that forgets is treated as `admin`, so an omission closes rather than
 * opens. Credentials are an API token, an Entra ID access token, or the dashboard's session
 * cookie; a change made with a cookie must be a JSON request from the same origin (CSRF).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isPpmatError, PpmatError } from '../errors/catalogue.js';
import type { Authenticator } from './auth/authenticator.js';
import { SESSION_COOKIE } from './auth/signin.routes.js';
import { roleAllows, tenantAllowed, type Principal, type Role } from './auth/principal.js';
import type { RateLimiter } from './rate-limits.js';

export type Access = 'anonymous' | Role;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route: anonymous, or the least role (default admin). */
    access?: Access;
  }
  interface FastifyRequest {
    /** The signed-in caller; null on anonymous routes. */
    principal: Principal | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Checks every request to a route that is not anonymous: the client's address must not be
 * past the limit of refused credentials (checked first, so a blocked address costs no lookup),
 * the credentials must be valid (a refusal counts against the address), a change made with
 * the session cookie must come from this site, the caller is counted against its own limit,
 * and its role must reach the route's.
 */
export function installAccessControl(app: FastifyInstance, authenticator: Authenticator, limiter?: RateLimiter): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config.access ?? 'admin';
    if (access === 'anonymous' || request.routeOptions.url === undefined) return;
    limiter?.checkClient(request, reply);
    const authorization = request.headers.authorization;
    const sessionCookie = request.cookies[SESSION_COOKIE];
    let principal: Principal;
    try {
      principal = await authenticator.authenticate({
        ...(authorization !== undefined ? { authorization } : {}),
        ...(sessionCookie !== undefined ? { sessionCookie } : {}),
      });
    } catch (error) {
      // Only presented credentials count: a request without any guesses nothing.
      const presented = authorization !== undefined || (sessionCookie !== undefined && sessionCookie !== '');
      if (presented && isPpmatError(error) && error.code === 'PPMAT_E_UNAUTHENTICATED') limiter?.countFailure(request);
      throw error;
    }
    if (principal.kind === 'session' && !SAFE_METHODS.has(request.method)) checkSameOrigin(request);
    limiter?.countCaller(request, reply, principal);
    if (!roleAllows(principal.role, access)) {
      throw new PpmatError('PPMAT_E_FORBIDDEN', `${principal.name} has the role ${principal.role}; ${request.method} ${request.routeOptions.url} needs ${access}.`);
    }
    request.principal = principal;
  });
}

/** The caller, on a route that is not anonymous. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new PpmatError('PPMAT_E_UNAUTHENTICATED', 'this route needs credentials.');
  return request.principal;
}

/**
 * Refuses a caller limited to other tenants: 403, wherever the tenant comes from (a tenant
 * id in the path or query, the tenant of a scan or an alert named by id). The message does
 * not name the tenant, since with a scan or alert id it is not one the caller named.
 */
export function assertTenant(request: FastifyRequest, tenantId: string): Principal {
  const principal = principalOf(request);
  if (!tenantAllowed(principal, tenantId)) {
    throw new PpmatError('PPMAT_E_FORBIDDEN', `${principal.name} may not see or change this tenant's data: its access is limited to other tenants.`);
  }
  return principal;
}

/** The tenants the caller may see, or null for every tenant. */
export function tenantScope(request: FastifyRequest): string[] | null {
  return principalOf(request).tenants;
}

/**
 * A browser sends the session cookie with any request to this host, even one a hostile page
 * makes; such a page cannot send a JSON body or set Origin to ours. So a change made with the
 * cookie must be JSON (when it has a body) and, when the browser says where it comes from,
 * from this origin.
 */
function checkSameOrigin(request: FastifyRequest): void {
  const type = request.headers['content-type'];
  if (type !== undefined && !/^application\/json\b/i.test(type)) {
    throw new PpmatError('PPMAT_E_FORBIDDEN', 'a change made with the session cookie must send Content-Type: application/json.');
  }
  const origin = request.headers.origin;
  if (origin === undefined) return;
  const host = request.headers.host;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new PpmatError('PPMAT_E_FORBIDDEN', 'the Origin header is not a URL.');
  }
  // Compared as URLs see them: `localhost:80` and `http://localhost` are one origin.
  let requestHost: string;
  try {
    requestHost = new URL(`${new URL(origin).protocol}//${host ?? ''}`).host;
  } catch {
    requestHost = host ?? '';
  }
  if (originHost !== requestHost) throw new PpmatError('PPMAT_E_FORBIDDEN', `a change made with the session cookie must come from this site, not ${origin}.`);
}
