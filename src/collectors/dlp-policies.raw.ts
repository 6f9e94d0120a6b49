/**
 * Raw v2 DLP policies (`PowerPlatform.Governance/v2/policies`, reference section 3b).
 * Every item wraps its fields in `policyDefinition`; the list omits connector groups
 * and rules, which only the per-policy detail carries.
 */
import { z } from 'zod';

export const DLP_ENVIRONMENT_TYPES = ['AllEnvironments', 'ExceptEnvironments', 'OnlyEnvironments'] as const;

const rawConnectorRef = z.looseObject({ id: z.string().min(1), name: z.string().nullish() });

const rawConnectorGroup = z.looseObject({
  classification: z.string(),
  connectors: z.array(rawConnectorRef).nullish(),
});

const rawPolicyDefinition = z.looseObject({
  name: z.string().min(1),
  displayName: z.string().nullish(),
  defaultConnectorsClassification: z.string().nullish(),
  environmentType: z.enum(DLP_ENVIRONMENT_TYPES),
  environments: z.array(z.looseObject({ name: z.string().min(1), id: z.string().nullish() })).nullish(),
  connectorGroups: z.array(rawConnectorGroup).nullish(),
  createdTime: z.string().nullish(),
  lastModifiedTime: z.string().nullish(),
});

/** An endpoint rule; the terraform fixture spells it `endPoint`, its DTO `endpoint` (reference 3b). */
const rawEndpointRule = z.looseObject({
  order: z.number().nullish(),
  behavior: z.string().nullish(),
  endpoint: z.string().nullish(),
  endPoint: z.string().nullish(),
});
export type RawEndpointRule = z.infer<typeof rawEndpointRule>;

/** One list item: the name, to fetch the detail, and the change time, to reuse the last scan's detail. */
export const rawDlpPolicyListItemSchema = z.looseObject({
  policyDefinition: z.looseObject({ name: z.string().min(1), lastModifiedTime: z.string().nullish() }),
});

export const rawDlpPolicyDetailSchema = z.looseObject({
  policyDefinition: rawPolicyDefinition,
  connectorConfigurationsDefinition: z
    .looseObject({
      connectorActionConfigurations: z.array(z.looseObject({ connectorId: z.string().min(1) })).nullish(),
      endpointConfigurations: z
        .array(
          z.looseObject({
            connectorId: z.string().min(1),
            endpointRules: z.array(rawEndpointRule).nullish(),
          }),
        )
        .nullish(),
    })
    .nullish(),
  customConnectorUrlPatternsDefinition: z
    .looseObject({
      rules: z
        .array(
          z.looseObject({
            order: z.number(),
            customConnectorRuleClassification: z.string(),
            pattern: z.string(),
          }),
        )
        .nullish(),
    })
    .nullish(),
});
export type RawDlpPolicyDetail = z.infer<typeof rawDlpPolicyDetailSchema>;
