/**
 * Conditional Access for Power Platform: which policies protect the Power Platform
 * Administrator role with strong authentication, and which put Power Platform sessions
 * under Defender for Cloud Apps session control.
 *
 * Only enforced policies count: `state == "enabled"`. A report-only policy
 * (`enabledForReportingButNotEnforced`) logs what it would do and blocks nothing.
 *
 * A policy protects the role when it
 * - includes the role (`includeRoles`) or all users (`include` has `All`), and does not exclude the role;
 * - applies to all apps, or to a Power Platform app (PowerApps, Microsoft Flow), net of its exclusions;
 * - requires MFA (`builtInControls` has `mfa`) or an authentication strength, and nothing weaker can
 *   stand in for it: with the `OR` operator and another control (say `compliantDevice`), a user can
 *   satisfy the policy without MFA, so such a policy does not count.
 * Excluded users and groups (break-glass accounts) are not judged: the role's members are not read here.
 */
import { ROLE_TEMPLATES, type ConditionalAccessEvidence, type ConditionalAccessPolicy } from '../evidence/graph.schemas.js';

/**
 * The Power Platform first-party apps Conditional Access targets, by app id. Source: public
 * Conditional Access policy samples (reference power-platform-apis.md, section 9). Dataverse
 * (00000007-0000-0000-c000-000000000000) is left out: it is unconfirmed as a policy target.
 */
export const POWER_PLATFORM_APPS: Readonly<Record<string, string>> = {
  '475226c6-020e-4fb2-8a90-7a972cbfc1d4': 'PowerApps',
  '7df0a125-d3be-4c96-aa54-591f83ff541c': 'Microsoft Flow',
};

const ALL = 'All';
const ENABLED = 'enabled';
const MFA = 'mfa';

/** One policy, judged for what the Power Platform checks need. */
export interface PolicyAssessment {
  id: string;
  displayName: string;
  state: string;
  enabled: boolean;
  /** Includes the Power Platform Administrator role (directly or as all users) and does not exclude it. */
  coversAdminRole: boolean;
  /** Applies to all apps (so to every Power Platform app). */
  allApps: boolean;
  /** Names of the Power Platform apps the policy applies to, net of exclusions. */
  powerPlatformApps: string[];
  /** What the grant requires that counts as strong authentication: `MFA` or `the authentication strength 'X'`; null when nothing does. */
  strongAuthentication: string | null;
  /** Defender for Cloud Apps session control is on. */
  sessionControl: boolean;
  /** Why the policy does not protect the role, as phrases ("is report-only"); empty when it does. */
  adminGaps: string[];
}

/** A policy that does what a check asks, with how. */
export interface ProtectingPolicy {
  id: string;
  displayName: string;
  /** `MFA` or `the authentication strength 'X'` (for session control: null). */
  control: string | null;
  allApps: boolean;
  powerPlatformApps: string[];
}

export interface AdminAccessFact {
  policyCount: number;
  enabledCount: number;
  policies: PolicyAssessment[];
  /** Enabled policies requiring MFA or an authentication strength of the Power Platform Administrator role for Power Platform apps. */
  adminProtection: ProtectingPolicy[];
  /** When no policy protects the role: the one with the fewest gaps (first wins a tie); null when there is none or one protects it. */
  closestAdminPolicy: { id: string; displayName: string; gaps: string[] } | null;
  /** Enabled policies applying Defender for Cloud Apps session control to Power Platform apps. */
  sessionControl: ProtectingPolicy[];
  /** Policies that would apply that session control but are not enabled (report-only or off). */
  sessionControlNotEnforced: { id: string; displayName: string; state: string }[];
}

function coversAdminRole(policy: ConditionalAccessPolicy): boolean {
  const role = ROLE_TEMPLATES.powerPlatformAdministrator;
  const { users } = policy;
  return (users.includeRoles.includes(role) || users.include.includes(ALL)) && !users.excludeRoles.includes(role);
}

