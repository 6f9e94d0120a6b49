/** API tokens, managed by admins: list (never the secret), create (the secret shown once), revoke. Audited. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PpmatError } from '../../errors/catalogue.js';
import type { TokenRecord } from '../../store/token-repository.js';
import { principalOf } from '../access.js';
import type { ApiDeps } from '../api-deps.js';
import { errorResponses, iso, text } from '../schemas/common.js';
import { tokenInput, tokenRecord } from '../schemas/people.schemas.js';
import { actorOf } from '../audited-changes.js';

const DAY_MS = 86_400_000;

function toBody(record: TokenRecord): z.infer<typeof tokenRecord> {
  return { ...record, createdAt: iso(record.createdAt), expiresAt: iso(record.expiresAt), revokedAt: iso(record.revokedAt), lastUsedAt: iso(record.lastUsedAt) };
}

export function tokenRoutes(deps: ApiDeps): FastifyPluginAsync {
  return async (app) => {
    const api = app.withTypeProvider<ZodTypeProvider>();

    api.get('/tokens', {
      config: { access: 'admin' },
      schema: { tags: ['access'], summary: 'Every API token, revoked and expired ones included (never the secret).', response: { 200: z.object({ tokens: z.array(tokenRecord) }), ...errorResponses } },
    }, async (request) => {
      unlimitedAdmin(request);
      return { tokens: (await deps.tokens.list()).map(toBody) };
    });

    api.post('/tokens', {
      config: { access: 'admin' },
      schema: {
        tags: ['access'],
        summary: 'Creates an API token. The answer holds the token once: it is stored hashed and cannot be shown again. Audited.',
        body: tokenInput,
        response: { 201: z.object({ token: z.string(), record: tokenRecord }), ...errorResponses },
      },
    }, async (request, reply) => {
      const principal = unlimitedAdmin(request);
      const { name, role, tenants, expiresDays } = request.body;
      const created = await deps.changes.createToken(
        { name, role, tenants: tenants ?? null, expiresAt: expiresDays === undefined ? null : new Date(deps.clock().getTime() + expiresDays * DAY_MS) },
        actorOf(principal),
      );
      return reply.code(201).send({ token: created.token, record: toBody(created.record) });
    });

    api.delete('/tokens/:tokenId', {
      config: { access: 'admin' },
      schema: {
        tags: ['access'],
        summary: 'Revokes an API token at once. Audited.',
        params: z.object({ tokenId: text.min(1).max(64) }),
        response: { 200: z.object({ record: tokenRecord }), ...errorResponses },
      },
    }, async (request) => {
      const principal = unlimitedAdmin(request);
      return { record: toBody(await deps.changes.revokeToken(request.params.tokenId, actorOf(principal))) };
    });
  };
}

/** Tokens reach every tenant they name: only an admin of every tenant may manage them. */
function unlimitedAdmin(request: Parameters<typeof principalOf>[0]) {
  const principal = principalOf(request);
  if (principal.tenants !== null) throw new PpmatError('PPMAT_E_FORBIDDEN', `${principal.name} is limited to some tenants; only an admin of every tenant manages tokens.`);
  return principal;
}
