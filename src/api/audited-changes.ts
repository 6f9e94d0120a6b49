/**
 * Every change the API or the CLI makes on someone's behalf, each with its audit event in
 * one transaction: the change is stored with its event or neither is, so nothing is lost
 * and nothing is unaudited. A request that changes nothing (an alert acknowledged before,
 * a token revoked before, targets reset when none were set) writes no event.
 */
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { PpmatError } from '../errors/catalogue.js';
import type { AreaTarget } from '../scoring/targets.js';
import { createAttestationRepository, type AttestationInput, type AttestationRecord } from '../store/attestation-repository.js';
import { createAuditRepository, type Actor, type AuditRepository } from '../store/audit-repository.js';
import { createTenantTargetsRepository, type ApiTargets } from '../store/tenant-targets-repository.js';
import { createTokenRepository, type NewToken, type TokenRecord } from '../store/token-repository.js';
import type { Principal } from './auth/principal.js';

export type { Actor } from '../store/audit-repository.js';

/** An attestation as the API receives it: by the caller, now, unless the CLI names the person (`--by`) and the date (`--at`). */
export type AttestInput = Omit<AttestationInput, 'attestedBy' | 'attestedAt'> & {
  /** Default: now. */
  attestedAt?: Date;
  /** Default: the actor's name. Only `ppmat attest --by` sets it; the API never does. */
  attestedBy?: string;
};

/** An alert after acknowledgement; `changed` is false when it had been acknowledged before (the first acknowledgement stands). */
export interface AcknowledgedAlert {
  id: number;
  tenantId: string;
  acknowledgedBy: string;
  acknowledgedAt: Date;
  changed: boolean;
}

export interface AuditedChanges {
  /** Records an attestation (validated as `ppmat attest` does); PPMAT_E_TENANT_UNKNOWN when the tenant is not stored. */
  attest(input: AttestInput, actor: Actor): Promise<AttestationRecord>;
  /**
   * Acknowledges an alert; PPMAT_E_ALERT_UNKNOWN when there is none, PPMAT_E_FORBIDDEN when it is
   * an alert of a tenant outside `tenantScope` (null: every tenant), as every route answers for
   * another tenant's data (api/access.ts `assertTenant`).
   */
  acknowledgeAlert(alertId: number, tenantScope: string[] | null, actor: Actor): Promise<AcknowledgedAlert>;
  /** Sets the tenant's targets, overriding ppmat.yaml's; PPMAT_E_REQUEST_INVALID for a bad list, PPMAT_E_TENANT_UNKNOWN when the tenant is not stored. */
  setTargets(tenantId: string, targets: AreaTarget[], actor: Actor): Promise<ApiTargets>;
  /** Back to ppmat.yaml's targets; whether API-set targets were removed. */
  resetTargets(tenantId: string, actor: Actor): Promise<boolean>;
  /** Creates an API token; the plaintext `token` is returned once and never stored or audited. */
  createToken(input: Omit<NewToken, 'createdBy'>, actor: Actor): Promise<{ token: string; record: TokenRecord }>;
  /** Revokes a token; PPMAT_E_TOKEN_UNKNOWN when there is none. */
  revokeToken(id: string, actor: Actor): Promise<TokenRecord>;
}

export interface AuditedChangesOptions {
  clock: () => Date;
  /** Where events go; default: the audit log in `prisma` (tests pass one that fails). */
  audit?: AuditRepository;
}

/** The actor of a change made by an API caller. */
export function actorOf(principal: Principal): Actor {
  return { kind: principal.kind, id: principal.id, name: principal.name };
}

