/** Liveness, readiness and Prometheus metrics: the only anonymous routes besides the docs and the dashboard's files. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from '../api-deps.js';

/** A database that does not answer within this is not ready. */
export const READINESS_TIMEOUT_MS = 2_000;

export function healthRoutes(deps: ApiDeps): FastifyPluginAsync {
  return async (app) => {
    const api = app.withTypeProvider<ZodTypeProvider>();
    api.get('/healthz', {
      config: { access: 'anonymous' },
      schema: { tags: ['health'], summary: 'The process answers.', security: [], response: { 200: z.object({ status: z.literal('ok') }) } },
    }, async () => ({ status: 'ok' as const }));

    api.get('/readyz', {
      config: { access: 'anonymous' },
      schema: {
        tags: ['health'],
        summary: 'The database answers: the process can serve requests.',
        security: [],
        response: { 200: z.object({ status: z.literal('ready'), database: z.literal('ok') }), 503: z.object({ status: z.literal('not ready'), database: z.string() }) },
      },
    }, async (_request, reply) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          deps.prisma.$queryRaw`SELECT 1`,
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${READINESS_TIMEOUT_MS} ms`)), READINESS_TIMEOUT_MS))),
        ]);
        return { status: 'ready' as const, database: 'ok' as const };
      } catch (error) {
        deps.log.warn({ err: error }, 'readiness: the database did not answer');
        return reply.code(503).send({ status: 'not ready' as const, database: error instanceof Error ? error.message.split('\n')[0]!.slice(0, 200) : 'unavailable' });
      } finally {
        clearTimeout(timer);
      }
    });

    app.get('/metrics', { config: { access: 'anonymous' }, schema: { tags: ['health'], summary: 'Prometheus metrics (text exposition format).', security: [] } }, async (_request, reply) => {
      const text = await deps.metrics.registry.metrics();
      return reply.type(deps.metrics.registry.contentType).send(text);
    });
  };
}
