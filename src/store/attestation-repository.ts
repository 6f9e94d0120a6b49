/**
 * Attestations with their full history. A record is never changed or removed (this
 * interface has no update and no delete): a person who changes their mind, renews an
 * attestation or corrects a mistake records a new one, and the latest record per
 * (tenant, capability) is the one in force.
 */
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { PpmatError } from '../errors/catalogue.js';
import type { Attestation } from '../scoring/types.js';

export type AttestationOutcome = 'met' | 'not_met';

/** What a person states, as `ppmat attest` or the API receives it. */
export interface AttestationInput {
  tenantId: string;
  capabilityId: string;
  outcome: AttestationOutcome;
  /** Why: what the person saw or knows, in their words. */
  statement: string;
  /** An http(s) link to the evidence (a document, a ticket). */
  evidenceUrl?: string;
  /** A name or an email address. */
  attestedBy: string;
  attestedAt: Date;
  /** Default: 12 months after `attestedAt` ({@link defaultExpiry}). */
  expiresAt?: Date;
}

export interface AttestationRecord {
  id: number;
  tenantId: string;
  capabilityId: string;
  outcome: AttestationOutcome;
  statement: string;
  evidenceUrl: string | null;
  attestedBy: string;
  attestedAt: Date;
  expiresAt: Date;
  /** When it was recorded: orders the history (an attestation may be dated in the past). */
  createdAt: Date;
}

export interface AttestationRepository {
  /** Records one attestation; refuses an empty statement or author, a bad link, a date in the future or an expiry not after the date. */
  record(input: AttestationInput): Promise<AttestationRecord>;
  /**
   * The latest record per capability among those recorded by `at`, expired ones included
   * (so a scan can say "expired on …" instead of just "awaiting attestation"), by capability id.
   */
  inForce(tenantId: string, at: Date): Promise<AttestationRecord[]>;
  /** Every record of the tenant (or of one capability), newest first. */
  history(tenantId: string, capabilityId?: string): Promise<AttestationRecord[]>;
}

export interface AttestationRepositoryOptions {
  /** When a record is made (its `createdAt`) and what "in the future" means. */
  clock?: () => Date;
}

/** How long an attestation counts when the person gives no expiry: the model's yearly review. */
export const DEFAULT_VALIDITY_MONTHS = 12;

/** `attestedAt` plus {@link DEFAULT_VALIDITY_MONTHS} calendar months (UTC). */
export function defaultExpiry(attestedAt: Date): Date {
  const expires = new Date(attestedAt.getTime());
  expires.setUTCMonth(expires.getUTCMonth() + DEFAULT_VALIDITY_MONTHS);
  return expires;
}

/** `prisma` may be a transaction client, so an attestation is recorded with its audit event (api/audited-changes.ts). */
export function createAttestationRepository(prisma: PrismaClient | Prisma.TransactionClient, options: AttestationRepositoryOptions = {}): AttestationRepository {
  const clock = options.clock ?? (() => new Date());
  return {
    async record(input) {
      const now = clock();
      const expiresAt = input.expiresAt ?? defaultExpiry(input.attestedAt);
      validate(input, expiresAt, now);
      return prisma.attestation.create({
        data: {
          tenantId: input.tenantId,
          capabilityId: input.capabilityId,
          outcome: input.outcome,
          statement: input.statement.trim(),
          evidenceUrl: input.evidenceUrl ?? null,
          attestedBy: input.attestedBy.trim(),
          attestedAt: input.attestedAt,
          expiresAt,
          createdAt: now,
        },
      });
    },

    async inForce(tenantId, at) {
      const rows = await prisma.attestation.findMany({
        where: { tenantId, createdAt: { lte: at } },
        orderBy: [{ capabilityId: 'asc' }, { createdAt: 'desc' }, { id: 'desc' }],
      });
      return rows.filter((row, i) => i === 0 || rows[i - 1]!.capabilityId !== row.capabilityId);
    },

    async history(tenantId, capabilityId) {
      return prisma.attestation.findMany({
        where: { tenantId, ...(capabilityId === undefined ? {} : { capabilityId }) },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      });
    },
  };
}

/** The record as scoring reads it (see scoring/attestations.ts). */
export function toScoringAttestation(record: AttestationRecord): Attestation {
  return {
    capabilityId: record.capabilityId,
    by: record.attestedBy,
    at: record.attestedAt.toISOString(),
    reason: record.statement,
    expires: record.expiresAt.toISOString(),
    outcome: record.outcome,
    ...(record.evidenceUrl ? { evidenceUrl: record.evidenceUrl } : {}),
  };
}

function validate(input: AttestationInput, expiresAt: Date, now: Date): void {
  const refuse = (message: string): never => {
    throw new PpmatError('PPMAT_E_ATTESTATION_INVALID', message);
  };
  if (input.statement.trim() === '') refuse('the statement is empty; say why the capability is (or is not) in place.');
  if (input.attestedBy.trim() === '') refuse('who attests is empty; give a name or an email address.');
  for (const [name, date] of [['date', input.attestedAt], ['expiry', expiresAt]] as const) {
    if (Number.isNaN(date.getTime())) refuse(`the ${name} is not a valid date.`);
  }
  if (input.attestedAt.getTime() > now.getTime()) {
    refuse(`the attestation is dated ${input.attestedAt.toISOString()}, in the future; an attestation states what is in place now or was before.`);
  }
  if (expiresAt.getTime() <= input.attestedAt.getTime()) {
    refuse(`the expiry ${day(expiresAt)} is not after the attestation's date ${day(input.attestedAt)}.`);
  }
  if (input.evidenceUrl !== undefined && !isHttpUrl(input.evidenceUrl)) {
    refuse(`the evidence link "${input.evidenceUrl}" is not an http(s) URL.`);
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

const day = (date: Date): string => date.toISOString().slice(0, 10);
