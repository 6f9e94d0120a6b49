/** Raw `WebsiteDto` of the Power Pages admin API (reference 8a, S16; field names verbatim). */
import { z } from 'zod';

export const rawWebsiteSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().nullish(),
  websiteUrl: z.string().nullish(),
  /** `private` | `public`. */
  siteVisibility: z.string().nullish(),
  /** `Production` | `Trial`. */
  type: z.string().nullish(),
  /** `OperationComplete` | `OperationFailed` | `OperationInProgress` | `OperationNotStarted`. */
  status: z.string().nullish(),
  ownerId: z.string().nullish(),
  createdOn: z.string().nullish(),
});
export type RawWebsite = z.infer<typeof rawWebsiteSchema>;
