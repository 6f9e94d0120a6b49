/**
 * Raw cloud flows of the Flow admin RP (`Microsoft.ProcessSimple/scopes/admin/environments/{env}/flows`,
 * api-version 2016-11-01; reference 6c, fields used by S13 `CreateFlowObject`). The maker is
 * `properties.creator`, whose sub-fields are UNCONFIRMED beyond `objectId` and `userType`.
 */
import { z } from 'zod';

export const rawFlowCreatorSchema = z.looseObject({
  objectId: z.string().nullish(),
  userId: z.string().nullish(),
  /** `ActiveDirectory` for an Entra user. */
  userType: z.string().nullish(),
  tenantId: z.string().nullish(),
});

export const rawCloudFlowSchema = z.looseObject({
  /** The flow's GUID: the id of its permissions URL. */
  name: z.string().min(1),
  properties: z.looseObject({
    displayName: z.string().nullish(),
    state: z.string().nullish(),
    createdTime: z.string().nullish(),
    lastModifiedTime: z.string().nullish(),
    creator: rawFlowCreatorSchema.nullish(),
  }),
});
export type RawCloudFlow = z.infer<typeof rawCloudFlowSchema>;
