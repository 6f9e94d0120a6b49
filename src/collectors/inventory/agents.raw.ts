/**
 * Raw Dataverse `bots` rows (Copilot Studio agents; reference capability-signals 3.5). The
 * owner lookup's annotations come only when the server includes them; they are read when present.
 */
import { z } from 'zod';

/** OData annotations of the `_ownerid_value` lookup: the owner's name and its table (`systemuser` or `team`). */
export const OWNER_NAME_ANNOTATION = '_ownerid_value@OData.Community.Display.V1.FormattedValue';
export const OWNER_TABLE_ANNOTATION = '_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname';

export const rawBotSchema = z.looseObject({
  botid: z.string().min(1),
  name: z.string().nullish(),
  schemaname: z.string().nullish(),
  statecode: z.number().nullish(),
  statuscode: z.number().nullish(),
  publishedon: z.string().nullish(),
  modifiedon: z.string().nullish(),
  authenticationmode: z.number().nullish(),
  accesscontrolpolicy: z.number().nullish(),
  _ownerid_value: z.string().nullish(),
  [OWNER_NAME_ANNOTATION]: z.string().nullish(),
  [OWNER_TABLE_ANNOTATION]: z.string().nullish(),
});
export type RawBot = z.infer<typeof rawBotSchema>;
