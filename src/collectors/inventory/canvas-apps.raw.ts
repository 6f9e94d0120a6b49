/**
 * Raw canvas apps of the PowerApps admin RP (`scopes/admin/environments/{env}/apps`,
 * api-version 2016-11-01; reference 6a, shape from the terraform fixture S12). Loose: the RP
 * adds properties freely; only what the mapper reads is declared, and optional where it may be omitted.
 */
import { z } from 'zod';
import { rawPrincipalRefSchema } from './principal-ref.js';

export const rawCanvasAppSchema = z.looseObject({
  /** The app's GUID: the id of its permissions URL. */
  name: z.string().min(1),
  properties: z.looseObject({
    displayName: z.string().nullish(),
    owner: rawPrincipalRefSchema.nullish(),
    createdTime: z.string().nullish(),
    lastModifiedTime: z.string().nullish(),
    lastPublishTime: z.string().nullish(),
    sharedUsersCount: z.number().nullish(),
    sharedGroupsCount: z.number().nullish(),
    almMode: z.string().nullish(),
    usesPremiumApi: z.boolean().nullish(),
    executionRestrictions: z
      .looseObject({
        dataLossPreventionEvaluationResult: z.looseObject({ status: z.string().nullish() }).nullish(),
      })
      .nullish(),
  }),
});
export type RawCanvasApp = z.infer<typeof rawCanvasAppSchema>;
