/** Raw Dataverse settings rows → normalized {@link DataverseSettings} parts. Pure. */
import type { DataverseOrganization, DeploymentPipeline, InstalledSolution } from '../../evidence/inventory.schemas.js';
import { wireString } from '../wire-values.js';
import type { RawDeploymentPipeline, RawDeploymentStage, RawOrganization, RawSolution } from './dataverse-settings.raw.js';

/** `"18.205.0.0/24, 21.200.0.0/16"` → `['18.205.0.0/24', '21.200.0.0/16']`; absent or empty → `[]`. */
export function splitIpRanges(value: string | null | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((range) => range.trim())
    .filter((range) => range !== '');
}

/** Maps the `organizations` row; the legacy retention column stands in when v2 is absent (reference 3.3). */
export function mapOrganization(raw: RawOrganization): DataverseOrganization {
  return {
    auditEnabled: raw.isauditenabled ?? null,
    userAccessAuditEnabled: raw.isuseraccessauditenabled ?? null,
    readAuditEnabled: raw.isreadauditenabled ?? null,
    auditRetentionDays: raw.auditretentionperiodv2 ?? raw.auditretentionperiod ?? null,
    ipFirewallEnabled: raw.enableipbasedfirewallrule ?? null,
    ipFirewallAuditMode: raw.enableipbasedfirewallruleinauditmode ?? null,
    allowedIpRanges: splitIpRanges(raw.allowediprangeforfirewall),
    cookieBindingEnabled: raw.enableipbasedcookiebinding ?? null,
    cspEnabled: raw.iscontentsecuritypolicyenabled ?? null,
    cspEnabledForCanvas: raw.iscontentsecuritypolicyenabledforcanvas ?? null,
  };
}

/** Maps one installed solution row. */
export function mapSolution(raw: RawSolution): InstalledSolution {
  return {
    uniqueName: raw.uniquename,
    friendlyName: wireString(raw.friendlyname),
    version: wireString(raw.version),
    isManaged: raw.ismanaged ?? null,
    installedOn: wireString(raw.installedon),
  };
}

/**
 * Stages in chain order (a stage follows its `previousdeploymentstageid`; there is no rank
 * column, reference 3.2); stages outside any chain keep their API order at the end.
 */
export function orderStages(stages: readonly RawDeploymentStage[]): RawDeploymentStage[] {
  const ids = new Set(stages.map((stage) => stage.deploymentstageid));
  const next = new Map<string, RawDeploymentStage[]>();
  for (const stage of stages) {
    const previous = stage._previousdeploymentstageid_value;
    if (previous && ids.has(previous)) next.set(previous, [...(next.get(previous) ?? []), stage]);
  }
  const ordered: RawDeploymentStage[] = [];
  const placed = new Set<string>();
  const visit = (stage: RawDeploymentStage): void => {
    if (placed.has(stage.deploymentstageid)) return;
    placed.add(stage.deploymentstageid);
    ordered.push(stage);
    for (const following of next.get(stage.deploymentstageid) ?? []) visit(following);
  };
  for (const stage of stages) {
    const previous = stage._previousdeploymentstageid_value;
    if (!previous || !ids.has(previous)) visit(stage);
  }
  // A cycle has no first stage: keep its stages rather than lose them.
  for (const stage of stages) visit(stage);
  return ordered;
}

/** Pipelines with their stages; a stage whose pipeline is not in the list is left out. */
export function mapPipelines(pipelines: readonly RawDeploymentPipeline[], stages: readonly RawDeploymentStage[]): DeploymentPipeline[] {
  const ordered = orderStages(stages);
  return pipelines.map((pipeline) => ({
    id: pipeline.deploymentpipelineid,
    name: wireString(pipeline.name) ?? pipeline.deploymentpipelineid,
    stages: ordered
      .filter((stage) => stage._deploymentpipelineid_value?.toLowerCase() === pipeline.deploymentpipelineid.toLowerCase())
      .map((stage) => ({
        id: stage.deploymentstageid,
        name: wireString(stage.name) ?? stage.deploymentstageid,
        pipelineId: wireString(stage._deploymentpipelineid_value),
        targetEnvironmentId: wireString(stage.targetdeploymentenvironmentid?.environmentid),
        previousStageId: wireString(stage._previousdeploymentstageid_value),
        approvalRequired: stage.predeploymentsteprequired ?? null,
      })),
  }));
}
