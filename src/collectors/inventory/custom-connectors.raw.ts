/**
 * Raw connectors (`apis`) of the PowerApps admin RP (S13 `Get-AdminPowerAppConnector`,
 * api-version 2016-11-01). The list holds the environment's custom connectors; items say so
 * with `properties.isCustomApi`. `changedTime` is the connector's last modification.
 */
import { z } from 'zod';
import { rawPrincipalRefSchema } from './principal-ref.js';

export const rawCustomConnectorSchema = z.looseObject({
  /** The connector's name, e.g. `shared_contoso-5fabc0d1e2f3a4b5`. */
  name: z.string().min(1),
  properties: z.looseObject({
    displayName: z.string().nullish(),
    isCustomApi: z.boolean().nullish(),
    createdBy: rawPrincipalRefSchema.nullish(),
    createdTime: z.string().nullish(),
    changedTime: z.string().nullish(),
  }),
});
export type RawCustomConnector = z.infer<typeof rawCustomConnectorSchema>;
