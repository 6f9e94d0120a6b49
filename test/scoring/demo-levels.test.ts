/**
 * End to end over the pure pipeline (facts -> checks -> capabilities -> areas): the demo
 * attestations with snapshots shaped like the simulator's profiles give distinct levels.
 * The snapshots here are patches of the checks' base fixture, not the simulator's output.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { EvidenceSnapshot } from '../../src/evidence/snapshot.js';
import { deriveFacts } from '../../src/facts/index.js';
import { evaluateChecks } from '../../src/rules/evaluate.js';
import { loadRuleSet } from '../../src/rules/load-rules.js';
import { applyPatch } from '../../src/rules/patch.js';
import { scoreAreas } from '../../src/scoring/score-areas.js';
import { scoreCapabilities } from '../../src/scoring/score-capabilities.js';
import { DEMO_ATTESTED_STATEMENTS, DEMO_ATTESTER, demoAttestations, type DemoProfile } from '../../src/simulator/demo-attestations.js';

const RULES_DIR = path.resolve(import.meta.dirname, '../../rules');
const ruleSet = await loadRuleSet(RULES_DIR);
const base = parse(await readFile(path.join(RULES_DIR, 'checks/fixtures/base.yaml'), 'utf8')) as EvidenceSnapshot;
const NOW = new Date('2025-01-15T03:00:00Z');
const DEFAULT_ENV = 'Default-00000000-0000-0000-0000-0000000000aa';
const ENV_IDS = ['env-hr-prod', 'env-finance-prod', 'env-hr-sandbox', 'env-dev-alex'];
const unmanaged = { managed: false, protectionLevel: null, securityGroupId: null, environmentGroupId: null, solutionCheckerMode: null };

const PATCHES: Record<DemoProfile, unknown> = {
  initial: {
    evidence: {
      tenantSettings: {
        data: {
          disableEnvironmentCreationByNonAdminUsers: false,
          disableTrialEnvironmentCreationByNonAdminUsers: false,
          powerPlatform: { powerApps: { disableShareWithEveryone: false }, governance: { disableDeveloperEnvironmentCreationByNonAdminUsers: false } },
        },
      },
      dlpPolicies: { data: { policies: [] } },
      tenantIsolation: { data: { configured: false, enabled: false, allowedTenants: [] } },
      environments: { data: { environments: ENV_IDS.map((id) => ({ id, ...unmanaged })) } },
    },
  },
  defined: {
    evidence: {
      dlpPolicies: {
        data: {
          policies: [
            { id: 'pol-baseline', environmentType: 'OnlyEnvironments', environments: [DEFAULT_ENV], actionRuleConnectors: [], endpointRuleConnectors: [] },
            { id: 'pol-production', $delete: true },
          ],
        },
      },
      environments: { data: { environments: ['env-finance-prod', 'env-hr-sandbox', 'env-dev-alex'].map((id) => ({ id, ...unmanaged })) } },
    },
  },
  capable: {},
};

function levels(profile: DemoProfile) {
  const snapshot = applyPatch(base, PATCHES[profile]) as EvidenceSnapshot;
  const checks = evaluateChecks(ruleSet, snapshot, deriveFacts(snapshot));
  const capabilities = scoreCapabilities(ruleSet.catalogue, checks, demoAttestations(profile, NOW), NOW);
  return Object.fromEntries(scoreAreas(ruleSet.catalogue, capabilities).map((s) => [s.area, `${s.level}-${s.maxLevel}`]));
}

describe('demo attestations', () => {
  it.each([
    ['initial', { security: '100-100', governance: '100-200' }],
    ['defined', { security: '200-200', governance: '200-200' }],
    ['capable', { security: '400-500', governance: '400-500' }],
  ] as const)('%s profile scores %j', (profile, expected) => {
    expect(levels(profile)).toEqual(expected);
  });

  it('attests nothing for initial, 200-300 for defined, 200-400 for capable, valid for a year', () => {
    expect(demoAttestations('initial', NOW)).toEqual([]);
    const defined = demoAttestations('defined', NOW);
    expect(defined.map((a) => a.capabilityId)).toEqual([...DEMO_ATTESTED_STATEMENTS[200], ...DEMO_ATTESTED_STATEMENTS[300]]);
    const capable = demoAttestations('capable', NOW);
    expect(capable).toHaveLength(defined.length + DEMO_ATTESTED_STATEMENTS[400].length);
    for (const a of capable) {
      expect(a).toMatchObject({ by: DEMO_ATTESTER, at: NOW.toISOString(), expires: '2026-01-15T03:00:00.000Z' });
      expect(a.reason.length).toBeGreaterThan(0);
    }
  });

  it('attests exactly the statements of levels 200-400 that no check decides', () => {
    const decidedByChecks = new Set(
      ruleSet.checks.flatMap((c) => c.capabilities).filter((id) => ruleSet.catalogue.find((s) => s.id === id)?.assessment === 'automated'),
    );
    const expected = ruleSet.catalogue
      .filter((c) => c.level >= 200 && c.level <= 400 && !decidedByChecks.has(c.id))
      .map((c) => c.id)
      .sort();
    expect(Object.values(DEMO_ATTESTED_STATEMENTS).flat().sort()).toEqual(expected);
  });
});
