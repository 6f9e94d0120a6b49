/** A scan's status says whether collection worked, not how the tenant is doing. */
import { describe, expect, it } from 'vitest';
import type { EvidenceItem } from '../../src/evidence/snapshot.js';
import { scanStatus } from '../../src/scheduler/run-scan.js';

const at = '2026-11-27T02:00:00Z';
const ok = (key: EvidenceItem['key']): EvidenceItem => ({ key, status: 'ok', collectedAt: at });
const refused = (key: EvidenceItem['key'], errorCode: string): EvidenceItem => ({ key, status: 'unavailable', errorCode, reason: 'r', collectedAt: at });
const failed = (key: EvidenceItem['key']): EvidenceItem => ({ key, status: 'error', errorCode: 'PPMAT_E_HTTP_STATUS', reason: 'r', collectedAt: at });

describe('scanStatus', () => {
  it.each([
    ['everything collected', [ok('environments'), ok('dlpPolicies')], 'succeeded'],
    ['a prerequisite the tenant lacks (Advisor without managed environments)', [ok('environments'), refused('advisorRecommendations', 'PPMAT_E_PREREQUISITE_MISSING')], 'succeeded'],
    ['a refused permission', [ok('environments'), refused('conditionalAccess', 'PPMAT_E_HTTP_FORBIDDEN')], 'partial'],
    ['a failed collection', [ok('environments'), failed('dlpPolicies')], 'partial'],
    ['nothing collected', [failed('environments'), refused('conditionalAccess', 'PPMAT_E_HTTP_FORBIDDEN')], 'failed'],
  ] as const)('%s → %s', (_name, evidence, expected) => {
    expect(scanStatus(evidence)).toBe(expected);
  });
});
