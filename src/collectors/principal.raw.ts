/**
 * The raw Graph `directoryObject` expanded as `principal` on role assignments and schedule
 * instances. Loose: Graph adds properties freely; only what the mapper reads is declared.
 */
import { z } from 'zod';

export const rawPrincipalSchema = z.looseObject({
  '@odata.type': z.string().nullish(),
  id: z.string().nullish(),
  displayName: z.string().nullish(),
  userPrincipalName: z.string().nullish(),
});
export type RawPrincipal = z.infer<typeof rawPrincipalSchema>;
