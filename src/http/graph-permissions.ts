/**
 * The Microsoft Graph application permission each endpoint ppmat reads needs. A 403 from
 * Graph almost always means one of these was not granted (or not admin-consented), so the
 * error message and `ppmat doctor` name the exact permission instead of a generic hint.
 */

/** Graph API version ppmat reads: every endpoint below is GA in v1.0 (reference section 9). */
export const GRAPH_API_VERSION = 'v1.0';

/** The Graph endpoints ppmat reads, relative to the version root. */
export const GRAPH_PATHS = {
  conditionalAccessPolicies: '/identity/conditionalAccess/policies',
  roleAssignments: '/roleManagement/directory/roleAssignments',
  roleEligibilityScheduleInstances: '/roleManagement/directory/roleEligibilityScheduleInstances',
  roleAssignmentScheduleInstances: '/roleManagement/directory/roleAssignmentScheduleInstances',
  organization: '/organization',
  accessReviewDefinitions: '/identityGovernance/accessReviews/definitions',
  accessPackages: '/identityGovernance/entitlementManagement/accessPackages',
} as const;
export type GraphPath = (typeof GRAPH_PATHS)[keyof typeof GRAPH_PATHS];

/**
 * Least-privileged application permission per endpoint (ScubaGear's permission catalogue,
 * reference section 9; Graph API reference "Permissions" tables).
 */
export const GRAPH_PERMISSIONS: Readonly<Record<GraphPath, string>> = {
  [GRAPH_PATHS.conditionalAccessPolicies]: 'Policy.Read.All',
  [GRAPH_PATHS.roleAssignments]: 'RoleManagement.Read.Directory',
  [GRAPH_PATHS.roleEligibilityScheduleInstances]: 'RoleEligibilitySchedule.Read.Directory',
  [GRAPH_PATHS.roleAssignmentScheduleInstances]: 'RoleAssignmentSchedule.Read.Directory',
  // Directory.Read.All also reads the organization; Organization.Read.All is the least privileged.
  [GRAPH_PATHS.organization]: 'Organization.Read.All',
  [GRAPH_PATHS.accessReviewDefinitions]: 'AccessReview.Read.All',
  [GRAPH_PATHS.accessPackages]: 'EntitlementManagement.Read.All',
};

/**
 * The permission a Graph URL needs, from its path (version segment and query ignored,
 * compared without case like Graph does); null for an endpoint ppmat does not know.
 */
export function graphPermissionFor(url: string): string | null {
  let pathname: string;
  try {
    pathname = new URL(url, 'https://graph.invalid').pathname;
  } catch {
    return null;
  }
  const path = pathname.replace(/^\/(v1\.0|beta)(?=\/)/i, '').replace(/\/+$/, '').toLowerCase();
  for (const [endpoint, permission] of Object.entries(GRAPH_PERMISSIONS)) {
    if (endpoint.toLowerCase() === path) return permission;
  }
  return null;
}

/** The 403 hint for a Graph URL: the permission to grant and that it needs admin consent. */
export function graphForbiddenHint(url: string): string {
  const permission = graphPermissionFor(url);
  return permission === null
    ? 'the app lacks the Microsoft Graph application permission for this endpoint, or admin consent for it'
    : `the app lacks the Microsoft Graph application permission ${permission} (grant it to the app registration as an application permission, with admin consent)`;
}
