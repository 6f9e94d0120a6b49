/** Raw Dataverse `appmodules` rows (model-driven apps), as `$select`ed by the collector. */
import { z } from 'zod';

export const rawAppModuleSchema = z.looseObject({
  appmoduleid: z.string().min(1),
  name: z.string().nullish(),
  uniquename: z.string().nullish(),
  publishedon: z.string().nullish(),
  modifiedon: z.string().nullish(),
  statecode: z.number().nullish(),
});
export type RawAppModule = z.infer<typeof rawAppModuleSchema>;
