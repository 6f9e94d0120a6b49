/**
 * Dataverse settings of one environment (reference capability-signals 3.1-3.3): auditing,
 * IP firewall, cookie binding and CSP from the `organizations` row; the CoE Starter Kit,
 * ALM Accelerator and Business value solutions that are installed; and, when the
 * environment hosts Power Platform Pipelines, its pipelines, stages and recent successful runs.
 */
import { z } from 'zod';
import { sectionDataSchemas, type DataverseSettings } from '../../evidence/inventory.schemas.js';
import { DATAVERSE_API_PATH, dataverseNotApplicable, dataverseUrl, listDataverse, readDataverse } from './dataverse.js';
import { mapOrganization, mapPipelines, mapSolution } from './dataverse-settings.map.js';
import {
  rawCountedPageSchema,
  rawDeploymentPipelineSchema,
  rawDeploymentStageSchema,
  rawOrganizationsPageSchema,
  rawSolutionSchema,
} from './dataverse-settings.raw.js';
import type { SectionCollector, SectionContext } from './section.js';
import { parseSection } from './section-io.js';

/**
 * Unique names of the solutions ppmat looks for. Source: reference capability-signals 3.1
 * (CoE Starter Kit `Solution.xml` files and repo folders; Audit, Innovation Backlog and ALM
 * Accelerator names are UNCONFIRMED there). Dataverse compares strings case-insensitively,
 * which covers the `CenterOfExcellence…` zip-name casing.
 */
export const KNOWN_SOLUTIONS = [
  'CenterofExcellenceCoreComponents',
  'CenterofExcellenceAuditComponents',
  'CenterofExcellenceNurtureComponents',
  'CenterofExcellenceInnovationBacklog',
  'business_value_core',
  'CenterofExcellenceALMAccelerator',
] as const;

export const ORGANIZATION_QUERY = {
  $select:
    'isauditenabled,isuseraccessauditenabled,isreadauditenabled,auditretentionperiodv2,auditretentionperiod,' +
    'enableipbasedfirewallrule,enableipbasedfirewallruleinauditmode,allowediprangeforfirewall,enableipbasedcookiebinding,' +
    'iscontentsecuritypolicyenabled,iscontentsecuritypolicyenabledforcanvas',
} as const;

export const SOLUTIONS_QUERY = {
  $select: 'uniquename,friendlyname,version,ismanaged,installedon',
  $filter: KNOWN_SOLUTIONS.map((name) => `uniquename eq '${name}'`).join(' or '),
} as const;

export const PIPELINES_QUERY = { $select: 'deploymentpipelineid,name' } as const;

/**
 * Lookups are selected as `_{lookup}_value` (the Web API refuses their plain names in
 * `$select`); the target is expanded to its BAP environment id, which is what facts compare.
 */
export const STAGES_QUERY = {
  $select: 'deploymentstageid,name,_deploymentpipelineid_value,_previousdeploymentstageid_value,predeploymentsteprequired',
  $expand: 'targetdeploymentenvironmentid($select=environmentid)',
} as const;

/** `stagerunstatus` of a succeeded stage run (reference 3.2, from the MS power-platform-skills doc). */
export const STAGE_RUN_SUCCEEDED = 200000002;

/** How far back successful runs count as "pipelines used". */
export const RUN_WINDOW_DAYS = 90;

/**
 * A 404 for `deploymentpipelines` that names the table: the Pipelines package is absent, so the
 * environment is no pipelines host (reference 3.2). Any other 404 is an error (see `missingTable`).
 */
export const NOT_A_PIPELINES_HOST_STATUSES = [404] as const;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The succeeded stage runs since `now` minus {@link RUN_WINDOW_DAYS}, counted by the server. */
export function stageRunsQuery(now: Date): Record<string, string> {
  const since = new Date(now.getTime() - RUN_WINDOW_DAYS * DAY_MS).toISOString();
  return { $filter: `stagerunstatus eq ${STAGE_RUN_SUCCEEDED} and starttime ge ${since}`, $select: 'deploymentstagerunid', $count: 'true' };
}

