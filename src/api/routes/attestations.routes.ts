/** Attestations: what is in force per statement, the history, and a new one recorded by the signed-in attester (audited). */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { attestableCapability } from '../../cli/attestations.js';
import type { AttestationRecord } from '../../store/attestation-repository.js';
import { assertTenant } from '../access.js';
import type { ApiDeps } from '../api-deps.js';
import { errorResponses, iso, tenantIdParam, text } from '../schemas/common.js';
import { attestationInput, attestationRecord } from '../schemas/people.schemas.js';
import { actorOf } from '../audited-changes.js';
import { tenantSummary } from '../views/tenant-summary.js';

function toBody(record: AttestationRecord): z.infer<typeof attestationRecord> {
  return { ...record, attestedAt: iso(record.attestedAt), expiresAt: iso(record.expiresAt), createdAt: iso(record.createdAt) };
}

export function attestationRoutes(deps: ApiDeps): FastifyPluginAsync {
  return async (app) => {
    const api = app.withTypeProvider<ZodTypeProvider>();

    api.get('/tenants/:tenantId/attestations', {
      config: { access: 'viewer' },
      schema: {
        tags: ['attestations'],
        summary: 'The attestation in force per statement (expired ones included, so they can be renewed).',
        params: tenantIdParam,
        response: { 200: z.object({ attestations: z.array(attestationRecord) }), ...errorResponses },
      },
    }, async (request) => {
      assertTenant(request, request.params.tenantId);
      await tenantSummary(deps, request.params.tenantId);
      return { attestations: (await deps.attestations.inForce(request.params.tenantId, deps.clock())).map(toBody) };
    });

    api.get('/tenants/:tenantId/attestations/history', {
      config: { access: 'viewer' },
      schema: {
        tags: ['attestations'],
        summary: 'Every attestation recorded for the tenant (or one statement), newest first.',
        params: tenantIdParam,
        querystring: z.strictObject({ capabilityId: text.min(1).max(200).optional() }),
        response: { 200: z.object({ attestations: z.array(attestationRecord) }), ...errorResponses },
      },
    }, async (request) => {
      assertTenant(request, request.params.tenantId);
      await tenantSummary(deps, request.params.tenantId);
      return { attestations: (await deps.attestations.history(request.params.tenantId, request.query.capabilityId)).map(toBody) };
    });

    api.post('/tenants/:tenantId/attestations', {
      config: { access: 'attester' },
      schema: {
        tags: ['attestations'],
        summary: 'Records that a statement is in place (met) or not, why, on what evidence, until when; by the signed-in identity. Counts from the next scan. Audited.',
        params: tenantIdParam,
        body: attestationInput,
        response: { 201: z.object({ attestation: attestationRecord }), ...errorResponses },
      },
    }, async (request, reply) => {
      const principal = assertTenant(request, request.params.tenantId);
      await tenantSummary(deps, request.params.tenantId);
      const capability = attestableCapability(deps.ruleSet, request.body.capabilityId, 'body.capabilityId');
      const { expiresAt, evidenceUrl, outcome, statement } = request.body;
      const record = await deps.changes.attest(
        {
          tenantId: request.params.tenantId,
          capabilityId: capability.id,
          outcome,
          statement,
          ...(evidenceUrl !== undefined ? { evidenceUrl } : {}),
          ...(expiresAt !== undefined ? { expiresAt: new Date(expiresAt) } : {}),
        },
        actorOf(principal),
      );
      return reply.code(201).send({ attestation: toBody(record) });
    });
  };
}
