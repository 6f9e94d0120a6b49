/**
 * Normalized Microsoft Graph evidence: Conditional Access and who holds the admin roles
 * that matter to Power Platform, directly and through PIM.
 *
 * As with every family, a value the API may omit is `null`, never a guessed default.
 */
import { z } from 'zod';

/** Role template ids (stable across tenants) of the directory roles ppmat reads. Source: Entra built-in roles. */
export const ROLE_TEMPLATES = {
  powerPlatformAdministrator: '11648597-926c-4cf3-9c36-bcebb0ba8dcc',
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  dynamics365Administrator: '44367163-eba1-44c3-98af-f5787879f96a',
} as const;

export const conditionalAccessPolicySchema = z.object({
  id: z.string().min(1),
  displayName: z.string(),
  /** enabled | disabled | enabledForReportingButNotEnforced */
  state: z.string(),
  users: z.object({
    /** User ids, or the keywords `All`, `None`, `GuestsOrExternalUsers`. */
    include: z.array(z.string()),
    exclude: z.array(z.string()),
    includeGroups: z.array(z.string()),
    excludeGroups: z.array(z.string()),
    /** Directory role template ids. */
    includeRoles: z.array(z.string()),
    excludeRoles: z.array(z.string()),
  }),
  applications: z.object({
    /** App ids, or `All`, `Office365`, `None`. */
    include: z.array(z.string()),
    exclude: z.array(z.string()),
  }),
  grant: z.object({
    /** AND | OR, null when the policy has no grant controls. */
    operator: z.string().nullable(),
    /** e.g. mfa, compliantDevice, domainJoinedDevice, block. */
    builtInControls: z.array(z.string()),
    /** Display name (or id) of the required authentication strength, null when none. */
    authenticationStrength: z.string().nullable(),
  }),
  session: z.object({
    /** Defender for Cloud Apps session control is on. */
    cloudAppSecurity: z.boolean(),
    /** `continuousAccessEvaluation.mode` (strictEnforcement, disabled), null when not set. */
    continuousAccessEvaluation: z.string().nullable(),
    signInFrequency: z.boolean(),
  }),
});
export type ConditionalAccessPolicy = z.infer<typeof conditionalAccessPolicySchema>;

export const conditionalAccessEvidenceSchema = z.object({
  policies: z.array(conditionalAccessPolicySchema),
});
export type ConditionalAccessEvidence = z.infer<typeof conditionalAccessEvidenceSchema>;

export const principalSchema = z.object({
  id: z.string().min(1),
  /** user | group | servicePrincipal | unknown (the directory did not say). */
  type: z.enum(['user', 'group', 'servicePrincipal', 'unknown']),
  displayName: z.string().nullable(),
  /** For users: the UPN; null otherwise or when not returned. */
  userPrincipalName: z.string().nullable(),
});
export type Principal = z.infer<typeof principalSchema>;

/** Active (standing) directory role assignments, from `roleManagement/directory/roleAssignments`. */
export const roleAssignmentsEvidenceSchema = z.object({
  roles: z.array(
    z.object({
      roleTemplateId: z.string(),
      displayName: z.string(),
      assignments: z.array(z.object({ principal: principalSchema, directoryScopeId: z.string() })),
    }),
  ),
});
export type RoleAssignmentsEvidence = z.infer<typeof roleAssignmentsEvidenceSchema>;

const scheduleInstanceSchema = z.object({
  principal: principalSchema,
  startDateTime: z.string().nullable(),
  /** null: permanent. */
  endDateTime: z.string().nullable(),
});

/**
 * Privileged Identity Management: eligible assignments (`roleEligibilityScheduleInstances`) and
 * active ones (`roleAssignmentScheduleInstances`, whose `assignmentType` says whether an
 * assignment is standing — `Assigned` — or a time-bound activation — `Activated`).
 * Unreadable without Entra ID P2 or the permissions: then this evidence is not `ok`.
 */
export const pimSchedulesEvidenceSchema = z.object({
  roles: z.array(
    z.object({
      roleTemplateId: z.string(),
      displayName: z.string(),
      eligible: z.array(scheduleInstanceSchema),
      active: z.array(scheduleInstanceSchema.extend({ assignmentType: z.string().nullable() })),
    }),
  ),
});
export type PimSchedulesEvidence = z.infer<typeof pimSchedulesEvidenceSchema>;
