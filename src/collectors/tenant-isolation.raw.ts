/**
 * The raw tenant isolation policy (reference section 4). The GET answers
 * `{properties:{tenantId,isDisabled,allowedTenants}}`; terraform's fixtures also show the
 * unwrapped `{isDisabled, allowedTenants}` shape, so both are accepted.
 */
import { z } from 'zod';

const rawAllowedTenant = z.looseObject({
  tenantId: z.string().min(1),
  direction: z
    .looseObject({
      inbound: z.boolean().nullish(),
      outbound: z.boolean().nullish(),
    })
    .nullish(),
});

const rawPolicyFields = {
  tenantId: z.string().nullish(),
  isDisabled: z.boolean().nullish(),
  allowedTenants: z.array(rawAllowedTenant).nullish(),
};

export const rawTenantIsolationSchema = z
  .looseObject({
    ...rawPolicyFields,
    properties: z.looseObject(rawPolicyFields).nullish(),
  })
  .nullable();
export type RawTenantIsolation = z.infer<typeof rawTenantIsolationSchema>;
