/** What people do through the API: attestations, alert acknowledgements, tokens, and the audit log of it all. */
import { z } from 'zod';
import { isoDate, STORABLE, tenantIdField, text } from './common.js';

export const role = z.enum(['viewer', 'attester', 'admin']);

export const principalBody = z.object({
  principal: z.object({ kind: z.enum(['token', 'entra', 'session']), id: z.string(), name: z.string(), role, tenants: z.array(z.string()).nullable() }),
});

export const attestationRecord = z
  .object({
    id: z.number(),
    tenantId: z.string(),
    capabilityId: z.string(),
    outcome: z.enum(['met', 'not_met']),
    statement: z.string(),
    evidenceUrl: z.string().nullable(),
    attestedBy: z.string(),
    attestedAt: isoDate,
    expiresAt: isoDate,
    createdAt: isoDate,
  })
  .meta({ id: 'Attestation' });

export const attestationInput = z
  .strictObject({
    capabilityId: text.min(1).max(200),
    outcome: z.enum(['met', 'not_met']),
    statement: text.trim().min(1, 'say why: what you saw or know').max(4000),
    evidenceUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) link' }).max(2000).refine(...STORABLE).optional(),
    expiresAt: z.iso.date().or(z.iso.datetime({ offset: true })).optional().describe('Default: 12 months from now.'),
  })
  .describe('An attestation to record.');

export const alertView = z
  .object({
    id: z.number(),
    tenantId: z.string(),
    tenantName: z.string(),
    key: z.string(),
    kind: z.string(),
    severity: z.enum(['info', 'warning', 'critical']),
    status: z.enum(['open', 'resolved']),
    title: z.string(),
    summary: z.string(),
    openedAt: isoDate,
    openedScanId: z.number(),
    lastScanId: z.number(),
    resolvedAt: isoDate.nullable(),
    resolvedScanId: z.number().nullable(),
    acknowledgedBy: z.string().nullable(),
    acknowledgedAt: isoDate.nullable(),
    messages: z.array(z.object({ id: z.number(), channel: z.string(), kind: z.string(), status: z.string(), attempts: z.number(), deliveredAt: isoDate.nullable(), lastError: z.string().nullable() })),
  })
  .meta({ id: 'Alert' });

export const auditEvent = z
  .object({
    id: z.number(),
    at: isoDate,
    actor: z.string(),
    actorKind: z.string(),
    action: z.string(),
    tenantId: z.string().nullable(),
    target: z.string(),
    details: z.unknown(),
  })
  .meta({ id: 'AuditEvent' });

export const tokenRecord = z
  .object({
    id: z.string(),
    name: z.string(),
    role,
    tenants: z.array(z.string()).nullable(),
    createdBy: z.string(),
    createdAt: isoDate,
    expiresAt: isoDate.nullable(),
    revokedAt: isoDate.nullable(),
    revokedBy: z.string().nullable(),
    lastUsedAt: isoDate.nullable(),
  })
  .meta({ id: 'Token' });

export const tokenInput = z.strictObject({
  name: text.trim().min(1).max(100),
  role,
  tenants: z.array(tenantIdField).min(1, 'name at least one tenant, or leave tenants out for every tenant').max(1000).optional().describe('The tenants it may see; every tenant when absent.'),
  expiresDays: z.number().int().min(1).max(3650).optional().describe('Default: never expires (revoke it instead).'),
});