export function createAuditedChanges(prisma: PrismaClient, options: AuditedChangesOptions): AuditedChanges {
  const { clock } = options;
  const audit = options.audit ?? createAuditRepository(prisma, { clock });
  const inTransaction = <T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> => prisma.$transaction(work);

  return {
    attest(input, actor) {
      return inTransaction(async (tx) => {
        await requireTenant(tx, input.tenantId);
        const { attestedBy, attestedAt, ...rest } = input;
        const record = await createAttestationRepository(tx, { clock }).record({ ...rest, attestedBy: attestedBy ?? actor.name, attestedAt: attestedAt ?? clock() });
        await audit.record(
          {
            actor,
            action: 'attestation.create',
            tenantId: record.tenantId,
            target: `attestation:${record.id}`,
            details: {
              capabilityId: record.capabilityId,
              outcome: record.outcome,
              statement: record.statement,
              evidenceUrl: record.evidenceUrl,
              attestedBy: record.attestedBy,
              attestedAt: record.attestedAt.toISOString(),
              expiresAt: record.expiresAt.toISOString(),
            },
          },
          tx,
        );
        return record;
      });
    },

    acknowledgeAlert(alertId, tenantScope, actor) {
      return inTransaction(async (tx) => {
        const alert = await tx.alert.findUnique({ where: { id: alertId }, select: { id: true, tenantId: true, acknowledgedBy: true, acknowledgedAt: true } });
        if (!alert) throw new PpmatError('PPMAT_E_ALERT_UNKNOWN', `there is no alert #${alertId}.`);
        if (tenantScope !== null && !tenantScope.includes(alert.tenantId)) {
          throw new PpmatError('PPMAT_E_FORBIDDEN', `${actor.name} may not see or change this tenant's data: its access is limited to other tenants.`);
        }
        if (alert.acknowledgedAt && alert.acknowledgedBy) {
          return { id: alert.id, tenantId: alert.tenantId, acknowledgedBy: alert.acknowledgedBy, acknowledgedAt: alert.acknowledgedAt, changed: false };
        }
        const now = clock();
        await tx.alert.update({ where: { id: alertId }, data: { acknowledgedBy: actor.name, acknowledgedAt: now } });
        await audit.record({ actor, action: 'alert.acknowledge', tenantId: alert.tenantId, target: `alert:${alert.id}`, details: {}, at: now }, tx);
        return { id: alert.id, tenantId: alert.tenantId, acknowledgedBy: actor.name, acknowledgedAt: now, changed: true };
      });
    },

    setTargets(tenantId, targets, actor) {
      return inTransaction(async (tx) => {
        const repo = createTenantTargetsRepository(tx);
        const previous = await repo.get(tenantId);
        const now = clock();
        const set = await repo.set(tenantId, targets, actor.name, now);
        await audit.record(
          { actor, action: 'tenant.targets.set', tenantId, target: `tenant:${tenantId}`, details: { targets: set.targets, previous: previous?.targets ?? null }, at: now },
          tx,
        );
        return set;
      });
    },

    resetTargets(tenantId, actor) {
      return inTransaction(async (tx) => {
        const repo = createTenantTargetsRepository(tx);
        const previous = await repo.get(tenantId);
        const removed = await repo.reset(tenantId);
        if (removed) {
          await audit.record({ actor, action: 'tenant.targets.reset', tenantId, target: `tenant:${tenantId}`, details: { previous: previous?.targets ?? null } }, tx);
        }
        return removed;
      });
    },

    createToken(input, actor) {
      return inTransaction(async (tx) => {
        const created = await createTokenRepository(tx, { clock }).create({ ...input, createdBy: actor.name });
        const { record } = created;
        await audit.record(
          {
            actor,
            action: 'token.create',
            target: `token:${record.id}`,
            details: { name: record.name, role: record.role, tenants: record.tenants, expiresAt: record.expiresAt?.toISOString() ?? null },
            at: record.createdAt,
          },
          tx,
        );
        return created;
      });
    },

    revokeToken(id, actor) {
      return inTransaction(async (tx) => {
        const before = await tx.apiToken.findUnique({ where: { id }, select: { revokedAt: true } });
        const record = await createTokenRepository(tx, { clock }).revoke(id, actor.name);
        if (before && before.revokedAt === null) {
          await audit.record({ actor, action: 'token.revoke', target: `token:${record.id}`, details: { name: record.name, role: record.role }, at: record.revokedAt ?? clock() }, tx);
        }
        return record;
      });
    },
  };
}

async function requireTenant(tx: Prisma.TransactionClient, tenantId: string): Promise<void> {
  const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { id: true } });
  if (!tenant) throw new PpmatError('PPMAT_E_TENANT_UNKNOWN', `no tenant "${tenantId}" is stored.`);
}
