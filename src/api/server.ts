/**
 * The HTTP server: the API under /api (schemas declared once with zod, published as OpenAPI 3
 * at /openapi.json with a browsable page at /docs), health and metrics, the Entra ID sign-in,
 * and the dashboard at /. Built from injected dependencies; tests use `inject()`.
 */
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { installAccessControl, type Access } from './access.js';
import type { ApiDeps } from './api-deps.js';
import { registerSignInRoutes } from './auth/signin.routes.js';
import { errorBody, installErrorHandling } from './error-handler.js';
import { createRateLimiter, installSignInLimit, resolveRateLimits } from './rate-limits.js';
import { alertRoutes } from './routes/alerts.routes.js';
import { attestationRoutes } from './routes/attestations.routes.js';
import { auditRoutes } from './routes/audit.routes.js';
import { capabilityRoutes } from './routes/capabilities.routes.js';
import { dashboardRoutes } from './routes/dashboard.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { historyRoutes } from './routes/history.routes.js';
import { meRoutes } from './routes/me.routes.js';
import { modelRoutes } from './routes/model.routes.js';
import { scanRoutes } from './routes/scans.routes.js';
import { tenantRoutes } from './routes/tenants.routes.js';
import { tokenRoutes } from './routes/tokens.routes.js';

/** Request bodies are small JSON objects (an attestation, a target list): 64 KiB is plenty. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export async function buildServer(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    // Ids and paths are short; a longer parameter is an attack or a mistake.
    routerOptions: { maxParamLength: 300 },
    // One line per request would drown the scan logs; /metrics counts requests instead.
    logController: new LogController({ disableRequestLogging: true }),
    // The request id is ours, not the caller's.
    requestIdHeader: false,
    trustProxy: false,
    // Errors of the router itself (a bad URL encoding, a parameter too long): the same JSON shape.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      void reply.code(error.statusCode ?? 400).type('application/json').send(errorBody('PPMAT_E_REQUEST_INVALID', error.code === 'FST_ERR_MAX_PARAM_LENGTH' || error.statusCode === 414 ? 'The URL is too long.' : 'The URL is not valid.'));
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  app.addHook('onResponse', async (request, reply) => {
    deps.metrics.observeHttp({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode, seconds: reply.elapsedTime / 1000 });
  });

  // Static pages (the API's own docs) are anonymous; every other route must say who may call it.
  app.addHook('onRoute', (route) => {
    // The API's docs and the dashboard's static files hold no data (that comes from /api with credentials).
    if (route.url.startsWith('/docs') || route.url.startsWith('/assets/')) route.config = { ...route.config, access: 'anonymous' };
  });
  await app.register(fastifyCookie);
  const limiter = createRateLimiter(resolveRateLimits(deps.rateLimits), () => deps.clock().getTime());
  installSignInLimit(app, limiter);
  installAccessControl(app, deps.authenticator, limiter);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ppmat API',
        description:
          'Evidence-backed Power Platform adoption maturity: tenants, scans, levels, capabilities with their evidence, trends, roadmap, attestations and alerts. ' +
          'Send an API token (`ppmat tokens create`) or a Microsoft Entra ID access token as `Authorization: Bearer ...`.',
        version: '1',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    // Each operation says the least role it needs (`x-ppmat-access`), as its route config does.
    transform: (input) => {
      const transformed = jsonSchemaTransform(input);
      const access: Access = input.route.config?.access ?? 'admin';
      return { ...transformed, schema: { ...transformed.schema, 'x-ppmat-access': access } };
    },
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { config: { access: 'anonymous' }, schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes(deps));
  await app.register(meRoutes(), { prefix: '/api' });
  await app.register(modelRoutes(deps), { prefix: '/api' });
  await app.register(tenantRoutes(deps), { prefix: '/api' });
  await app.register(scanRoutes(deps), { prefix: '/api' });
  await app.register(capabilityRoutes(deps), { prefix: '/api' });
  await app.register(historyRoutes(deps), { prefix: '/api' });
  await app.register(attestationRoutes(deps), { prefix: '/api' });
  await app.register(alertRoutes(deps), { prefix: '/api' });
  await app.register(auditRoutes(deps), { prefix: '/api' });
  await app.register(tokenRoutes(deps), { prefix: '/api' });
  registerSignInRoutes(app, {
    entra: deps.entra?.config,
    clientSecret: deps.entra?.clientSecret,
    verifier: deps.entra?.verifier,
    sessions: deps.sessions,
    audit: deps.audit,
    sessionHours: deps.api.auth.sessionHours,
    clock: deps.clock,
    ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}),
  });
  await app.register(dashboardRoutes(deps));
  return app;
}
