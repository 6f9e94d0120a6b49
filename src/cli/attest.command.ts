/**
 * `ppmat attest`: a person records whether a capability statement is in place for a tenant,
 * why, on what evidence, and until when; `ppmat attest list` prints what is in force (or the
 * whole history). Records are only added, never changed: the latest per statement counts,
 * from the next scan on, unless ppmat.yaml holds a newer one (see cli/attestations.ts).
 */
import { z } from 'zod';
import { createAuditedChanges } from '../api/audited-changes.js';
import { EXIT, PpmatError } from '../errors/catalogue.js';
import { findAttestation, mergeAttestations } from '../scoring/attestations.js';
import type { Attestation } from '../scoring/types.js';
import { toScoringAttestation, type AttestationOutcome, type AttestationRecord } from '../store/attestation-repository.js';
import { withApp, type App } from './app.js';
import { attestableCapability, attestTenant, type AttestTenant } from './attestations.js';
import { cliActor } from './cli-actor.js';
import type { CommandIo } from './scan.command.js';

export interface AttestCommandOptions {
  config?: string;
  demo?: boolean;
  tenant?: string;
  capability: string;
  outcome: AttestationOutcome;
  statement: string;
  evidenceUrl?: string;
  by: string;
  /** YYYY-MM-DD or an ISO date-time (default: now). */
  at?: string;
  /** YYYY-MM-DD or an ISO date-time (default: 12 months after `at`). */
  expires?: string;
}

export interface AttestListOptions {
  config?: string;
  demo?: boolean;
  tenant?: string;
  capability?: string;
  /** Every record, newest first, instead of what is in force. */
  history?: boolean;
}

/** Records one attestation and says when it counts. */
export async function attestCommand(options: AttestCommandOptions, io: CommandIo): Promise<number> {
  const now = new Date();
  const attestedAt = options.at === undefined ? now : parseDate(options.at, '--at');
  const expiresAt = options.expires === undefined ? undefined : parseDate(options.expires, '--expires');
  return withApp(options, io, async (app) => {
    const target = attestTenant(app.config, options);
    const capability = attestableCapability(app.ruleSet, options.capability);
    await app.store.upsertTenant(target.tenant);
    // Recorded with its audit event (the operating-system user is the actor; --by names the person).
    const record = await createAuditedChanges(app.db.prisma, { clock: () => new Date() }).attest(
      {
        tenantId: target.tenant.id,
        capabilityId: capability.id,
        outcome: options.outcome,
        statement: options.statement,
        ...(options.evidenceUrl === undefined ? {} : { evidenceUrl: options.evidenceUrl }),
        attestedBy: options.by,
        attestedAt,
        ...(expiresAt ? { expiresAt } : {}),
      },
      cliActor(io.env),
    );
    const lines = [
      `Recorded attestation #${record.id} for ${target.tenant.displayName}: ${record.capabilityId} is ${OUTCOME_TEXT[record.outcome]}, ` +
        `attested by ${record.attestedBy} on ${day(record.attestedAt)}, until ${day(record.expiresAt)}. It counts from the next scan.`,
    ];
    if (record.expiresAt.getTime() <= now.getTime()) {
      lines.push(`Note: it expired on ${day(record.expiresAt)}, so scans leave the statement unknown (awaiting a new attestation).`);
    }
    const newer = target.configured
      .filter((a) => a.capabilityId === record.capabilityId && Date.parse(a.at) > record.attestedAt.getTime())
      .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0];
    if (newer) {
      lines.push(`Note: ${SOURCE_HAS[target.configuredSource]} a newer attestation of this statement (by ${newer.by} on ${day(newer.at)}), which scans apply instead.`);
    }
    io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  });
}

/** Prints the attestations in force (configured and recorded, as a scan applies them now), or the recorded history. */
export async function attestListCommand(options: AttestListOptions, io: CommandIo): Promise<number> {
  const now = new Date();
  return withApp(options, io, async (app) => {
    const target = attestTenant(app.config, options);
    const capabilityId = options.capability === undefined ? undefined : attestableCapability(app.ruleSet, options.capability).id;
    const text = options.history
      ? renderHistory(target, await app.attestations.history(target.tenant.id, capabilityId), now)
      : renderInForce(app, target, await app.attestations.inForce(target.tenant.id, now), capabilityId, now);
    io.stdout.write(`${text}\n`);
    return EXIT.ok;
  });
}


const dateOption = z.iso.date().or(z.iso.datetime());

