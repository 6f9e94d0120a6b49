/** Who the caller is: the dashboard shows the name and role, and offers the attestation form to attesters. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { principalOf } from '../access.js';
import { errorResponses } from '../schemas/common.js';
import { principalBody } from '../schemas/people.schemas.js';

export function meRoutes(): FastifyPluginAsync {
  return async (app) => {
    app.withTypeProvider<ZodTypeProvider>().get('/me', {
      config: { access: 'viewer' },
      schema: { tags: ['access'], summary: 'The signed-in caller: name, role and the tenants it may see (null: every tenant).', response: { 200: principalBody, ...errorResponses } },
    }, async (request) => {
      const { kind, id, name, role, tenants } = principalOf(request);
      return { principal: { kind, id, name, role, tenants } };
    });
  };
}
