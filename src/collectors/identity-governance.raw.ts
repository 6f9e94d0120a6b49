/**
 * The raw Graph identity governance objects, as far as ppmat reads them:
 * `accessReviewScheduleDefinition` (v1.0) and entitlement management `accessPackage` (v1.0).
 * Loose and nullish: Graph sends `null` for unset blocks and adds properties over time.
 */
import { z } from 'zod';

/** An `accessReviewQueryScope` (or another `accessReviewScope`): the part ppmat reads is its query. */
export const rawAccessReviewQueryScopeSchema = z.looseObject({
  '@odata.type': z.string().nullish(),
  query: z.string().nullish(),
  queryType: z.string().nullish(),
  queryRoot: z.string().nullish(),
});

/**
 * The `scope` of a definition: an `accessReviewQueryScope` (`query`), or a
 * `principalResourceMembershipsScope` (`principalScopes` and `resourceScopes`, each a list of
 * query scopes; e.g. guests' access to a directory role).
 */
export const rawAccessReviewScopeSchema = rawAccessReviewQueryScopeSchema.extend({
  principalScopes: z.array(rawAccessReviewQueryScopeSchema).nullish(),
  resourceScopes: z.array(rawAccessReviewQueryScopeSchema).nullish(),
});
export type RawAccessReviewScope = z.infer<typeof rawAccessReviewScopeSchema>;

export const rawAccessReviewDefinitionSchema = z.looseObject({
  id: z.string().min(1),
  displayName: z.string().nullish(),
  /** NotStarted | InProgress | Completed | ... */
  status: z.string().nullish(),
  scope: rawAccessReviewScopeSchema.nullish(),
  instanceEnumerationScope: rawAccessReviewScopeSchema.nullish(),
  settings: z
    .looseObject({
      /** `patternedRecurrence`; null (or no pattern) for a one-time review. */
      recurrence: z
        .looseObject({
          pattern: z.looseObject({ type: z.string().nullish(), interval: z.number().nullish() }).nullish(),
          range: z.looseObject({ type: z.string().nullish() }).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});
export type RawAccessReviewDefinition = z.infer<typeof rawAccessReviewDefinitionSchema>;

export const rawAccessPackageSchema = z.looseObject({
  id: z.string().min(1),
  displayName: z.string().nullish(),
  isHidden: z.boolean().nullish(),
});
export type RawAccessPackage = z.infer<typeof rawAccessPackageSchema>;

export const rawAccessReviewDefinitionListSchema = z.array(rawAccessReviewDefinitionSchema);
export const rawAccessPackageListSchema = z.array(rawAccessPackageSchema);
