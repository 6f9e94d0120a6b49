/**
 * diffEvidence: one change per thing that changed, with the values, a stable key and the right
 * severity and direction; nothing from a family that failed to collect in either scan.
 */
import { describe, expect, it } from 'vitest';
import { ROLE_TEMPLATES } from '../../src/evidence/graph.schemas.js';
import type { EvidenceKey } from '../../src/evidence/schemas.js';
import type { EvidenceChange } from '../../src/history/evidence-change.js';
import { diffEvidence } from '../../src/history/evidence-diff.js';
import { caPolicy, env, policy, user } from '../facts/fixtures.js';
import { ALEX, BREAK_GLASS, OUTLOOK, PARTNER, TENANT, TWITTER, baseData, patched, snapshotOf, type EvidenceData } from './evidence-fixtures.js';

type Expected = Pick<EvidenceChange, 'key' | 'family' | 'severity' | 'direction' | 'label'>;

interface Case {
  name: string;
  before?: EvidenceData;
  after: EvidenceData;
  failed?: { before?: EvidenceKey[]; after?: EvidenceKey[] };
  expected: Expected[];
}

const PPA = ROLE_TEMPLATES.powerPlatformAdministrator;
const GA = ROLE_TEMPLATES.globalAdministrator;

const cases: Case[] = [
  {
    name: 'tenant isolation switched off',
    after: patched((d) => void (d.tenantIsolation = { configured: true, enabled: false, allowedTenants: [] })),
    expected: [
      {
        key: 'tenantIsolation:disabled',
        family: 'tenantIsolation',
        severity: 'critical',
        direction: 'weaker',
        label: 'Tenant isolation was switched off, so makers can connect to any other tenant.',
      },
    ],
  },
  {
    name: 'tenant isolation switched on',
    before: patched((d) => void (d.tenantIsolation = { configured: false, enabled: false, allowedTenants: [] })),
    after: baseData(),
    expected: [{ key: 'tenantIsolation:enabled', family: 'tenantIsolation', severity: 'critical', direction: 'stronger', label: 'Tenant isolation was switched on; 1 tenant is allowed.' }],
  },
  {
    name: 'an allowed tenant added and one removed',
    after: patched((d) => void (d.tenantIsolation.allowedTenants = [{ tenantId: 'new-partner', inbound: false, outbound: true }])),
    expected: [
      {
        key: 'tenantIsolation:allowedTenants:new-partner:added',
        family: 'tenantIsolation',
        severity: 'warning',
        direction: 'weaker',
        label: 'Tenant isolation now allows tenant new-partner (outbound only).',
      },
      {
        key: `tenantIsolation:allowedTenants:${PARTNER}:removed`,
        family: 'tenantIsolation',
        severity: 'warning',
        direction: 'stronger',
        label: `Tenant isolation no longer allows tenant ${PARTNER} (it allowed inbound and outbound).`,
      },
    ],
  },
  {
    name: 'a DLP policy deleted',
    after: patched((d) => void (d.dlpPolicies.policies = d.dlpPolicies.policies.filter((p) => p.id !== 'p-default'))),
    expected: [
      {
        key: 'dlpPolicies:p-default:deleted',
        family: 'dlpPolicies',
        severity: 'critical',
        direction: 'weaker',
        label: "DLP policy 'Default environment only' was deleted; it applied to only 'Contoso (default)'.",
      },
    ],
  },
  {
    name: 'a DLP policy added',
    after: patched((d) => void d.dlpPolicies.policies.push(policy('p-hr', 'OnlyEnvironments', ['env-hr'], { displayName: 'HR rules' }))),
    expected: [{ key: 'dlpPolicies:p-hr:added', family: 'dlpPolicies', severity: 'critical', direction: 'stronger', label: "DLP policy 'HR rules' was added; it applies to only 'HR Sandbox'." }],
  },
  {
    name: 'a DLP policy narrowed off a production environment (critical) and a sandbox (warning)',
    after: patched((d) => void (d.dlpPolicies.policies[0]!.environments = ['ENV-FIN', 'env-hr'])),
    expected: [
      {
        key: 'dlpPolicies:p-contoso:uncovers:env-fin',
        family: 'dlpPolicies',
        severity: 'critical',
        direction: 'weaker',
        label: "DLP policy 'Contoso default' no longer covers environment 'Finance Prod' (Production).",
      },
      {
        key: 'dlpPolicies:p-contoso:uncovers:env-hr',
        family: 'dlpPolicies',
        severity: 'warning',
        direction: 'weaker',
        label: "DLP policy 'Contoso default' no longer covers environment 'HR Sandbox' (Sandbox).",
      },
    ],
  },
  {
    name: 'a DLP policy widened',
    after: patched((d) => void (d.dlpPolicies.policies[1]!.environments = [`Default-${TENANT}`, 'env-hr'])),
    expected: [
      {
        key: 'dlpPolicies:p-default:covers:env-hr',
        family: 'dlpPolicies',
        severity: 'warning',
        direction: 'stronger',
        label: "DLP policy 'Default environment only' now covers environment 'HR Sandbox' (Sandbox).",
      },
    ],
  },
  {
    name: 'the default environment left without any policy',
    after: patched((d) => {
      d.dlpPolicies.policies[0]!.environments = [`Default-${TENANT}`];
      d.dlpPolicies.policies.pop();
    }),
    expected: [
      { key: 'dlpPolicies:p-default:deleted', family: 'dlpPolicies', severity: 'critical', direction: 'weaker', label: "DLP policy 'Default environment only' was deleted; it applied to only 'Contoso (default)'." },
      {
        key: `dlpPolicies:p-contoso:uncovers:Default-${TENANT}`,
        family: 'dlpPolicies',
        severity: 'critical',
        direction: 'weaker',
        label: "DLP policy 'Contoso default' no longer covers environment 'Contoso (default)' (the default environment).",
      },
      {
        key: 'dlpPolicies:default-environment:uncovered',
        family: 'dlpPolicies',
        severity: 'critical',
        direction: 'weaker',
        label: "The default environment 'Contoso (default)' is no longer covered by any DLP policy (it was covered by 'Contoso default', 'Default environment only').",
      },
    ],
  },
  {
    name: 'connectors moved between groups, and the default group changed',
    after: patched((d) => {
      const groups = d.dlpPolicies.policies[0]!.connectorGroups;
      groups.blocked = [];
      groups.business = [OUTLOOK, TWITTER];
      d.dlpPolicies.policies[1]!.defaultConnectorsClassification = 'Blocked';
    }),
    expected: [
      {
        key: 'dlpPolicies:p-contoso:connectors:shared_twitter:business',
        family: 'dlpPolicies',
        severity: 'warning',
        direction: 'weaker',
        label: "DLP policy 'Contoso default' moved connector 'shared_twitter' from blocked to business.",
      },
      {
        key: 'dlpPolicies:p-default:default-group',
        family: 'dlpPolicies',
        severity: 'warning',
        direction: 'stronger',
        label: "DLP policy 'Default environment only' now puts connectors it does not list in the blocked group (was non-business).",
      },
    ],
  },
  {
    name: 'environments added, removed and retyped',
    after: patched((d) => {
      d.environments.environments = d.environments.environments.filter((e) => e.id !== 'env-hr');
      d.environments.environments.push(env('env-ops', { displayName: 'Ops Trial', type: 'Trial' }));
      d.environments.environments[1]!.type = 'Sandbox';
    }),
    expected: [
      { key: 'environments:env-fin:type', family: 'environments', severity: 'info', direction: 'neutral', label: "Environment 'Finance Prod' changed type from Production to Sandbox." },
      { key: 'environments:env-ops:added', family: 'environments', severity: 'info', direction: 'neutral', label: "Environment 'Ops Trial' (Trial) was added." },
      { key: 'environments:env-hr:removed', family: 'environments', severity: 'info', direction: 'neutral', label: "Environment 'HR Sandbox' (Sandbox) was removed." },
    ],
  },
  {
    name: 'a managed environment turned off, and its security group removed',
    after: patched((d) => {
      const finance = d.environments.environments[1]!;
      finance.managed = false;
      finance.protectionLevel = 'Basic';
      finance.securityGroupId = null;
    }),
    expected: [
      {
        key: 'environments:env-fin:managed:off',
        family: 'environments',
        severity: 'warning',
        direction: 'weaker',
        label: "Environment 'Finance Prod' (Production) is no longer a managed environment, so its sharing limits and solution checker no longer apply.",
      },
      {
        key: 'environments:env-fin:security-group:off',
        family: 'environments',
        severity: 'warning',
        direction: 'weaker',
        label: "Environment 'Finance Prod' (Production) is no longer restricted to a security group, so every licensed user in the tenant can be added to it.",
      },
    ],
  },
  {
    name: 'an admin role assigned, and one removed',
    after: patched((d) => {
      d.roleAssignments.roles[1]!.assignments = [{ principal: user('Megan Bowen'), directoryScopeId: '/' }];
    }),
    expected: [
      {
        key: `roleAssignments:${GA}:u-megan bowen:added`,
        family: 'roleAssignments',
        severity: 'critical',
        direction: 'weaker',
        label: "User 'Megan Bowen' (megan bowen@contoso.example) was assigned the Global Administrator role.",
      },
      {
        key: `roleAssignments:${GA}:${BREAK_GLASS.id}:removed`,
        family: 'roleAssignments',
        severity: 'critical',
        direction: 'stronger',
        label: "User 'Break-glass admin' no longer holds the Global Administrator role.",
      },
    ],
  },
  {
    name: 'a time-bound PIM activation is not a new standing admin',
    after: patched((d) => {
      const lee = user('Lee Gu');
      d.roleAssignments.roles[0]!.assignments.push({ principal: lee, directoryScopeId: '/' });
      d.pimSchedules.roles = [
        {
          roleTemplateId: PPA,
          displayName: 'Power Platform Administrator',
          eligible: [{ principal: lee, startDateTime: null, endDateTime: null }],
          active: [{ principal: lee, startDateTime: '2026-11-27T08:00:00Z', endDateTime: '2026-11-27T16:00:00Z', assignmentType: 'Activated' }],
        },
      ];
    }),
    expected: [
      {
        key: `roleAssignments:${PPA}:u-lee gu:activated`,
        family: 'roleAssignments',
        severity: 'info',
        direction: 'neutral',
        label: "User 'Lee Gu' (lee gu@contoso.example) activated the Power Platform Administrator role through PIM, until 2026-11-27T16:00:00Z.",
      },
    ],
  },
  {
    name: 'a Conditional Access policy covering admins deleted, another switched to report-only',
    after: patched((d) => {
      d.conditionalAccess.policies = [{ ...d.conditionalAccess.policies[1]!, state: 'enabledForReportingButNotEnforced' }];
    }),
    expected: [
      {
        key: 'conditionalAccess:ca-admins:deleted',
        family: 'conditionalAccess',
        severity: 'critical',
        direction: 'weaker',
        label: "Conditional Access policy 'Require MFA for administrators' was deleted; it covered the admin roles.",
      },
      {
        key: 'conditionalAccess:ca-guests:disabled',
        family: 'conditionalAccess',
        severity: 'warning',
        direction: 'weaker',
        label: "Conditional Access policy 'Guests need MFA' was switched to report-only, so it no longer enforces anything.",
      },
    ],
  },
  {
    name: 'a Conditional Access policy covering admins switched off, and one that stops protecting the role',
    before: patched((d) => void d.conditionalAccess.policies.push(caPolicy('ca-ppa', { displayName: 'PPA MFA', users: { includeRoles: [PPA] }, applications: { include: ['All'] }, grant: { builtInControls: ['mfa'] } }))),
    after: patched((d) => {
      d.conditionalAccess.policies[0]!.state = 'disabled';
      d.conditionalAccess.policies.push(caPolicy('ca-ppa', { displayName: 'PPA MFA', users: { includeRoles: [PPA] }, applications: { include: ['All'] }, grant: { operator: 'OR', builtInControls: ['mfa', 'compliantDevice'] } }));
    }),
    expected: [
      {
        key: 'conditionalAccess:ca-ppa:admin-protection:off',
        family: 'conditionalAccess',
        severity: 'critical',
        direction: 'weaker',
        label: "Conditional Access policy 'PPA MFA' no longer protects the Power Platform Administrator role: it accepts compliantDevice instead of MFA.",
      },
      {
        key: 'conditionalAccess:ca-admins:disabled',
        family: 'conditionalAccess',
        severity: 'critical',
        direction: 'weaker',
        label: "Conditional Access policy 'Require MFA for administrators' was switched off; it covered the admin roles.",
      },
    ],
  },
  {
    name: 'a policy that was not enforced deleted: nothing weakened',
    before: patched((d) => void (d.conditionalAccess.policies[1]!.state = 'disabled')),
    after: patched((d) => void d.conditionalAccess.policies.pop()),
    expected: [],
  },
  {
    name: 'tenant settings flipped to a weaker value; a setting missing in one scan is no change',
    after: patched((d) => {
      d.tenantSettings = { disableEnvironmentCreationByNonAdminUsers: false, powerPlatform: { powerApps: { disableShareWithEveryone: false } } };
    }),
    expected: [
      {
        key: 'tenantSettings:disableEnvironmentCreationByNonAdminUsers:off',
        family: 'tenantSettings',
        severity: 'warning',
        direction: 'weaker',
        label: 'Tenant setting disableEnvironmentCreationByNonAdminUsers changed from true to false: environment creation was opened to every user.',
      },
      {
        key: 'tenantSettings:powerPlatform.powerApps.disableShareWithEveryone:off',
        family: 'tenantSettings',
        severity: 'warning',
        direction: 'weaker',
        label: 'Tenant setting disableShareWithEveryone changed from true to false: makers may share apps with Everyone.',
      },
    ],
  },
  {
    name: 'nothing changed',
    after: baseData(),
    expected: [],
  },
];

