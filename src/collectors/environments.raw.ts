/**
 * The raw BAP environment item (reference section 1a), as far as ppmat reads it.
 * Objects are loose: the API adds keys often and unknown keys are not an error.
 * Only what the mapper needs is required; everything else may be absent or null.
 */
import { z } from 'zod';

/** One linked enterprise policy: `{policyId, location, id, systemId, linkStatus}` (terraform `EnterprisePolicyDto`). */
const rawEnterprisePolicyLink = z.looseObject({
  policyId: z.string().nullish(),
  id: z.string().nullish(),
  linkStatus: z.string().nullish(),
});

/** Terraform's DTO holds one object per kind; accept a list too, in case several are linked. */
const rawEnterprisePolicySlot = z.union([rawEnterprisePolicyLink, z.array(rawEnterprisePolicyLink)]).nullish();

export const rawEnvironmentSchema = z.looseObject({
  name: z.string().min(1),
  location: z.string().nullish(),
  properties: z.looseObject({
    displayName: z.string().nullish(),
    environmentSku: z.string().nullish(),
    isDefault: z.boolean().nullish(),
    azureRegion: z.string().nullish(),
    createdTime: z.string().nullish(),
    /** Present when the list is asked with `$expand=properties.capacity` (reference 1a). */
    capacity: z
      .array(
        z.looseObject({
          capacityType: z.string().nullish(),
          actualConsumption: z.number().nullish(),
          ratedConsumption: z.number().nullish(),
          capacityUnit: z.string().nullish(),
          updatedOn: z.string().nullish(),
        }),
      )
      .nullish(),
    linkedEnvironmentMetadata: z
      .looseObject({
        instanceUrl: z.string().nullish(),
        instanceApiUrl: z.string().nullish(),
        securityGroupId: z.string().nullish(),
      })
      .nullish(),
    parentEnvironmentGroup: z.looseObject({ id: z.string().nullish() }).nullish(),
    governanceConfiguration: z
      .looseObject({
        protectionLevel: z.string().nullish(),
        settings: z
          .looseObject({
            extendedSettings: z.record(z.string(), z.unknown()).nullish(),
          })
          .nullish(),
      })
      .nullish(),
    enterprisePolicies: z
      .looseObject({
        vnets: rawEnterprisePolicySlot,
        customerManagedKeys: rawEnterprisePolicySlot,
      })
      .nullish(),
  }),
});
export type RawEnvironment = z.infer<typeof rawEnvironmentSchema>;
export type RawEnterprisePolicySlot = z.infer<typeof rawEnterprisePolicySlot>;

export const rawEnvironmentListSchema = z.array(rawEnvironmentSchema);
