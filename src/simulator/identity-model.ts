/**
 * The demo tenant's Entra ID side, per profile: Conditional Access policies and who holds
 * the Power Platform admin roles, directly and through PIM. Other people write checks
 * against exactly these postures, so they are spelled out here, not drawn at random:
 *
 * - `initial`: no Conditional Access policy; nobody is Power Platform Administrator;
 *   6 permanent Global Administrators; PIM readable but nobody eligible.
 * - `defined`: "Require MFA for administrators" (enabled; PPA and GA roles, all apps, MFA)
 *   and "Block legacy authentication" (report-only); 3 permanent Power Platform
 *   Administrators and 2 permanent Global Administrators.
 * - `capable`: the admin policy requires the "Phishing-resistant MFA" strength and also
 *   covers Dynamics 365 Administrators; "Monitor Power Platform sessions" adds a Defender
 *   for Cloud Apps session control on the Power Apps and Flow apps; Power Platform
 *   Administrator only through PIM (3 eligible, 1 of them activated for 8 hours); Global
 *   Administrator: 2 eligible plus 1 permanent break-glass account.
 *
 * Identity governance (access reviews, entitlement management access packages) per profile:
 *
 * - `initial`: none of either (both lists readable and empty).
 * - `defined`: two access packages (maker access, Dataverse support), no access review.
 * - `capable`: the same access packages plus a quarterly access review of every Power
 *   Platform Administrator assignment (active and eligible), in progress.
 *
 * The organization (name, domains, country, creation date) is the same in every profile,
 * except that only `defined` and `capable` tenants verified a custom domain as their default.
 *
 * Only names and ids are drawn, from generators of their own (governance has its own, so the
 * admins and policies are the same as before it existed), so the Power Platform side of the
 * tenant is the same as before this model existed.
 */
import { ROLE_TEMPLATES } from '../evidence/graph.schemas.js';
import { createRng } from './prng.js';
import type { SimulatorProfile } from './profiles.js';

export interface SimUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
}

export interface SimConditionalAccessPolicy {
  id: string;
  displayName: string;
  /** enabled | disabled | enabledForReportingButNotEnforced */
  state: 'enabled' | 'disabled' | 'enabledForReportingButNotEnforced';
  createdDateTime: string;
  includeUsers: string[];
  includeRoles: string[];
  includeApplications: string[];
  clientAppTypes: string[];
  grant: { operator: 'OR' | 'AND'; builtInControls: string[]; authenticationStrength: { id: string; displayName: string } | null } | null;
  /** Defender for Cloud Apps session control type, or null for none. */
  cloudAppSecurityType: 'monitorOnly' | 'blockDownloads' | 'mcasConfigured' | null;
}

/** One standing or time-bound holder of a directory role. */
export interface SimRoleHolder {
  id: string;
  roleTemplateId: string;
  user: SimUser;
  startDateTime: string;
  /** null: permanent. */
  endDateTime: string | null;
}

export interface SimActiveInstance extends SimRoleHolder {
  assignmentType: 'Assigned' | 'Activated';
}

/** The tenant's `organization` object, except its id (the tenant id). */
export interface SimOrganization {
  displayName: string;
  /** Verified domains; exactly one is the default. */
  domains: { name: string; isDefault: boolean; isInitial: boolean }[];
  countryLetterCode: string;
  createdDateTime: string;
}

/** An `accessReviewScheduleDefinition` with an `accessReviewQueryScope`. */
export interface SimAccessReviewDefinition {
  id: string;
  displayName: string;
  status: 'NotStarted' | 'InProgress' | 'Completed';
  /** `scope.query`, e.g. `/roleManagement/directory/roleDefinitions/{roleId}`. */
  scopeQuery: string;
  /** `settings.recurrence.pattern`; null for a one-time review. */
  recurrence: { type: 'weekly' | 'absoluteMonthly' | 'absoluteYearly'; interval: number } | null;
  createdDateTime: string;
}

/** An entitlement management `accessPackage`. */
export interface SimAccessPackage {
  id: string;
  displayName: string;
  description: string;
  isHidden: boolean;
  createdDateTime: string;
}