/** Every family's change at once, and then the same with that family failed in one scan or the other. */
const FAILURES: { family: EvidenceKey; patch: (d: Required<EvidenceData>) => void }[] = [
  { family: 'tenantIsolation', patch: (d) => void (d.tenantIsolation.enabled = false) },
  { family: 'dlpPolicies', patch: (d) => void (d.dlpPolicies.policies = []) },
  { family: 'environments', patch: (d) => void (d.environments.environments[1]!.managed = false) },
  { family: 'conditionalAccess', patch: (d) => void (d.conditionalAccess.policies = []) },
  { family: 'roleAssignments', patch: (d) => void (d.roleAssignments.roles[0]!.assignments = []) },
  { family: 'tenantSettings', patch: (d) => void (d.tenantSettings = { disableEnvironmentCreationByNonAdminUsers: false }) },
];

describe('diffEvidence', () => {
  it.each(cases)('$name', ({ before, after, failed, expected }) => {
    const changes = diffEvidence(snapshotOf(before ?? baseData(), failed?.before), snapshotOf(after, failed?.after));
    expect(changes.map(({ key, family, severity, direction, label }) => ({ key, family, severity, direction, label }))).toEqual(expected);
  });

  it.each(FAILURES)('gives no $family change when $family failed to collect in either scan', ({ family, patch }) => {
    const after = patched(patch);
    expect(diffEvidence(snapshotOf(baseData()), snapshotOf(after)).filter((c) => c.family === family)).not.toEqual([]);
    expect(diffEvidence(snapshotOf(baseData(), [family]), snapshotOf(after)).filter((c) => c.family === family)).toEqual([]);
    expect(diffEvidence(snapshotOf(baseData()), snapshotOf(after, [family])).filter((c) => c.family === family)).toEqual([]);
  });

  it('still reports deleted DLP policies when the environment list failed, but no coverage change', () => {
    const after = patched((d) => void (d.dlpPolicies.policies = []));
    const keys = diffEvidence(snapshotOf(baseData()), snapshotOf(after, ['environments'])).map((c) => c.key);
    expect(keys).toEqual(['dlpPolicies:p-contoso:deleted', 'dlpPolicies:p-default:deleted']);
  });

  it('orders critical before warning before info, weaker before stronger, and is deterministic', () => {
    const after = patched((d) => {
      d.environments.environments.push(env('env-new', { displayName: 'New Dev', type: 'Developer' }));
      d.tenantSettings = { disableEnvironmentCreationByNonAdminUsers: false };
      d.roleAssignments.roles[0]!.assignments = [];
      d.tenantIsolation.enabled = false;
    });
    const changes = diffEvidence(snapshotOf(baseData()), snapshotOf(after));
    expect(changes.map((c) => `${c.severity}/${c.direction}/${c.key}`)).toEqual([
      'critical/weaker/tenantIsolation:disabled',
      `critical/stronger/roleAssignments:${PPA}:${ALEX.id}:removed`,
      'warning/weaker/tenantSettings:disableEnvironmentCreationByNonAdminUsers:off',
      'info/neutral/environments:env-new:added',
    ]);
    // Input order does not matter.
    const reversed = structuredClone(after);
    reversed.environments!.environments.reverse();
    expect(diffEvidence(snapshotOf(baseData()), snapshotOf(reversed))).toEqual(changes);
  });

  it('carries the values before and after', () => {
    const after = patched((d) => void (d.tenantIsolation = { configured: false, enabled: false, allowedTenants: [] }));
    expect(diffEvidence(snapshotOf(baseData()), snapshotOf(after))).toEqual([
      expect.objectContaining({ key: 'tenantIsolation:disabled', before: 'on, 1 allowed tenant', after: 'not configured', label: expect.stringContaining('no longer configured') }),
    ]);
  });
});