/** Creates the Dataverse settings section collector. */
export function createDataverseSettingsCollector(): SectionCollector<'dataverse'> {
  return {
    key: 'dataverse',
    notApplicable: dataverseNotApplicable,
    // Pipelines' stages and runs are asked only of a pipelines host, so only its probe is read in advance.
    prefetch: (environment) => [
      dataverseUrl(environment, 'organizations', ORGANIZATION_QUERY),
      dataverseUrl(environment, 'solutions', SOLUTIONS_QUERY),
      dataverseUrl(environment, 'deploymentpipelines', PIPELINES_QUERY),
    ],
    tenantWideRefusal: false,
    async collect(ctx): Promise<DataverseSettings> {
      const organization = await readOrganization(ctx);
      const solutions = await readSolutions(ctx);
      const pipelines = await readPipelines(ctx);
      const settings = { organization, solutions, ...pipelines };
      const data = parseSection(sectionDataSchemas.dataverse, settings, { section: 'dataverse', environment: ctx.environment, url: `${ctx.environment.dataverseUrl ?? ''}${DATAVERSE_API_PATH}` });
      ctx.log.debug(
        { environmentId: ctx.environment.id, solutions: data.solutions.length, pipelinesHost: data.pipelinesHost, pipelines: data.pipelines.length },
        'Dataverse settings collected',
      );
      return data;
    },
  };
}

/** The one `organizations` row; null when the table answered no row. */
async function readOrganization(ctx: SectionContext<'dataverse'>): Promise<DataverseSettings['organization']> {
  const url = dataverseUrl(ctx.environment, 'organizations', ORGANIZATION_QUERY);
  const response = await readDataverse(ctx, 'organizations', () => ctx.http.request<unknown>({ surface: 'dataverse', url, ...(ctx.signal ? { signal: ctx.signal } : {}) }));
  ctx.http.stats.pages += 1;
  const page = parseSection(rawOrganizationsPageSchema, response.data, { section: 'dataverse', environment: ctx.environment, url });
  const row = page.value[0];
  return row ? mapOrganization(row) : null;
}

async function readSolutions(ctx: SectionContext<'dataverse'>): Promise<DataverseSettings['solutions']> {
  const { url, rows } = await listDataverse(ctx, { section: 'dataverse', entitySet: 'solutions', params: SOLUTIONS_QUERY });
  return parseSection(z.array(rawSolutionSchema), rows ?? [], { section: 'dataverse', environment: ctx.environment, url, pathPrefix: ['value'] }).map(mapSolution);
}

type PipelinesPart = Pick<DataverseSettings, 'pipelinesHost' | 'pipelines' | 'successfulRunsLast90Days'>;

/** Pipelines, stages and the run count; on an environment that is no pipelines host, nothing more is asked. */
async function readPipelines(ctx: SectionContext<'dataverse'>): Promise<PipelinesPart> {
  const listed = await listDataverse(ctx, { section: 'dataverse', entitySet: 'deploymentpipelines', params: PIPELINES_QUERY, noneStatuses: NOT_A_PIPELINES_HOST_STATUSES });
  if (listed.rows === null) return { pipelinesHost: false, pipelines: [], successfulRunsLast90Days: null };
  const where = { section: 'dataverse', environment: ctx.environment, pathPrefix: ['value'] } as const;
  const pipelines = parseSection(z.array(rawDeploymentPipelineSchema), listed.rows, { ...where, url: listed.url });
  const stagesListed = await listDataverse(ctx, { section: 'dataverse', entitySet: 'deploymentstages', params: STAGES_QUERY });
  const stages = parseSection(z.array(rawDeploymentStageSchema), stagesListed.rows ?? [], { ...where, url: stagesListed.url });
  return { pipelinesHost: true, pipelines: mapPipelines(pipelines, stages), successfulRunsLast90Days: await countSuccessfulRuns(ctx) };
}

/**
 * `@odata.count` of the succeeded runs when the server sent it (Dataverse caps it at 5,000,
 * enough to tell "used"), else the rows of every page.
 */
async function countSuccessfulRuns(ctx: SectionContext<'dataverse'>): Promise<number> {
  const url = dataverseUrl(ctx.environment, 'deploymentstageruns', stageRunsQuery(ctx.now));
  const signal = ctx.signal ? { signal: ctx.signal } : {};
  return readDataverse(ctx, 'deploymentstageruns', async () => {
    const response = await ctx.http.request<unknown>({ surface: 'dataverse', url, ...signal });
    ctx.http.stats.pages += 1;
    const page = parseSection(rawCountedPageSchema, response.data, { section: 'dataverse', environment: ctx.environment, url });
    const counted = page['@odata.count'];
    if (typeof counted === 'number') return counted;
    const link = page['@odata.nextLink'];
    const rest = link ? await ctx.http.paginate<unknown>({ surface: 'dataverse', url: link, ...signal }) : [];
    return page.value.length + rest.length;
  });
}
