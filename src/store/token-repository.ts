/**
 * API tokens: `ppmat_<id>_<secret>`. The id is public (it names the token in lists, logs and
 * the audit log); the secret is 32 random bytes shown once at creation. Only the sha256 of
 * the secret is stored, so a copy of the database holds no usable token, and verification
 * compares hashes in constant time, so response times reveal neither the hash nor whether
 * an id exists.
 *
 * Pass a Prisma transaction client to write a token in the same transaction as its audit
 * event (see api/audited-changes.ts).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { PpmatError } from '../errors/catalogue.js';
import type { Role } from '../api/auth/principal.js';

/** A token as lists show it: everything but the secret and its hash. */
export interface TokenRecord {
  id: string;
  name: string;
  role: Role;
  /** The tenants it may see; null: every tenant. */
  tenants: string[] | null;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
  lastUsedAt: Date | null;
}

export interface NewToken {
  name: string;
  role: Role;
  /** Empty or null: every tenant. */
  tenants: string[] | null;
  expiresAt: Date | null;
  createdBy: string;
}

export type TokenCheck = { ok: true; record: TokenRecord } | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'expired' };

export interface TokenRepository {
  /** Creates a token; `token` is the plaintext, which is never stored: show it once. */
  create(input: NewToken): Promise<{ token: string; record: TokenRecord }>;
  /** Every token, revoked and expired ones included, newest first. */
  list(): Promise<TokenRecord[]>;
  /** Revokes the token (a second revocation keeps the first's time and author); PPMAT_E_TOKEN_UNKNOWN when there is none. */
  revoke(id: string, by: string): Promise<TokenRecord>;
  /** Checks a presented token; records when it was last used (at most once a minute). */
  verify(token: string): Promise<TokenCheck>;
}

export interface TokenRepositoryOptions {
  clock: () => Date;
  /** The comparison of hashes; `crypto.timingSafeEqual` (replaced only by tests, to watch it). */
  compare?: (a: Buffer, b: Buffer) => boolean;
}

const TOKEN_PREFIX = 'ppmat_';
const TOKEN_PATTERN = /^ppmat_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
/** 6 random bytes: 12 hex characters, enough to never collide among a deployment's tokens. */
const ID_BYTES = 6;
const SECRET_BYTES = 32;
const LAST_USED_EVERY_MS = 60_000;
/** Compared against when the id is unknown, so an unknown id costs what a wrong secret costs. */
const DUMMY_HASH = sha256Hex('ppmat: no token has this id');

/** Whether the string looks like a ppmat API token (rather than a JWT), without checking it. */
export function isApiToken(value: string): boolean {
  return value.startsWith(TOKEN_PREFIX);
}

export function createTokenRepository(prisma: PrismaClient | Prisma.TransactionClient, options: TokenRepositoryOptions): TokenRepository {
  const { clock } = options;
  const compare = options.compare ?? timingSafeEqual;
  return {
    async create(input) {
      if (input.name.trim() === '') throw new PpmatError('PPMAT_E_REQUEST_INVALID', 'the token name is empty; name it after who or what uses it.', { where: 'name' });
      if (input.expiresAt && input.expiresAt.getTime() <= clock().getTime()) {
        throw new PpmatError('PPMAT_E_REQUEST_INVALID', `the expiry ${input.expiresAt.toISOString()} is not in the future.`, { where: 'expiresAt' });
      }
      const id = randomBytes(ID_BYTES).toString('hex');
      const secret = randomBytes(SECRET_BYTES).toString('base64url');
      const row = await prisma.apiToken.create({
        data: {
          id,
          name: input.name.trim(),
          role: input.role,
          tenants: input.tenants ?? [],
          secretHash: sha256Hex(secret),
          createdBy: input.createdBy,
          createdAt: clock(),
          expiresAt: input.expiresAt,
        },
      });
      return { token: `${TOKEN_PREFIX}${id}_${secret}`, record: toRecord(row) };
    },

    async list() {
      const rows = await prisma.apiToken.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] });
      return rows.map(toRecord);
    },

    async revoke(id, by) {
      const now = clock();
      await prisma.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now, revokedBy: by } });
      const row = await prisma.apiToken.findUnique({ where: { id } });
      if (!row) throw new PpmatError('PPMAT_E_TOKEN_UNKNOWN', `no API token has the id "${id}"; \`ppmat tokens list\` shows them.`);
      return toRecord(row);
    },

    async verify(token) {
      const match = TOKEN_PATTERN.exec(token);
      if (!match) return { ok: false, reason: 'malformed' };
      const [, id, secret] = match as unknown as [string, string, string];
      const row = await prisma.apiToken.findUnique({ where: { id } });
      const presented = Buffer.from(sha256Hex(secret), 'hex');
      const stored = Buffer.from(row?.secretHash ?? DUMMY_HASH, 'hex');
      // Both are 32 bytes (a stored hash of another length would be corruption: it fails closed).
      const same = stored.length === presented.length && compare(presented, stored);
      if (!row || !same) return { ok: false, reason: 'unknown' };
      const now = clock();
      if (row.revokedAt) return { ok: false, reason: 'revoked' };
      if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
      let lastUsedAt = row.lastUsedAt;
      if (!lastUsedAt || now.getTime() - lastUsedAt.getTime() >= LAST_USED_EVERY_MS) {
        await prisma.apiToken.update({ where: { id }, data: { lastUsedAt: now } });
        lastUsedAt = now;
      }
      return { ok: true, record: toRecord({ ...row, lastUsedAt }) };
    },
  };
}

function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

interface TokenRow {
  id: string;
  name: string;
  role: Role;
  tenants: string[];
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
  lastUsedAt: Date | null;
}

function toRecord(row: TokenRow): TokenRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    tenants: row.tenants.length === 0 ? null : [...row.tenants],
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    revokedBy: row.revokedBy,
    lastUsedAt: row.lastUsedAt,
  };
}
