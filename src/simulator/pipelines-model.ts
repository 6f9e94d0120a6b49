/**
 * The Power Platform Pipelines tables of the tenant's one pipelines host (capability-signals
 * 3.2): deployment environments, one pipeline, its stages and their runs. `single` (the
 * defined profile): one stage to production without approval; `approved` (capable): a test
 * stage, then a production stage gated by `predeploymentsteprequired`. Runs fall 2 to 44 days
 * before `asOf`, so they stay within a 90-day window for a month after it.
 *
 * Lookups are columns `_{lookup}_value`, as the Web API sends them; `navigation` lets `$expand`
 * follow them (e.g. `targetdeploymentenvironmentid($select=environmentid)`).
 */
import type { DataverseRow, DataverseTable } from './dataverse-model.js';
import { DAY_MS } from './lazy-items.js';
import { rngAt } from './prng.js';
import type { InventoryPosture } from './profiles.js';
import type { SimEnvironment } from './tenant-model.js';

/** Option values of `stagerunstatus` (capability-signals 3.2). */
export const STAGE_RUN_STATUS = { succeeded: 200000002, failed: 200000003 } as const;

const PIPELINES_KIND = 75;

export interface PipelinesOptions {
  seed: number;
  environments: readonly SimEnvironment[];
  posture: InventoryPosture;
  asOfMs: number;
}

/** The pipelines host's tables: deployment environments, pipelines, stages and stage runs. */
export function buildPipelines(options: PipelinesOptions, host: number): Record<string, DataverseTable> {
  const { environments, posture, asOfMs } = options;
  const rng = rngAt(options.seed, PIPELINES_KIND, host);
  const created = new Date(asOfMs - 200 * DAY_MS).toISOString();
  const find = (...skus: SimEnvironment['sku'][]): SimEnvironment | undefined =>
    skus.map((sku) => environments.find((env, i) => env.sku === sku && env.dataverse && i !== host)).find((env) => env !== undefined);
  const production = find('Production') ?? environments[host];
  const test = find('Sandbox', 'Production') ?? production;
  const development = find('Developer', 'Sandbox') ?? test;
  const approved = posture.pipelines === 'approved';

  const deploymentEnvironment = (env: SimEnvironment | undefined, name: string, source: boolean): DataverseRow => ({
    deploymentenvironmentid: rng.guid(),
    name,
    environmentid: env?.name ?? null,
    environmenttype: source ? 200000000 : 200000001,
    validationstatus: 200000001,
    statecode: 0,
    errormessage: null,
  });
  const devTarget = deploymentEnvironment(development, `${development?.displayName ?? 'Development'}`, true);
  const testTarget = deploymentEnvironment(test, `${test?.displayName ?? 'Test'}`, false);
  const prodTarget = deploymentEnvironment(production, `${production?.displayName ?? 'Production'}`, false);
  const pipeline: DataverseRow = {
    deploymentpipelineid: rng.guid(),
    name: approved ? 'Release to production (gated)' : 'Release to production',
    description: approved ? 'Dev, then test, then production after approval.' : 'Deploys solutions straight to production.',
    deploymenttype: 0,
    enableaideploymentnotes: false,
    enableredeployment: false,
    statecode: 0,
    createdon: created,
    modifiedon: created,
  };
  const stage = (name: string, target: DataverseRow, previous: DataverseRow | null, gated: boolean): DataverseRow => ({
    deploymentstageid: rng.guid(),
    name,
    _deploymentpipelineid_value: pipeline['deploymentpipelineid'] ?? null,
    _targetdeploymentenvironmentid_value: target['deploymentenvironmentid'] ?? null,
    _previousdeploymentstageid_value: previous?.['deploymentstageid'] ?? null,
    predeploymentsteprequired: gated,
    preexportsteprequired: false,
    isdelegateddeployment: false,
    statecode: 0,
  });
  const stages: DataverseRow[] = [];
  if (approved) {
    const testStage = stage('Test', testTarget, null, false);
    stages.push(testStage, stage('Production', prodTarget, testStage, true));
  } else {
    stages.push(stage('Production', prodTarget, null, false));
  }
  const artifactId = rng.guid();
  // Runs between 2 and 44 days before asOf: within 90 days for a month after it.
  const runCount = approved ? 14 : 4;
  const runs: DataverseRow[] = Array.from({ length: runCount }, (_, i) => {
    const target = stages[i % stages.length] ?? {};
    const failed = approved && i === 5;
    const start = new Date(asOfMs - (2 + 3 * i) * DAY_MS - rng.int(0, 86_399) * 1000).toISOString();
    const targetEnv = target === stages[0] && approved ? test : production;
    return {
      deploymentstagerunid: rng.guid(),
      _deploymentstageid_value: target['deploymentstageid'] ?? null,
      artifactname: 'ContosoExpenses',
      artifactversion: `1.0.0.${runCount - i}`,
      stagerunstatus: failed ? STAGE_RUN_STATUS.failed : STAGE_RUN_STATUS.succeeded,
      operation: 200000202,
      suboperation: 200000106,
      starttime: start,
      scheduledtime: null,
      errormessage: failed ? 'Import failed: a missing dependency (a connection reference) blocked the solution import.' : null,
      targetenvironmentid: targetEnv?.name ?? null,
      _artifactid_value: artifactId,
      createdon: start,
    };
  });
  const deploymentEnvironments = approved ? [devTarget, testTarget, prodTarget] : [devTarget, prodTarget];
  const byId = (rows: DataverseRow[], key: string) => (id: unknown): DataverseRow | null => rows.find((r) => r[key] === id) ?? null;
  const environmentById = byId(deploymentEnvironments, 'deploymentenvironmentid');
  const stageById = byId(stages, 'deploymentstageid');
  const table = (entity: string, rows: DataverseRow[], navigation?: DataverseTable['navigation']): DataverseTable => ({
    entity,
    count: rows.length,
    row: (i) => rows[i] ?? {},
    ...(navigation ? { navigation } : {}),
  });
  return {
    deploymentenvironments: table('deploymentenvironment', deploymentEnvironments),
    deploymentpipelines: table('deploymentpipeline', [pipeline]),
    deploymentstages: table('deploymentstage', stages, {
      deploymentpipelineid: () => pipeline,
      targetdeploymentenvironmentid: (row) => environmentById(row['_targetdeploymentenvironmentid_value']),
      previousdeploymentstageid: (row) => stageById(row['_previousdeploymentstageid_value']),
    }),
    deploymentstageruns: table('deploymentstagerun', runs, { deploymentstageid: (row) => stageById(row['_deploymentstageid_value']) }),
  };
}
