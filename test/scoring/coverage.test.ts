import { describe, expect, it } from 'vitest';
import { areaCoverage } from '../../src/scoring/coverage.js';
import type { Capability, CapabilityResult } from '../../src/scoring/types.js';

const cap = (id: string, assessment: Capability['assessment'], floor = false): Capability => ({
  id,
  area: 'security',
  level: floor ? 100 : 200,
  statement: id,
  assessment,
  ...(assessment === 'hybrid' ? { signal: 'hint' as const } : {}),
  ...(floor ? { floor: true } : {}),
});
const result = (capabilityId: string, checks: CapabilityResult['checks'], attested = false): CapabilityResult => ({
  capabilityId,
  area: 'security',
  level: 200,
  status: 'unknown',
  reason: 'x',
  checks,
  ...(attested ? { attestation: { capabilityId, by: 'jane', at: '2026-11-01', reason: 'r' } } : {}),
});

describe('coverage per area', () => {
  it('counts statements decided by a check, stated by a person, and neither; floors left out', () => {
    const [security] = areaCoverage(
      [cap('security.100.floor', 'automated', true), cap('security.200.a', 'automated'), cap('security.200.b', 'hybrid'), cap('security.200.c', 'attested'), cap('security.200.d', 'hybrid')],
      [
        result('security.200.a', [{ checkId: 'x', outcome: 'fail' }]),
        result('security.200.b', [{ checkId: 'y', outcome: 'pass' }], true),
        result('security.200.c', [], true),
        result('security.200.d', [{ checkId: 'z', outcome: 'unknown' }]),
      ],
    );
    expect(security).toEqual({ area: 'security', statements: 4, machine: 1, attestation: 2, neither: 1, summary: '1 of 4 by machine evidence, 2 attested, 1 with neither' });
  });
});
