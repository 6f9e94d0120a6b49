/**
 * The audit log: who changed what, when. Events are only added. `record` takes the
 * transaction of the change it describes, so a change is never stored without its event
 * nor an event without its change (see api/audited-changes.ts).
 */
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';

/** How the actor authenticated: an API token, an Entra ID bearer token, a browser session, or the command line. */
export type ActorKind = 'token' | 'entra' | 'session' | 'cli';

/** Who makes a change. */
export interface Actor {
  kind: ActorKind;
  /** Stable: the token id, the Entra object id, or the operating-system user. */
  id: string;
  /** For people: the token's name, the sign-in name, or `cli:<user>`. */
  name: string;
}

export type AuditAction =
  | 'attestation.create'
  | 'alert.acknowledge'
  | 'tenant.targets.set'
  | 'tenant.targets.reset'
  | 'token.create'
  | 'token.revoke'
  | 'scan.start'
  | 'session.signin'
  | 'session.signout';

export interface AuditEvent {
  id: number;
  at: Date;
  /** The actor's name. */
  actor: string;
  actorKind: ActorKind;
  action: string;
  tenantId: string | null;
  /** What was changed: `attestation:12`, `alert:4`, `token:1a2b3c4d5e6f`, `tenant:<id>`. */
  target: string;
  /** What the change was, plus `actorId` (the actor's stable id). */
  details: Record<string, unknown>;
}

export interface NewAuditEvent {
  actor: Actor;
  action: AuditAction;
  tenantId?: string | null;
  target: string;
  details?: Record<string, unknown>;
  /** Default: the repository's clock. */
  at?: Date;
}

export interface AuditListQuery {
  /** At most this many (1-1000). */
  limit: number;
  /** Only events with a smaller id (the next page). */
  before?: number;
  tenantId?: string;
}

export interface AuditRepository {
  /** Records an event, in `tx` when given (the change's transaction). */
  record(event: NewAuditEvent, tx?: Prisma.TransactionClient): Promise<AuditEvent>;
  /** Events newest first. */
  list(query: AuditListQuery): Promise<AuditEvent[]>;
}

export interface AuditRepositoryOptions {
  clock: () => Date;
}

const MAX_LIMIT = 1000;

export function createAuditRepository(prisma: PrismaClient | Prisma.TransactionClient, options: AuditRepositoryOptions): AuditRepository {
  return {
    async record(event, tx) {
      const row = await (tx ?? prisma).auditEvent.create({
        data: {
          at: event.at ?? options.clock(),
          actor: event.actor.name,
          actorKind: event.actor.kind,
          action: event.action,
          tenantId: event.tenantId ?? null,
          target: event.target,
          details: { ...event.details, actorId: event.actor.id } as Prisma.InputJsonObject,
        },
      });
      return toEvent(row);
    },

    async list(query) {
      const rows = await prisma.auditEvent.findMany({
        where: {
          ...(query.before === undefined ? {} : { id: { lt: query.before } }),
          ...(query.tenantId === undefined ? {} : { tenantId: query.tenantId }),
        },
        orderBy: { id: 'desc' },
        take: Math.max(1, Math.min(MAX_LIMIT, Math.trunc(query.limit))),
      });
      return rows.map(toEvent);
    },
  };
}

function toEvent(row: { id: number; at: Date; actor: string; actorKind: string; action: string; tenantId: string | null; target: string; details: Prisma.JsonValue }): AuditEvent {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    actorKind: row.actorKind as ActorKind,
    action: row.action,
    tenantId: row.tenantId,
    target: row.target,
    details: (row.details ?? {}) as Record<string, unknown>,
  };
}
