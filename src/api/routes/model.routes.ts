/** The maturity model the rules judge: areas, levels and every capability statement. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LEVELS } from '../../scoring/types.js';
import type { ApiDeps } from '../api-deps.js';
import { errorResponses } from '../schemas/common.js';
import { modelBody } from '../schemas/model.schemas.js';

export function modelRoutes(deps: ApiDeps): FastifyPluginAsync {
  const body: z.infer<typeof modelBody> = {
    ruleSetVersion: deps.ruleSet.version,
    areas: deps.ruleSet.areas.map((a) => ({ id: a.id, name: a.name })),
    levels: [...LEVELS],
    capabilities: deps.ruleSet.catalogue.map((c) => ({
      id: c.id,
      area: c.area,
      level: c.level,
      statement: c.statement,
      assessment: c.assessment,
      floor: c.floor === true,
      custom: c.custom === true,
    })),
  };
  return async (app) => {
    app.withTypeProvider<ZodTypeProvider>().get('/model', {
      config: { access: 'viewer' },
      schema: { tags: ['model'], summary: 'The areas, levels and capability statements of the maturity model.', response: { 200: modelBody, ...errorResponses } },
    }, async () => body);
  };
}
