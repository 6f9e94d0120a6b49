/**
 * Which attestation counts for a capability at a given time.
 */
import type { Attestation } from './types.js';

export interface AttestationLookup {
  /** The newest attestation valid at `now`, if any. */
  valid?: Attestation;
  /** The newest attestation that expired before `now`, when no valid one exists (to say so in the reason). */
  expired?: Attestation;
}

/** True when the attestation was made by `now` and has not expired. */
export function isValidAt(attestation: Attestation, now: Date): boolean {
  if (Date.parse(attestation.at) > now.getTime()) return false;
  return attestation.expires === undefined || Date.parse(attestation.expires) > now.getTime();
}

/** Finds the attestation that counts for `capabilityId`, or the expired one that no longer does. */
export function findAttestation(attestations: readonly Attestation[], capabilityId: string, now: Date): AttestationLookup {
  const mine = attestations.filter((a) => a.capabilityId === capabilityId).sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  const valid = mine.find((a) => isValidAt(a, now));
  if (valid) return { valid };
  const expired = mine.find((a) => a.expires !== undefined && Date.parse(a.expires) <= now.getTime());
  return expired ? { expired } : {};
}
