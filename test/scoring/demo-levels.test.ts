/**
 * End to end over the pure pipeline (facts -> checks -> capabilities -> areas): the demo
 * attestations with snapshots shaped like the simulator's profiles give distinct levels.
 * The snapshots here are patches of the checks' base fixture, not the simulator's output;
 * the base fixture's Microsoft Graph evidence is the `capable` posture.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROLE_TEMPLATES } from '../../src/evidence/graph.schemas.js';
import type { EvidenceSnapshot } from '../../src/evidence/snapshot.js';
import { deriveFacts } from '../../src/facts/index.js';
import { evaluateChecks } from '../../src/rules/evaluate.js';
import { loadRuleSet } from '../../src/rules/load-rules.js';
import { applyPatch } from '../../src/rules/patch.js';
import { scoreAreas } from '../../src/scoring/score-areas.js';
import { scoreCapabilities } from '../../src/scoring/score-capabilities.js';
import { AREAS, type Area } from '../../src/scoring/types.js';
import { DEMO_ATTESTED_STATEMENTS, DEMO_ATTESTED_UP_TO, DEMO_ATTESTER, DEMO_ATTESTERS, demoAttestations, type DemoProfile } from '../../src/simulator/demo-attestations.js';

const RULES_DIR = path.resolve(import.meta.dirname, '../../rules');
const ruleSet = await loadRuleSet(RULES_DIR);
const base = parse(await readFile(path.join(RULES_DIR, 'checks/fixtures/base.yaml'), 'utf8')) as EvidenceSnapshot;
const NOW = new Date('2025-01-15T03:00:00Z');
const DEFAULT_ENV = 'Default-00000000-0000-0000-0000-0000000000aa';
const ENV_IDS = ['env-hr-prod', 'env-finance-prod', 'env-hr-sandbox', 'env-dev-alex'];
const unmanaged = { managed: false, protectionLevel: null, securityGroupId: null, environmentGroupId: null, solutionCheckerMode: null };

const ADVISOR_REFUSED = 'Power Advisor gives recommendations only when at least one environment is managed, and GET https://api.powerplatform.com/analytics/advisorRecommendations?api-version=2024-10-01 answered 403: ManagedEnvironmentRequired: Recommendations are available only for tenants with at least one managed environment.';
const PP_ADMIN = ROLE_TEMPLATES.powerPlatformAdministrator;
const GLOBAL_ADMIN = ROLE_TEMPLATES.globalAdministrator;
const user = (name: string) => ({ id: `u-${name.toLowerCase()}`, type: 'user', displayName: name, userPrincipalName: `${name.toLowerCase()}@contoso.example` });
/** Graph evidence where every listed user holds the role permanently and nobody is eligible. */
function permanentHolders(byRole: Record<string, string[]>) {
  const roles = Object.entries(byRole);
  return {
    roleAssignments: {
      data: { roles: roles.map(([roleTemplateId, names]) => ({ roleTemplateId, displayName: roleTemplateId, assignments: names.map((n) => ({ principal: user(n), directoryScopeId: '/' })) })) },
    },
    pimSchedules: {
      data: {
        roles: roles.map(([roleTemplateId, names]) => ({
          roleTemplateId,
          displayName: roleTemplateId,
          eligible: [],
          active: names.map((n) => ({ principal: user(n), startDateTime: '2023-01-01T00:00:00Z', endDateTime: null, assignmentType: 'Assigned' })),
        })),
      },
    },
  };
}

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
      // No Conditional Access policy; nobody holds the Power Platform Administrator role; six permanent Global Administrators.
      conditionalAccess: { data: { policies: [] } },
      ...permanentHolders({ [PP_ADMIN]: [], [GLOBAL_ADMIN]: ['Ann', 'Ben', 'Cem', 'Dan', 'Eva', 'Fay'] }),
      // No environment group (the API answered 204); Advisor refuses a tenant without managed environments.
      environmentGroups: { data: { groups: [] } },
      advisorRecommendations: { status: 'unavailable', reason: ADVISOR_REFUSED, errorCode: 'PPMAT_E_PREREQUISITE_MISSING', data: '$delete' },
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
      // MFA (not an authentication strength) for the admin roles, all apps; the report-only legacy-auth
      // policy stays; no session control. Three permanent Power Platform Administrators, two Global Administrators.
      conditionalAccess: {
        data: {
          policies: [
            { id: 'ca-admins', users: { includeRoles: [PP_ADMIN, GLOBAL_ADMIN] }, grant: { operator: 'OR', builtInControls: ['mfa'], authenticationStrength: null } },
            { id: 'ca-pp-sessions', $delete: true },
          ],
        },
      },
      ...permanentHolders({ [PP_ADMIN]: ['Adele', 'Alex', 'Megan'], [GLOBAL_ADMIN]: ['Isaiah', 'Lee'] }),
      // One group, for the managed production environment, without rules yet; Advisor has a backlog.
      environmentGroups: {
        data: {
          groups: [
            { id: 'grp-production', displayName: 'Managed production', ruleSetCount: 0, policyIds: [] },
            { id: 'grp-nonproduction', $delete: true },
          ],
        },
      },
      advisorRecommendations: {
        data: {
          recommendations: ['UnusedApps', 'AbandonedApps', 'OversharedApps', 'AbandonedFlows'].map((scenario, i) => ({
            scenario,
            resourceCount: 10 + i,
            lastRefreshed: '2025-01-14T04:00:00Z',
          })),
        },
      },
    },
  },
  capable: {},
};

