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

/**
 * The attestations a scan applies, from its two sources: `configured` (ppmat.yaml, or the demo
 * tenant's built-in ones) and `recorded` (`ppmat attest`: the one in force per capability, the
 * latest recorded, expired or not). Per capability the newer source wins whole: the recorded
 * attestation replaces every configured one of its capability when it was made (`at`) on or
 * after the newest of them, and is set aside otherwise. So a person can overrule the file
 * (say `not_met`, or renew an expired one) by attesting, and a newer line in the file still counts.
 */
export function mergeAttestations(configured: readonly Attestation[], recorded: readonly Attestation[]): Attestation[] {
  const newestConfigured = new Map<string, number>();
  for (const a of configured) newestConfigured.set(a.capabilityId, Math.max(newestConfigured.get(a.capabilityId) ?? Number.NEGATIVE_INFINITY, Date.parse(a.at)));
  const winners = recorded.filter((r) => Date.parse(r.at) >= (newestConfigured.get(r.capabilityId) ?? Number.NEGATIVE_INFINITY));
  const replaced = new Set(winners.map((r) => r.capabilityId));
  return [...configured.filter((a) => !replaced.has(a.capabilityId)), ...winners];
}