/** YYYY-MM-DD (midnight UTC) or an ISO date-time, as ppmat.yaml's attestations accept them. */
function parseDate(value: string, flag: string): Date {
  if (!dateOption.safeParse(value).success) {
    throw new PpmatError('PPMAT_E_ATTESTATION_INVALID', `"${value}" is not a date; give YYYY-MM-DD (or an ISO date-time such as 2026-11-27T09:00:00Z).`, { where: flag });
  }
  return new Date(value);
}

const OUTCOME_TEXT: Record<AttestationOutcome, string> = { met: 'met', not_met: 'not met' };
const SOURCE_HAS: Record<AttestTenant['configuredSource'], string> = { 'ppmat.yaml': 'ppmat.yaml has', demo: "the demo tenant's built-in attestations include" };

interface Row {
  capabilityId: string;
  attestation: Attestation;
  source: string;
  mark: string;
}

/** One row per statement with an attestation: the one a scan now applies, or the expired one it reports. */
function renderInForce(app: App, target: AttestTenant, recorded: AttestationRecord[], capabilityId: string | undefined, now: Date): string {
  const sources = new Map<Attestation, string>();
  const merged = mergeWithSources(target, recorded, sources);
  const rows: Row[] = [];
  for (const capability of app.ruleSet.catalogue) {
    if (capabilityId !== undefined && capability.id !== capabilityId) continue;
    const lookup = findAttestation(merged, capability.id, now);
    const shown = lookup.valid ?? lookup.expired;
    if (!shown) continue;
    rows.push({ capabilityId: capability.id, attestation: shown, source: sources.get(shown) ?? target.configuredSource, mark: lookup.valid ? '' : ' (expired)' });
  }
  const title = `Attestations in force for ${target.tenant.displayName} (${target.tenant.id}) on ${day(now)}`;
  if (rows.length === 0) return `${title}: none.`;
  return [
    `${title}:`,
    '',
    ...table(
      ['Capability', 'Outcome', 'By', 'Attested', 'Expires', 'Source'],
      rows.map((r) => [r.capabilityId, r.attestation.outcome ?? 'met', r.attestation.by, day(r.attestation.at), r.attestation.expires ? `${day(r.attestation.expires)}${r.mark}` : 'never', r.source]),
      rows.map((r) => details(r.attestation.reason, r.attestation.evidenceUrl)),
    ),
    '',
    `Recorded attestations win over ${target.configuredSource} ones for the same statement when they are as new or newer; \`ppmat attest list --history\` shows every record.`,
  ].join('\n');
}

/** Every record, newest first; the latest per statement marked in force (or expired), or overruled by a newer configured one; older ones superseded. */
function renderHistory(target: AttestTenant, records: AttestationRecord[], now: Date): string {
  const title = `Attestations recorded for ${target.tenant.displayName} (${target.tenant.id}), newest first`;
  if (records.length === 0) return `${title}: none.`;
  const seen = new Set<string>();
  const marks = records.map((r) => {
    const latest = !seen.has(r.capabilityId);
    seen.add(r.capabilityId);
    if (!latest) return 'superseded';
    const attestation = toScoringAttestation(r);
    if (!mergeAttestations(target.configured, [attestation]).includes(attestation)) return `overruled by ${target.configuredSource} (newer)`;
    return r.expiresAt.getTime() <= now.getTime() ? 'in force, expired' : 'in force';
  });
  return [
    `${title}:`,
    '',
    ...table(
      ['#', 'Recorded', 'Capability', 'Outcome', 'By', 'Attested', 'Expires', 'State'],
      records.map((r, i) => [String(r.id), day(r.createdAt), r.capabilityId, r.outcome, r.attestedBy, day(r.attestedAt), day(r.expiresAt), marks[i]!]),
      records.map((r) => details(r.statement, r.evidenceUrl ?? undefined)),
    ),
  ].join('\n');
}

/** The merge a scan makes (scoring/attestations.ts), remembering where each attestation came from. */
function mergeWithSources(target: AttestTenant, recorded: AttestationRecord[], sources: Map<Attestation, string>): Attestation[] {
  const fromStore = recorded.map((record) => {
    const attestation = toScoringAttestation(record);
    sources.set(attestation, `recorded #${record.id}`);
    return attestation;
  });
  return mergeAttestations(target.configured, fromStore);
}

function details(reason: string, evidenceUrl: string | undefined): string[] {
  return [`    Why: ${reason}`, ...(evidenceUrl ? [`    Evidence: ${evidenceUrl}`] : [])];
}

/** Left-aligned columns, each row followed by its detail lines. */
function table(header: string[], rows: string[][], detailLines: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd();
  return [line(header), ...rows.flatMap((r, i) => [line(r), ...detailLines[i]!])];
}

const day = (value: Date | string): string => (typeof value === 'string' ? new Date(value) : value).toISOString().slice(0, 10);
