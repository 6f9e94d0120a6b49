/**
 * Capability statuses: automated, attested and hybrid (necessary/hint), with valid and expired attestations.
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult, Outcome } from '../../src/rules/types.js';
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

const result = (outcome: Outcome, n = 1): CheckResult => ({
  checkId: `security.check-${n}`,
  checkVersion: 1,
  title: 't',
  capabilities: [CAP],
  severity: 'low',
  outcome,
  message: `Check ${n} says ${outcome}.`,
  actual: {},
  evidenceKeys: [],
});

const valid: Attestation = { capabilityId: CAP, by: 'ann@contoso.example', at: '2025-01-01T00:00:00Z', reason: 'Reviewed.', expires: '2026-01-01T00:00:00Z' };
const expired: Attestation = { ...valid, at: '2024-01-01T00:00:00Z', expires: '2025-01-01T00:00:00Z' };
const future: Attestation = { ...valid, at: '2025-07-01T00:00:00Z' };

const cases: { name: string; cap: Capability; outcomes: Outcome[]; attestations: Attestation[]; status: CapabilityStatus; reason?: RegExp }[] = [
  { name: 'automated, all checks pass', cap: capability('automated'), outcomes: ['pass', 'pass'], attestations: [], status: 'met' },
  { name: 'automated, a check fails', cap: capability('automated'), outcomes: ['pass', 'fail'], attestations: [], status: 'not_met', reason: /Check 2 says fail/ },
  { name: 'automated, a check fails despite an attestation', cap: capability('automated'), outcomes: ['fail'], attestations: [valid], status: 'not_met' },
  { name: 'automated, a check is unknown', cap: capability('automated'), outcomes: ['pass', 'unknown'], attestations: [], status: 'unknown', reason: /Check 2 says unknown/ },
  { name: 'automated, no check but attested', cap: capability('automated'), outcomes: [], attestations: [valid], status: 'met', reason: /attested by ann@contoso.example on 2025-01-01: Reviewed/ },
  { name: 'automated, no check, not attested', cap: capability('automated'), outcomes: [], attestations: [], status: 'unknown', reason: /no check of this build/ },
  { name: 'automated, unknown check but attested', cap: capability('automated'), outcomes: ['unknown'], attestations: [valid], status: 'met' },
  { name: 'automated, only not_applicable checks', cap: capability('automated'), outcomes: ['not_applicable'], attestations: [], status: 'unknown' },
  { name: 'automated, pass and not_applicable', cap: capability('automated'), outcomes: ['pass', 'not_applicable'], attestations: [], status: 'met' },
  { name: 'automated, an attested check outcome counts as pass', cap: capability('automated'), outcomes: ['attested'], attestations: [], status: 'met' },
  { name: 'attested, with a valid attestation', cap: capability('attested'), outcomes: [], attestations: [valid], status: 'met' },
  { name: 'attested, none', cap: capability('attested'), outcomes: [], attestations: [], status: 'unknown', reason: /^Unknown: awaiting attestation\.$/ },
  { name: 'attested, expired', cap: capability('attested'), outcomes: [], attestations: [expired], status: 'unknown', reason: /expired on 2025-01-01/ },
  { name: 'attested, made in the future', cap: capability('attested'), outcomes: [], attestations: [future], status: 'unknown' },
  { name: 'attested, expired and a newer valid one', cap: capability('attested'), outcomes: [], attestations: [expired, valid], status: 'met' },
  { name: 'hybrid necessary, attested and signal passes', cap: capability('hybrid', 'necessary'), outcomes: ['pass'], attestations: [valid], status: 'met' },
  { name: 'hybrid necessary, attested and signal unknown', cap: capability('hybrid', 'necessary'), outcomes: ['unknown'], attestations: [valid], status: 'met' },
  { name: 'hybrid necessary, attested without checks', cap: capability('hybrid', 'necessary'), outcomes: [], attestations: [valid], status: 'met' },
  { name: 'hybrid necessary, signal fails', cap: capability('hybrid', 'necessary'), outcomes: ['fail'], attestations: [valid], status: 'not_met' },
  { name: 'hybrid hint, signal fails, attested: the person knows another way', cap: capability('hybrid', 'hint'), outcomes: ['fail'], attestations: [valid], status: 'met', reason: /^Met: attested by .*\. The signal, only a hint, saw otherwise: Check 1 says fail/ },
  { name: 'hybrid hint, signal fails, not attested', cap: capability('hybrid', 'hint'), outcomes: ['fail'], attestations: [], status: 'unknown', reason: /^Unknown: the signal \(a hint\) speaks against it and it is awaiting attestation: Check 1 says fail/ },
  { name: 'hybrid, signal passes, not attested', cap: capability('hybrid', 'hint'), outcomes: ['pass'], attestations: [], status: 'indicated', reason: /Indicated, awaiting attestation: Check 1 says pass/ },
  { name: 'hybrid, signal passes, attestation expired', cap: capability('hybrid', 'necessary'), outcomes: ['pass'], attestations: [expired], status: 'indicated', reason: /expired on 2025-01-01/ },
  { name: 'hybrid, signal unknown, not attested', cap: capability('hybrid', 'hint'), outcomes: ['unknown'], attestations: [], status: 'unknown' },
  { name: 'hybrid, no checks, not attested', cap: capability('hybrid', 'hint'), outcomes: [], attestations: [], status: 'unknown' },
];

describe('scoreCapabilities', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const [scored] = scoreCapabilities([c.cap], c.outcomes.map((o, i) => result(o, i + 1)), c.attestations, NOW);
    expect(scored?.status).toBe(c.status);
    if (c.reason) expect(scored?.reason).toMatch(c.reason);
    expect(scored?.checks).toHaveLength(c.outcomes.length);
  });

  it('skips floor statements and ignores other capabilities\' checks and attestations', () => {
    const floor: Capability = { ...capability('automated'), id: 'security.100.y', level: 100, floor: true };
    const other = { ...result('fail'), capabilities: ['security.200.z'] };
    const scored = scoreCapabilities([floor, capability('automated')], [other, result('pass')], [{ ...valid, capabilityId: 'security.200.z' }], NOW);
    expect(scored.map((s) => [s.capabilityId, s.status])).toEqual([[CAP, 'met']]);
    expect(scored[0]?.attestation).toBeUndefined();
  });

  it('attaches the attestation that counted', () => {
    const [scored] = scoreCapabilities([capability('attested')], [], [valid], NOW);
    expect(scored?.attestation).toEqual(valid);
  });
});
