/**
 * The raw Graph PIM schedule instances with `$expand=principal`:
 * `unifiedRoleEligibilityScheduleInstance` and `unifiedRoleAssignmentScheduleInstance`.
 */
import { z } from 'zod';
import { rawPrincipalSchema } from './principal.raw.js';

export const rawEligibilityInstanceSchema = z.looseObject({
  principalId: z.string().min(1),
  roleDefinitionId: z.string().nullish(),
  directoryScopeId: z.string().nullish(),
  startDateTime: z.string().nullish(),
  /** null: permanent. */
  endDateTime: z.string().nullish(),
  /** Direct | Group (inherited through a role-assignable group). */
  memberType: z.string().nullish(),
  principal: rawPrincipalSchema.nullish(),
});
export type RawEligibilityInstance = z.infer<typeof rawEligibilityInstanceSchema>;

export const rawAssignmentInstanceSchema = rawEligibilityInstanceSchema.extend({
  /** Assigned (standing) | Activated (time-bound, through PIM). */
  assignmentType: z.string().nullish(),
});
export type RawAssignmentInstance = z.infer<typeof rawAssignmentInstanceSchema>;

export const rawEligibilityInstanceListSchema = z.array(rawEligibilityInstanceSchema);
export const rawAssignmentInstanceListSchema = z.array(rawAssignmentInstanceSchema);
