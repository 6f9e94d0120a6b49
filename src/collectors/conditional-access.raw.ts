/**
 * The raw Graph `conditionalAccessPolicy` (v1.0), as far as ppmat reads it. Objects are
 * loose and nearly everything is nullish: Graph sends `null` for unset condition blocks and
 * session controls, and adds properties over time.
 */
import { z } from 'zod';

const ids = z.array(z.string()).nullish();

export const rawConditionalAccessPolicySchema = z.looseObject({
  id: z.string().min(1),
  displayName: z.string().nullish(),
  state: z.string().nullish(),
  conditions: z
    .looseObject({
      users: z
        .looseObject({
          includeUsers: ids,
          excludeUsers: ids,
          includeGroups: ids,
          excludeGroups: ids,
          includeRoles: ids,
          excludeRoles: ids,
        })
        .nullish(),
      applications: z.looseObject({ includeApplications: ids, excludeApplications: ids }).nullish(),
    })
    .nullish(),
  grantControls: z
    .looseObject({
      operator: z.string().nullish(),
      builtInControls: ids,
      authenticationStrength: z.looseObject({ id: z.string().nullish(), displayName: z.string().nullish() }).nullish(),
    })
    .nullish(),
  sessionControls: z
    .looseObject({
      cloudAppSecurity: z.looseObject({ isEnabled: z.boolean().nullish(), cloudAppSecurityType: z.string().nullish() }).nullish(),
      signInFrequency: z.looseObject({ isEnabled: z.boolean().nullish() }).nullish(),
      /** beta only (reference capability-signals 3.7); absent in v1.0 answers. */
      continuousAccessEvaluation: z.looseObject({ mode: z.string().nullish() }).nullish(),
    })
    .nullish(),
});
export type RawConditionalAccessPolicy = z.infer<typeof rawConditionalAccessPolicySchema>;

export const rawConditionalAccessPolicyListSchema = z.array(rawConditionalAccessPolicySchema);