function powerPlatformApps(policy: ConditionalAccessPolicy): string[] {
  const { include, exclude } = policy.applications;
  return Object.entries(POWER_PLATFORM_APPS)
    .filter(([appId]) => (include.includes(ALL) || include.includes(appId)) && !exclude.includes(appId))
    .map(([, name]) => name);
}

/** `MFA` or `the authentication strength 'X'` when the grant cannot be met without it; null otherwise. */
export function strongAuthentication(grant: ConditionalAccessPolicy['grant']): string | null {
  const strong = grant.authenticationStrength !== null || grant.builtInControls.includes(MFA);
  const controls = grant.builtInControls.length + (grant.authenticationStrength !== null ? 1 : 0);
  const allRequired = grant.operator?.toUpperCase() === 'AND' || controls === 1;
  if (!strong || !allRequired) return null;
  return grant.authenticationStrength !== null ? `the authentication strength '${grant.authenticationStrength}'` : 'MFA';
}

function stateGap(state: string): string {
  if (state === 'enabledForReportingButNotEnforced') return 'is report-only';
  return `is ${state}`;
}

function adminGaps(policy: ConditionalAccessPolicy, apps: string[], strong: string | null): string[] {
  const gaps: string[] = [];
  if (policy.state !== ENABLED) gaps.push(stateGap(policy.state));
  if (policy.users.excludeRoles.includes(ROLE_TEMPLATES.powerPlatformAdministrator)) gaps.push('excludes the Power Platform Administrator role');
  else if (!coversAdminRole(policy)) gaps.push('does not include the Power Platform Administrator role');
  if (apps.length === 0) gaps.push('does not apply to Power Platform apps');
  if (strong === null) {
    const weaker = policy.grant.builtInControls.filter((control) => control !== MFA);
    const hasStrong = policy.grant.authenticationStrength !== null || policy.grant.builtInControls.includes(MFA);
    gaps.push(hasStrong ? `accepts ${weaker.join(' or ')} instead of MFA` : 'requires neither MFA nor an authentication strength');
  }
  return gaps;
}

/** Judges one policy. */
export function assessPolicy(policy: ConditionalAccessPolicy): PolicyAssessment {
  const apps = powerPlatformApps(policy);
  const strong = strongAuthentication(policy.grant);
  return {
    id: policy.id,
    displayName: policy.displayName,
    state: policy.state,
    enabled: policy.state === ENABLED,
    coversAdminRole: coversAdminRole(policy),
    allApps: policy.applications.include.includes(ALL) && apps.length === Object.keys(POWER_PLATFORM_APPS).length,
    powerPlatformApps: apps,
    strongAuthentication: strong,
    sessionControl: policy.session.cloudAppSecurity,
    adminGaps: adminGaps(policy, apps, strong),
  };
}

const protecting = (p: PolicyAssessment, control: string | null): ProtectingPolicy => ({
  id: p.id,
  displayName: p.displayName,
  control,
  allApps: p.allApps,
  powerPlatformApps: p.powerPlatformApps,
});

/** Derives the admin-protection and session-control facts from the Conditional Access policies. */
export function deriveAdminAccess(evidence: ConditionalAccessEvidence): AdminAccessFact {
  const policies = evidence.policies.map(assessPolicy);
  const adminProtection = policies.filter((p) => p.adminGaps.length === 0).map((p) => protecting(p, p.strongAuthentication));
  const closest = adminProtection.length > 0 ? undefined : [...policies].sort((a, b) => a.adminGaps.length - b.adminGaps.length)[0];
  const sessionCandidates = policies.filter((p) => p.sessionControl && p.powerPlatformApps.length > 0);
  return {
    policyCount: policies.length,
    enabledCount: policies.filter((p) => p.enabled).length,
    policies,
    adminProtection,
    closestAdminPolicy: closest ? { id: closest.id, displayName: closest.displayName, gaps: closest.adminGaps } : null,
    sessionControl: sessionCandidates.filter((p) => p.enabled).map((p) => protecting(p, null)),
    sessionControlNotEnforced: sessionCandidates.filter((p) => !p.enabled).map(({ id, displayName, state }) => ({ id, displayName, state })),
  };
}