export interface IdentityModel {
  organization: SimOrganization;
  /** `identityGovernance/accessReviews/definitions`. */
  accessReviews: SimAccessReviewDefinition[];
  /** `identityGovernance/entitlementManagement/accessPackages`. */
  accessPackages: SimAccessPackage[];
  conditionalAccessPolicies: SimConditionalAccessPolicy[];
  /** What `roleManagement/directory/roleAssignments` lists: standing and currently activated holders. */
  roleAssignments: SimRoleHolder[];
  /** `roleEligibilityScheduleInstances`. */
  eligibleInstances: SimRoleHolder[];
  /** `roleAssignmentScheduleInstances`. */
  activeInstances: SimActiveInstance[];
}

/** App ids of Power Apps and Microsoft Flow as Conditional Access targets (reference section 9). */
export const POWER_PLATFORM_APP_IDS = ['475226c6-020e-4fb2-8a90-7a972cbfc1d4', '7df0a125-d3be-4c96-aa54-591f83ff541c'] as const;

/** The built-in "Phishing-resistant MFA" authentication strength (its id is the same in every tenant). */
export const PHISHING_RESISTANT_MFA = { id: '00000000-0000-0000-0000-000000000004', displayName: 'Phishing-resistant MFA' } as const;

/** Microsoft 365 demo-tenant style names for the admins. */
const ADMIN_NAMES = ['Allan Deyoung', 'Christie Cline', 'Debra Berger', 'Grady Archie', 'Henrietta Mueller', 'Irvin Sayers', 'Johanna Lorenz', 'Lee Gu', 'Lidia Holloway', 'Miriam Graham'] as const;

/** Fixed instants, so the demo tenant never depends on the clock (evidence stays byte-identical between scans). */
const POLICIES_CREATED = '2024-03-04T09:15:00Z';
const ROLES_ASSIGNED = '2024-03-04T10:00:00Z';
const ACTIVATION_START = '2025-01-06T08:00:00Z';
/** PIM activations are time-bound; 8 hours is the default maximum activation duration. */
const ACTIVATION_END = '2025-01-06T16:00:00Z';

/** When the demo tenant was created, and its governance objects. */
const TENANT_CREATED = '2019-06-03T08:12:44Z';
const GOVERNANCE_CREATED = '2024-04-01T09:00:00Z';
const COUNTRIES = ['US', 'NL', 'DE', 'GB', 'FR'] as const;

/** Builds the identity side of the demo tenant for a seed, profile and company. */
export function buildIdentityModel(seed: number, profile: SimulatorProfile, companyName: string): IdentityModel {
  return { ...buildGovernance(seed, profile, companyName), ...buildRoles(seed, profile, companyName) };
}

type RolesModel = Pick<IdentityModel, 'conditionalAccessPolicies' | 'roleAssignments' | 'eligibleInstances' | 'activeInstances'>;
type GovernanceModel = Pick<IdentityModel, 'organization' | 'accessReviews' | 'accessPackages'>;

/** The organization and identity governance, from a generator of their own. */
function buildGovernance(seed: number, profile: SimulatorProfile, companyName: string): GovernanceModel {
  const rng = createRng(seed ^ 0x60ae7);
  const slug = companyName.toLowerCase().replace(/[^a-z0-9]/g, '');
  const initialDomain = { name: `${slug}.onmicrosoft.com`, isDefault: profile === 'initial', isInitial: true };
  const organization: SimOrganization = {
    displayName: companyName,
    domains: profile === 'initial' ? [initialDomain] : [initialDomain, { name: `${slug}.com`, isDefault: true, isInitial: false }],
    countryLetterCode: rng.pick(COUNTRIES),
    createdDateTime: TENANT_CREATED,
  };
  const accessPackage = (displayName: string, description: string, isHidden: boolean): SimAccessPackage => ({ id: rng.guid(), displayName, description, isHidden, createdDateTime: GOVERNANCE_CREATED });
  const packages = [
    accessPackage('Power Platform makers', 'Maker access to the shared Power Platform environments, approved by the CoE team.', false),
    accessPackage('Dataverse support engineers', 'Time-bound access for support engineers to the production Dataverse environments.', true),
  ];
  const adminReview: SimAccessReviewDefinition = {
    id: rng.guid(),
    displayName: 'Quarterly review of Power Platform Administrators',
    status: 'InProgress',
    scopeQuery: `/roleManagement/directory/roleDefinitions/${ROLE_TEMPLATES.powerPlatformAdministrator}`,
    recurrence: { type: 'absoluteMonthly', interval: 3 },
    createdDateTime: GOVERNANCE_CREATED,
  };
  switch (profile) {
    case 'initial':
      return { organization, accessReviews: [], accessPackages: [] };
    case 'defined':
      return { organization, accessReviews: [], accessPackages: packages };
    case 'capable':
      return { organization, accessReviews: [adminReview], accessPackages: packages };
  }
}

