/**
 * Normalized Microsoft Graph evidence about the tenant itself and its identity governance:
 * the organization (id, domains, country, age) and, where readable, access reviews and
 * entitlement management access packages.
 *
 * As with every family, a value the API may omit is `null`, never a guessed default.
 */
import { z } from 'zod';

/** `GET /organization`: the tenant's own directory object. */
export const organizationEvidenceSchema = z.object({
  /** The tenant id. */
  id: z.string().min(1),
  displayName: z.string(),
  /** Names of every verified domain, as sent (e.g. `contoso.com`, `contoso.onmicrosoft.com`). */
  verifiedDomains: z.array(z.string()),
  /** The verified domain marked `isDefault`, null when none is. */
  defaultDomain: z.string().nullable(),
  /** ISO 3166 two-letter country of the organization, null when absent. */
  countryLetterCode: z.string().nullable(),
  createdDateTime: z.string().nullable(),
  /** `AAD` (workforce) or `CIAM` (external ID), as sent; null when absent. */
  tenantType: z.string().nullable(),
});
export type OrganizationEvidence = z.infer<typeof organizationEvidenceSchema>;

/**
 * One half of identity governance. Access reviews and entitlement management need their own
 * permission and an Entra ID P2 / ID Governance licence; a refusal of one half must not hide
 * the other, so each half says whether it was readable and, when not, why (the reason names
 * the permission or licence). An unreadable half has an empty list, which means *unknown*.
 */
const governancePartSchema = z.object({
  readable: z.boolean(),
  /** Why the part could not be read (null when readable). */
  reason: z.string().nullable(),
});

export const accessReviewDefinitionSchema = z.object({
  id: z.string().min(1),
  displayName: z.string(),
  /** NotStarted | InProgress | Completed | ... as sent; null when absent. */
  status: z.string().nullable(),
  /**
   * The query of the reviewed scope (`scope.query`, e.g. `/groups/{id}/transitiveMembers` or
   * `/roleManagement/directory/roleDefinitions/{roleId}`); for a `principalResourceMembershipsScope`
   * the resource scopes' queries joined by `; `. Null when the scope has no query.
   */
  scopeQuery: z.string().nullable(),
  /** `settings.recurrence.pattern.type` (weekly, absoluteMonthly, ...); null for a one-time review. */
  recurrence: z.string().nullable(),
  /** A scope query targets directory roles (`/roleManagement/directory/...`): it reviews admin role holders. */
  coversDirectoryRoles: z.boolean(),
});
export type AccessReviewDefinition = z.infer<typeof accessReviewDefinitionSchema>;

export const accessPackageSchema = z.object({
  id: z.string().min(1),
  displayName: z.string(),
});
export type AccessPackage = z.infer<typeof accessPackageSchema>;

/** Access reviews and entitlement management, each readable or not on its own. */
export const identityGovernanceEvidenceSchema = z.object({
  accessReviews: governancePartSchema.extend({ definitions: z.array(accessReviewDefinitionSchema) }),
  entitlementManagement: governancePartSchema.extend({ accessPackages: z.array(accessPackageSchema) }),
});
export type IdentityGovernanceEvidence = z.infer<typeof identityGovernanceEvidenceSchema>;
