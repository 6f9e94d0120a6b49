/**
 * The raw Graph `organization` (v1.0) with `$select=id,displayName,verifiedDomains,
 * countryLetterCode,createdDateTime,tenantType`. Loose, and nullish wherever Graph may send
 * `null` (a tenant created before `createdDateTime` was recorded has none).
 */
import { z } from 'zod';

export const rawVerifiedDomainSchema = z.looseObject({
  name: z.string().min(1),
  isDefault: z.boolean().nullish(),
  isInitial: z.boolean().nullish(),
  /** Managed | Federated */
  type: z.string().nullish(),
});

export const rawOrganizationSchema = z.looseObject({
  id: z.string().min(1),
  displayName: z.string().nullish(),
  verifiedDomains: z.array(rawVerifiedDomainSchema).nullish(),
  countryLetterCode: z.string().nullish(),
  createdDateTime: z.string().nullish(),
  tenantType: z.string().nullish(),
});
export type RawOrganization = z.infer<typeof rawOrganizationSchema>;

export const rawOrganizationListSchema = z.array(rawOrganizationSchema);
