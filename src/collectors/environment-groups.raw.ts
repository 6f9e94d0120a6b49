/**
 * Raw environment groups (`GET /environmentmanagement/environmentGroups`, reference 7a) and
 * rule-based policy assignments (`GET /governance/ruleBasedPolicies/environmentGroups/{id}/assignments`,
 * reference 5; fields from the terraform provider's DTO).
 */
import { z } from 'zod';

const rawPrincipal = z.looseObject({ id: z.string().nullish(), displayName: z.string().nullish(), type: z.string().nullish() });

export const rawEnvironmentGroupSchema = z.looseObject({
  id: z.string().min(1),
  displayName: z.string().nullish(),
  description: z.string().nullish(),
  parentGroupId: z.string().nullish(),
  childrenGroupIds: z.array(z.string()).nullish(),
  createdTime: z.string().nullish(),
  createdBy: rawPrincipal.nullish(),
  lastModifiedTime: z.string().nullish(),
});
export type RawEnvironmentGroup = z.infer<typeof rawEnvironmentGroupSchema>;

/**
 * One assignment of a rule-based policy to a group. `ruleSetCount` is required: ppmat asks
 * for it (`includeRuleSetCounts=true`), and a missing count must not read as "no rules".
 */
export const rawPolicyAssignmentSchema = z.looseObject({
  policyId: z.string().min(1),
  resourceId: z.string().nullish(),
  resourceType: z.string().nullish(),
  ruleSetCount: z.number().int().nonnegative(),
  tenantId: z.string().nullish(),
});
export type RawPolicyAssignment = z.infer<typeof rawPolicyAssignmentSchema>;
