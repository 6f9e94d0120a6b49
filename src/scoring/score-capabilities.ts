/**
 * Capability statuses from check results and attestations.
 *
 * - automated: met when every check passes (or the statement is attested and no check fails);
 *   not_met when a check fails (evidence beats a person's word); otherwise unknown.
 * - attested: met with a valid attestation; otherwise unknown, "awaiting attestation".
 * - hybrid: the checks form a signal. Signal failing: not_met when the signal is `necessary`;
 *   when it is a `hint`, unknown without an attestation and met with one (a hint sees one way of
 *   doing it, e.g. a CoE kit solution, and a person may know another: the reason keeps what the
 *   hint saw). Attested and the signal not failing: met. Signal passing and no attestation:
 *   indicated (counts toward the upper end of the level range). Otherwise unknown.
 * An attestation with outcome `not_met` (a person says it is not in place) makes the statement
 * not_met with the person's reason, unless the checks decide it (automated and passing: evidence
 * beats a person's word, and the reason says the person disagreed).
 * An expired attestation does not count, and the reason says so.
 * Level-100 (floor) statements are not scored.
 */
import type { CheckResult, Outcome } from '../rules/types.js';
import { findAttestation, type AttestationLookup } from './attestations.js';
import type { Attestation, Capability, CapabilityResult, CapabilityStatus } from './types.js';

type Signal = 'pass' | 'fail' | 'unknown' | 'none';

/** Scores every non-floor statement of the catalogue, in catalogue order. */
export function scoreCapabilities(
  catalogue: readonly Capability[],
  checkResults: readonly CheckResult[],
  attestations: readonly Attestation[],
  now: Date,
): CapabilityResult[] {
  return catalogue
    .filter((capability) => !capability.floor)
    .map((capability) => {
      const results = checkResults.filter((r) => r.capabilities.includes(capability.id));
      const lookup = findAttestation(attestations, capability.id, now);
      const { status, reason } = decide(capability, results, lookup);
      return {
        capabilityId: capability.id,
        area: capability.area,
        level: capability.level,
        status,
        reason,
        checks: results.map((r) => ({ checkId: r.checkId, outcome: r.outcome })),
        ...(lookup.valid ? { attestation: lookup.valid } : {}),
      };
    });
}

/** Aggregates check outcomes: any fail fails, any unknown is unknown, else a pass passes; n/a counts as nothing. */
export function signalOf(results: readonly CheckResult[]): Signal {
  const outcomes: Outcome[] = results.map((r) => r.outcome).filter((o) => o !== 'not_applicable');
  if (outcomes.includes('fail')) return 'fail';
  if (outcomes.includes('unknown')) return 'unknown';
  if (outcomes.length > 0) return 'pass';
  return 'none';
}

function decide(capability: Capability, results: readonly CheckResult[], lookup: AttestationLookup): { status: CapabilityStatus; reason: string } {
  const signal = signalOf(results);
  const failing = results.filter((r) => r.outcome === 'fail');
  const unknown = results.filter((r) => r.outcome === 'unknown');
  const person = lookup.valid ? `${lookup.valid.by} on ${day(lookup.valid.at)}: ${lookup.valid.reason.replace(/\.$/, '')}` : undefined;
  const refuted = lookup.valid?.outcome === 'not_met' ? `attested not met by ${person}` : undefined;
  const attested = lookup.valid && !refuted ? `attested by ${person}` : undefined;
  const waiting = lookup.expired
    ? `awaiting a new attestation (the one by ${lookup.expired.by} expired on ${day(lookup.expired.expires ?? lookup.expired.at)})`
    : 'awaiting attestation';
  const expiredNote = lookup.expired ? ` The attestation by ${lookup.expired.by} expired on ${day(lookup.expired.expires ?? lookup.expired.at)}.` : '';
  const messages = (list: readonly CheckResult[]): string => list.map((r) => r.message).join(' ');

  switch (capability.assessment) {
    case 'automated':
      if (signal === 'fail') return { status: 'not_met', reason: messages(failing) };
      if (signal === 'pass') {
        const disagreed = refuted ? ` (${lookup.valid!.by} attested it not met; checks decide automated statements.)` : '';
        return { status: 'met', reason: `${messages(results.filter((r) => r.outcome !== 'not_applicable'))}${disagreed}` };
      }
      if (refuted) return { status: 'not_met', reason: `Not met: ${refuted}.` };
      if (attested) return { status: 'met', reason: `Met: ${attested}.` };
      if (signal === 'unknown') return { status: 'unknown', reason: `${messages(unknown)}${expiredNote}` };
      return { status: 'unknown', reason: `Unknown: no check of this build evidences it and it is ${waiting}.` };
    case 'attested':
      if (refuted) return { status: 'not_met', reason: `Not met: ${refuted}.` };
      if (attested) return { status: 'met', reason: `Met: ${attested}.` };
      return { status: 'unknown', reason: `Unknown: ${waiting}.` };
    case 'hybrid':
      if (signal === 'fail') {
        if (capability.signal === 'necessary') return { status: 'not_met', reason: messages(failing) };
        if (refuted) return { status: 'not_met', reason: `Not met: ${refuted}.` };
        if (attested) return { status: 'met', reason: `Met: ${attested}. The signal, only a hint, saw otherwise: ${messages(failing)}` };
        return { status: 'unknown', reason: `Unknown: the signal (a hint) speaks against it and it is ${waiting}: ${messages(failing)}` };
      }
      if (refuted) return { status: 'not_met', reason: `Not met: ${refuted}.` };
      if (attested) return { status: 'met', reason: `Met: ${attested}.` };
      if (signal === 'pass') return { status: 'indicated', reason: `Indicated, ${waiting}: ${messages(results.filter((r) => r.outcome === 'pass'))}` };
      if (signal === 'unknown') return { status: 'unknown', reason: `Unknown: ${waiting}; ${messages(unknown)}` };
      return { status: 'unknown', reason: `Unknown: ${waiting}.` };
  }
}

const day = (iso: string): string => iso.slice(0, 10);