function checksOf(profile: DemoProfile) {
  const snapshot = applyPatch(base, PATCHES[profile]) as EvidenceSnapshot;
  return evaluateChecks(ruleSet, snapshot, deriveFacts(snapshot));
}

function levels(profile: DemoProfile) {
  const checks = checksOf(profile);
  const capabilities = scoreCapabilities(ruleSet.catalogue, checks, demoAttestations(profile, NOW), NOW);
  return Object.fromEntries(scoreAreas(ruleSet.catalogue, capabilities).map((s) => [s.area, `${s.level}-${s.maxLevel}`]));
}

describe('demo attestations', () => {
  it.each([
    [
      'initial',
      {
        strategy: '100-500',
        'business-value': '100-500',
        security: '100-100',
        governance: '100-100',
        operations: '100-500',
        community: '100-500',
        'responsible-ai': '100-500',
        automation: '100-500',
        'fusion-teams': '100-500',
      },
    ],
    [
      'defined',
      {
        strategy: '200-500',
        'business-value': '200-500',
        security: '200-200',
        governance: '200-200',
        operations: '300-500',
        community: '200-500',
        'responsible-ai': '200-500',
        automation: '200-500',
        'fusion-teams': '200-500',
      },
    ],
    [
      'capable',
      {
        strategy: '400-500',
        'business-value': '400-500',
        security: '400-500',
        governance: '400-500',
        operations: '400-500',
        community: '400-500',
        'responsible-ai': '300-500',
        automation: '400-500',
        'fusion-teams': '300-500',
      },
    ],
  ] as const)('%s profile scores %j', (profile, expected) => {
    expect(levels(profile)).toEqual(expected);
  });

  it('gives every area a higher level in each profile than in the one before', () => {
    const [initial, defined, capable] = (['initial', 'defined', 'capable'] as const).map((profile) => levels(profile));
    for (const area of AREAS) {
      const level = (scores: Record<string, string> | undefined) => Number(scores?.[area]?.split('-')[0]);
      expect(level(initial), area).toBeLessThan(level(defined));
      expect(level(defined), area).toBeLessThan(level(capable));
    }
  });

  it.each([
    ['initial', { conditionalAccessAdmins: 'fail', ppAdminRoleAssigned: 'fail', pim: 'fail', defenderSessionControl: 'fail' }],
    ['defined', { conditionalAccessAdmins: 'pass', ppAdminRoleAssigned: 'pass', pim: 'fail', defenderSessionControl: 'fail' }],
    ['capable', { conditionalAccessAdmins: 'pass', ppAdminRoleAssigned: 'pass', pim: 'pass', defenderSessionControl: 'pass' }],
  ] as const)('%s profile: the Graph checks give %j', (profile, expected) => {
    const outcome = (id: string) => checksOf(profile).find((c) => c.checkId === id)?.outcome;
    expect({
      conditionalAccessAdmins: outcome('security.conditional-access-admins'),
      ppAdminRoleAssigned: outcome('governance.pp-admin-role-assigned'),
      pim: outcome('security.pim-power-platform-admins'),
      defenderSessionControl: outcome('security.defender-session-control'),
    }).toEqual(expected);
  });

  it.each([
    ['initial', { groupsInUse: 'fail', groupRules: 'fail', advisor: 'unknown', environmentGroups: 'not_met' }],
    ['defined', { groupsInUse: 'pass', groupRules: 'fail', advisor: 'pass', environmentGroups: 'not_met' }],
    ['capable', { groupsInUse: 'pass', groupRules: 'pass', advisor: 'pass', environmentGroups: 'met' }],
  ] as const)('%s profile: the environment group and Advisor checks give %j', (profile, expected) => {
    const checks = checksOf(profile);
    const outcome = (id: string) => checks.find((c) => c.checkId === id)?.outcome;
    const capabilities = scoreCapabilities(ruleSet.catalogue, checks, demoAttestations(profile, NOW), NOW);
    expect({
      groupsInUse: outcome('governance.environment-groups-in-use'),
      groupRules: outcome('governance.environment-group-rules'),
      advisor: outcome('governance.advisor-recommendations-available'),
      environmentGroups: capabilities.find((c) => c.capabilityId === 'governance.400.environment-groups')?.status,
    }).toEqual(expected);
  });

  it('attests nothing for initial, levels 200 up to DEMO_ATTESTED_UP_TO per area otherwise, valid for a year', () => {
    expect(demoAttestations('initial', NOW)).toEqual([]);
    for (const profile of ['defined', 'capable'] as const) {
      const attestations = demoAttestations(profile, NOW);
      const expected = AREAS.flatMap((area) =>
        ([200, 300, 400] as const)
          .filter((level) => level <= (DEMO_ATTESTED_UP_TO[profile][area] ?? 100))
          .flatMap((level) => DEMO_ATTESTED_STATEMENTS[area][level]),
      );
      expect(attestations.map((a) => a.capabilityId)).toEqual(expected);
      for (const a of attestations) {
        const area = a.capabilityId.split('.')[0] as Area;
        expect(a).toMatchObject({ by: DEMO_ATTESTERS[area].by, at: NOW.toISOString(), expires: '2026-01-15T03:00:00.000Z' });
        expect(a.reason).toBe(`Demo tenant (${profile} profile): ${DEMO_ATTESTERS[area].evidence}`);
      }
    }
  });

  it('names a person or the CoE, by e-mail, as each area\'s attester', () => {
    for (const area of AREAS) expect(DEMO_ATTESTERS[area].by, area).toMatch(/^[a-z.-]+@contoso\.example$/);
    expect(DEMO_ATTESTERS.security.by).toBe(DEMO_ATTESTER);
  });

  it('lists, per area and level, exactly the statements of levels 200-400 that no check decides', () => {
    const decidedByChecks = new Set(
      ruleSet.checks.flatMap((c) => c.capabilities).filter((id) => ruleSet.catalogue.find((s) => s.id === id)?.assessment === 'automated'),
    );
    for (const area of AREAS) {
      for (const level of [200, 300, 400] as const) {
        const expected = ruleSet.catalogue.filter((c) => c.area === area && c.level === level && !decidedByChecks.has(c.id)).map((c) => c.id);
        expect([...DEMO_ATTESTED_STATEMENTS[area][level]].sort(), `${area} ${level}`).toEqual(expected.sort());
      }
    }
  });
});
