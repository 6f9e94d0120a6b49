/**
 * Attestations that say "not met", and how configured and recorded attestations are merged
 * for a scan (the newer per capability wins; on the same date the recorded one).
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult, Outcome } from '../../src/rules/types.js';
import { findAttestation, mergeAttestations } from '../../src/scoring/attestations.js';
import { scoreCapabilities } from '../../src/scoring/score-capabilities.js';
import type { Attestation, Capability, CapabilityStatus } from '../../src/scoring/types.js';

const NOW = new Date('2025-06-01T00:00:00Z');
const CAP = 'security.300.x';

const capability = (assessment: Capability['assessment'], signal?: Capability['signal']): Capability => ({
  id: CAP,
  area: 'security',
  level: 300,
  statement: 'X.',
  assessment,
  ...(signal ? { signal } : {}),
});

const result = (outcome: Outcome): CheckResult => ({
  checkId: 'security.check-1',
  checkVersion: 1,
  title: 't',
  capabilities: [CAP],
  severity: 'low',
  outcome,
  message: `Check says ${outcome}.`,
  actual: {},
  evidenceKeys: [],
});

const met: Attestation = { capabilityId: CAP, by: 'ann@contoso.example', at: '2025-01-01T00:00:00Z', reason: 'Reviewed.', expires: '2026-01-01T00:00:00Z' };
const notMet: Attestation = { ...met, by: 'bob@contoso.example', at: '2025-02-01T00:00:00Z', reason: 'The review found no audit.', outcome: 'not_met' };
const expiredNotMet: Attestation = { ...notMet, at: '2024-01-01T00:00:00Z', expires: '2025-01-01T00:00:00Z' };

describe('an attestation with outcome not_met', () => {
  const cases: { name: string; cap: Capability; outcomes: Outcome[]; attestations: Attestation[]; status: CapabilityStatus; reason: RegExp }[] = [
    { name: 'attested statement', cap: capability('attested'), outcomes: [], attestations: [notMet], status: 'not_met', reason: /^Not met: attested not met by bob@contoso.example on 2025-02-01: The review found no audit\.$/ },
    { name: 'attested statement, newer than a met one', cap: capability('attested'), outcomes: [], attestations: [met, notMet], status: 'not_met', reason: /attested not met by bob/ },
    { name: 'attested statement, older than a met one', cap: capability('attested'), outcomes: [], attestations: [{ ...notMet, at: '2024-12-01T00:00:00Z' }, met], status: 'met', reason: /attested by ann/ },
    { name: 'attested statement, expired', cap: capability('attested'), outcomes: [], attestations: [expiredNotMet], status: 'unknown', reason: /expired on 2025-01-01/ },
    { name: 'hybrid, signal passes', cap: capability('hybrid', 'necessary'), outcomes: ['pass'], attestations: [notMet], status: 'not_met', reason: /attested not met/ },
    { name: 'hybrid, hint signal fails', cap: capability('hybrid', 'hint'), outcomes: ['fail'], attestations: [notMet], status: 'not_met', reason: /attested not met/ },
    { name: 'hybrid, necessary signal fails: the check says why', cap: capability('hybrid', 'necessary'), outcomes: ['fail'], attestations: [notMet], status: 'not_met', reason: /^Check says fail\.$/ },
    { name: 'automated, no check decides', cap: capability('automated'), outcomes: ['unknown'], attestations: [notMet], status: 'not_met', reason: /attested not met/ },
    { name: 'automated, checks pass: evidence beats a person\'s word', cap: capability('automated'), outcomes: ['pass'], attestations: [notMet], status: 'met', reason: /^Check says pass\. \(bob@contoso.example attested it not met; checks decide automated statements\.\)$/ },
  ];
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const [scored] = scoreCapabilities([c.cap], c.outcomes.map(result), c.attestations, NOW);
    expect(scored?.status).toBe(c.status);
    expect(scored?.reason).toMatch(c.reason);
  });

  it('is kept on the result, with its outcome', () => {
    const [scored] = scoreCapabilities([capability('attested')], [], [notMet], NOW);
    expect(scored?.attestation).toEqual(notMet);
  });
});

describe('mergeAttestations', () => {
  const configured: Attestation = { ...met, at: '2025-03-01' };
  const other: Attestation = { ...met, capabilityId: 'governance.200.y' };

  it('lets a recorded attestation made after the configured ones replace them all', () => {
    const older: Attestation = { ...met, at: '2024-06-01' };
    const recorded: Attestation = { ...notMet, at: '2025-04-01T00:00:00Z' };
    expect(mergeAttestations([older, configured, other], [recorded])).toEqual([other, recorded]);
  });

  it('lets a recorded attestation win on the same date', () => {
    const recorded: Attestation = { ...notMet, at: '2025-03-01T00:00:00Z' };
    expect(mergeAttestations([configured], [recorded])).toEqual([recorded]);
  });

  it('sets aside a recorded attestation older than a configured one', () => {
    const recorded: Attestation = { ...notMet, at: '2025-02-01T00:00:00Z' };
    expect(mergeAttestations([configured], [recorded])).toEqual([configured]);
  });

  it('keeps a recorded attestation of a statement the configuration does not attest', () => {
    expect(mergeAttestations([other], [notMet])).toEqual([other, notMet]);
  });

  it('lets a newer recorded attestation that expired hide a valid configured one: the latest counts', () => {
    const recorded: Attestation = { ...met, at: '2025-04-01T00:00:00Z', expires: '2025-05-01T00:00:00Z' };
    const merged = mergeAttestations([configured], [recorded]);
    expect(findAttestation(merged, CAP, NOW)).toEqual({ expired: recorded });
  });
});