/** Conditional Access and the admin roles. */
function buildRoles(seed: number, profile: SimulatorProfile, companyName: string): RolesModel {
  const rng = createRng(seed ^ 0x1d3a7);
  const domain = `${companyName.toLowerCase().replace(/[^a-z0-9]/g, '')}.onmicrosoft.com`;
  const people = rng.shuffle(ADMIN_NAMES).map((name): SimUser => ({ id: rng.guid(), displayName: name, userPrincipalName: `${name.toLowerCase().replace(/\s+/g, '.')}@${domain}` }));
  const breakGlass: SimUser = { id: rng.guid(), displayName: 'Break-glass admin', userPrincipalName: `breakglass@${domain}` };
  const take = (count: number): SimUser[] => people.splice(0, count);
  const holder = (roleTemplateId: string, user: SimUser, endDateTime: string | null = null, startDateTime = ROLES_ASSIGNED): SimRoleHolder => ({
    id: rng.guid(),
    roleTemplateId,
    user,
    startDateTime,
    endDateTime,
  });
  const assigned = (h: SimRoleHolder): SimActiveInstance => ({ ...h, id: rng.guid(), assignmentType: 'Assigned' });
  const { powerPlatformAdministrator: ppa, globalAdministrator: ga, dynamics365Administrator: d365 } = ROLE_TEMPLATES;

  const mfaForAdmins = (strong: boolean): SimConditionalAccessPolicy => ({
    id: rng.guid(),
    displayName: 'Require MFA for administrators',
    state: 'enabled',
    createdDateTime: POLICIES_CREATED,
    includeUsers: [],
    includeRoles: strong ? [ppa, ga, d365] : [ppa, ga],
    includeApplications: ['All'],
    clientAppTypes: ['all'],
    grant: strong ? { operator: 'OR', builtInControls: [], authenticationStrength: { ...PHISHING_RESISTANT_MFA } } : { operator: 'OR', builtInControls: ['mfa'], authenticationStrength: null },
    cloudAppSecurityType: null,
  });
  const blockLegacy = (): SimConditionalAccessPolicy => ({
    id: rng.guid(),
    displayName: 'Block legacy authentication',
    state: 'enabledForReportingButNotEnforced',
    createdDateTime: POLICIES_CREATED,
    includeUsers: ['All'],
    includeRoles: [],
    includeApplications: ['All'],
    clientAppTypes: ['exchangeActiveSync', 'other'],
    grant: { operator: 'OR', builtInControls: ['block'], authenticationStrength: null },
    cloudAppSecurityType: null,
  });
  const monitorSessions = (): SimConditionalAccessPolicy => ({
    id: rng.guid(),
    displayName: 'Monitor Power Platform sessions',
    state: 'enabled',
    createdDateTime: POLICIES_CREATED,
    includeUsers: ['All'],
    includeRoles: [],
    includeApplications: [...POWER_PLATFORM_APP_IDS],
    clientAppTypes: ['browser'],
    grant: null,
    cloudAppSecurityType: 'monitorOnly',
  });

  switch (profile) {
    case 'initial': {
      const globalAdmins = take(6).map((user) => holder(ga, user));
      return { conditionalAccessPolicies: [], roleAssignments: globalAdmins, eligibleInstances: [], activeInstances: globalAdmins.map(assigned) };
    }
    case 'defined': {
      const standing = [...take(3).map((user) => holder(ppa, user)), ...take(2).map((user) => holder(ga, user))];
      return { conditionalAccessPolicies: [mfaForAdmins(false), blockLegacy()], roleAssignments: standing, eligibleInstances: [], activeInstances: standing.map(assigned) };
    }
    case 'capable': {
      const ppaEligible = take(3).map((user) => holder(ppa, user));
      const gaEligible = take(2).map((user) => holder(ga, user));
      const activation: SimActiveInstance = { ...holder(ppa, ppaEligible[0]!.user, ACTIVATION_END, ACTIVATION_START), assignmentType: 'Activated' };
      const breakGlassAssignment = holder(ga, breakGlass);
      return {
        conditionalAccessPolicies: [mfaForAdmins(true), blockLegacy(), monitorSessions()],
        roleAssignments: [activation, breakGlassAssignment],
        eligibleInstances: [...ppaEligible, ...gaEligible],
        activeInstances: [activation, assigned(breakGlassAssignment)],
      };
    }
  }
}
