import { describe, expect, it } from 'vitest';
import type { EvidenceSnapshot } from '../../src/evidence/snapshot.js';
import { deriveFacts, factRequirements, FACT_DEFINITIONS } from '../../src/facts/index.js';
import { env, policy } from './fixtures.js';

const at = '2025-01-01T00:00:00Z';
const environments = { key: 'environments' as const, status: 'ok' as const, data: { environments: [env('a')] }, collectedAt: at };
const dlp = { key: 'dlpPolicies' as const, status: 'ok' as const, data: { policies: [policy('p', 'AllEnvironments')] }, collectedAt: at };

describe('deriveFacts', () => {
  it.each([
    ['all evidence ok', { environments, dlpPolicies: dlp }, ['dlp', 'environments', 'sharing']],
    ['DLP policies unavailable', { environments, dlpPolicies: { key: 'dlpPolicies' as const, status: 'unavailable' as const, reason: '403', collectedAt: at } }, ['environments', 'sharing']],
    ['environments failed', { environments: { key: 'environments' as const, status: 'error' as const, reason: 'boom', collectedAt: at }, dlpPolicies: dlp }, []],
    ['nothing collected', {}, []],
  ])('with %s derives %j', (_name, evidence, expected) => {
    const snapshot: EvidenceSnapshot = { tenantId: 't', collectedAt: at, evidence };
    expect(Object.keys(deriveFacts(snapshot)).sort()).toEqual(expected);
  });

  it('gives plain JSON', () => {
    const facts = deriveFacts({ tenantId: 't', collectedAt: at, evidence: { environments, dlpPolicies: dlp } });
    expect(JSON.parse(JSON.stringify(facts))).toEqual(facts);
  });

  it('declares the evidence of every fact', () => {
    expect(Object.fromEntries(Object.keys(FACT_DEFINITIONS).map((name) => [name, factRequirements(name as keyof typeof FACT_DEFINITIONS)]))).toEqual({
      dlp: ['environments', 'dlpPolicies'],
      sharing: ['environments'],
      environments: ['environments'],
    });
  });
});
