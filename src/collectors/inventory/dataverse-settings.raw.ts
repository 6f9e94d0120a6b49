/**
 * Raw Dataverse rows behind the environment's settings (reference capability-signals 3.1-3.3):
 * the `organizations` row, installed `solutions`, and the Power Platform Pipelines tables.
 * Loose and nullish: a column an older organization lacks is absent, and absent is unknown.
 */
import { z } from 'zod';

export const rawOrganizationSchema = z.looseObject({
  isauditenabled: z.boolean().nullish(),
  isuseraccessauditenabled: z.boolean().nullish(),
  isreadauditenabled: z.boolean().nullish(),
  auditretentionperiodv2: z.number().nullish(),
  /** The legacy column some environments still carry instead of v2 (reference 3.3). */
  auditretentionperiod: z.number().nullish(),
  enableipbasedfirewallrule: z.boolean().nullish(),
  enableipbasedfirewallruleinauditmode: z.boolean().nullish(),
  /** Comma-separated CIDR ranges, e.g. `"18.205.0.0/24,21.200.0.0/16"`. */
  allowediprangeforfirewall: z.string().nullish(),
  enableipbasedcookiebinding: z.boolean().nullish(),
  iscontentsecuritypolicyenabled: z.boolean().nullish(),
  iscontentsecuritypolicyenabledforcanvas: z.boolean().nullish(),
});
export type RawOrganization = z.infer<typeof rawOrganizationSchema>;

/** The `organizations` answer: a list of (exactly one) row. */
export const rawOrganizationsPageSchema = z.looseObject({ value: z.array(rawOrganizationSchema) });

export const rawSolutionSchema = z.looseObject({
  uniquename: z.string().min(1),
  friendlyname: z.string().nullish(),
  version: z.string().nullish(),
  ismanaged: z.boolean().nullish(),
  installedon: z.string().nullish(),
});
export type RawSolution = z.infer<typeof rawSolutionSchema>;

export const rawDeploymentPipelineSchema = z.looseObject({
  deploymentpipelineid: z.string().min(1),
  name: z.string().nullish(),
});
export type RawDeploymentPipeline = z.infer<typeof rawDeploymentPipelineSchema>;

/** A stage; its lookups arrive as `_{lookup}_value`, the target expanded to its BAP environment id. */
export const rawDeploymentStageSchema = z.looseObject({
  deploymentstageid: z.string().min(1),
  name: z.string().nullish(),
  _deploymentpipelineid_value: z.string().nullish(),
  _previousdeploymentstageid_value: z.string().nullish(),
  predeploymentsteprequired: z.boolean().nullish(),
  targetdeploymentenvironmentid: z.looseObject({ environmentid: z.string().nullish() }).nullish(),
});
export type RawDeploymentStage = z.infer<typeof rawDeploymentStageSchema>;

/** The first page of a counted query: `@odata.count` when the server counted, else the rows. */
export const rawCountedPageSchema = z.looseObject({
  value: z.array(z.unknown()),
  '@odata.count': z.number().int().nonnegative().nullish(),
  '@odata.nextLink': z.string().nullish(),
});
