/**
 * Browser sessions after an Entra ID sign-in. The cookie holds 32 random bytes; the database
 * holds only their sha256, so reading the table does not let anyone take over a session.
 * A session carries the principal as it was at sign-in (role and all) until it expires.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { ROLES, type Principal } from '../api/auth/principal.js';

export interface SessionRepository {
  /** Starts a session; returns the cookie value (never stored). */
  create(principal: Principal, expiresAt: Date): Promise<string>;
  /** The session's principal (kind `session`), or null when there is none or it expired at `now`. */
  get(cookieValue: string, now: Date): Promise<Principal | null>;
  /** Ends the session (sign-out); nothing happens when there is none. */
  delete(cookieValue: string): Promise<void>;
  /** Removes sessions expired at `now`; how many. */
  purgeExpired(now: Date): Promise<number>;
}

export interface SessionRepositoryOptions {
  clock: () => Date;
}

const COOKIE_BYTES = 32;

/** The principal as stored: checked when read back, so a corrupt row is no session rather than a crash. */
const storedPrincipal = z.object({
  id: z.string().min(1),
  name: z.string(),
  role: z.enum(ROLES),
  tenants: z.array(z.string()).nullable(),
  /** How the session was opened (entra), for the record. */
  via: z.string().optional(),
});

export function createSessionRepository(prisma: PrismaClient | Prisma.TransactionClient, options: SessionRepositoryOptions): SessionRepository {
  return {
    async create(principal, expiresAt) {
      const cookieValue = randomBytes(COOKIE_BYTES).toString('base64url');
      const stored: z.infer<typeof storedPrincipal> = { id: principal.id, name: principal.name, role: principal.role, tenants: principal.tenants, via: principal.kind };
      await prisma.webSession.create({ data: { idHash: hashOf(cookieValue), principal: stored, createdAt: options.clock(), expiresAt } });
      return cookieValue;
    },

    async get(cookieValue, now) {
      if (cookieValue === '') return null;
      const row = await prisma.webSession.findUnique({ where: { idHash: hashOf(cookieValue) } });
      if (!row || row.expiresAt.getTime() <= now.getTime()) return null;
      const parsed = storedPrincipal.safeParse(row.principal);
      if (!parsed.success) return null;
      const { id, name, role, tenants } = parsed.data;
      return { kind: 'session', id, name, role, tenants };
    },

    async delete(cookieValue) {
      await prisma.webSession.deleteMany({ where: { idHash: hashOf(cookieValue) } });
    },

    async purgeExpired(now) {
      const { count } = await prisma.webSession.deleteMany({ where: { expiresAt: { lte: now } } });
      return count;
    },
  };
}

function hashOf(cookieValue: string): string {
  return createHash('sha256').update(cookieValue, 'utf8').digest('hex');
}
