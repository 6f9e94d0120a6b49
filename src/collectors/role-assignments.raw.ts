/**
 * The raw Graph `unifiedRoleAssignment` with `$expand=principal`, as far as ppmat reads it.
 */
import { z } from 'zod';
import { rawPrincipalSchema } from './principal.raw.js';

export const rawRoleAssignmentSchema = z.looseObject({
  principalId: z.string().min(1),
  roleDefinitionId: z.string().nullish(),
  /** `/` for the whole directory; an administrative unit or app scope otherwise. */
  directoryScopeId: z.string().nullish(),
  principal: rawPrincipalSchema.nullish(),
});
export type RawRoleAssignment = z.infer<typeof rawRoleAssignmentSchema>;

export const rawRoleAssignmentListSchema = z.array(rawRoleAssignmentSchema);
