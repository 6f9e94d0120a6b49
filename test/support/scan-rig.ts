/**
 * A scan rig for pipeline tests: the demo simulator (with optional faults), the real
 * collectors, HTTP client, rule set and a test database.
 */
import pino from 'pino';
import type { ScanAlertDeps } from '../../src/alerts/scan-alerts.js';
import { resolveEndpoints } from '../../src/auth/clouds.js';
import { StaticTokenCredential } from '../../src/auth/credentials.js';
import { createCollectors } from '../../src/collectors/index.js';
import { createGraphClient } from '../../src/http/graph-client.js';
import { createHttpClient } from '../../src/http/http-client.js';
import { loadRuleSet } from '../../src/rules/load-rules.js';
import type { RuleSet } from '../../src/rules/rule-set.js';
import { runScan, type ScanOutcome } from '../../src/scheduler/run-scan.js';
import { demoAttestations } from '../../src/simulator/demo-attestations.js';
import { simulatorDataverseProxy, simulatorEndpoints, startSimulator, type SimulatorOptions } from '../../src/simulator/server.js';
import { RULES_DIR } from '../../src/store/paths.js';
import { createScanRepository, type ScanRepository } from '../../src/store/scan-repository.js';
import type { TestDatabase } from './test-database.js';

let ruleSetPromise: Promise<RuleSet> | undefined;
export const shippedRuleSet = () => (ruleSetPromise ??= loadRuleSet(RULES_DIR));

export interface RigScan {
  outcome: ScanOutcome;
  simulatorRequests: number;
}

/** Scans a fresh simulator once and stores the result in `db`. */
export async function scanSimulator(
  db: TestDatabase,
  simulatorOptions: SimulatorOptions = {},
  options: { signal?: AbortSignal; abortAfterCollect?: AbortController; alerts?: ScanAlertDeps } = {},
): Promise<RigScan> {
  const simulator = await startSimulator(simulatorOptions);
  const log = pino({ level: 'silent' });
  const store: ScanRepository = createScanRepository(db.prisma, { pool: db.pool });
  const endpoints = resolveEndpoints('public', { baseUrls: simulatorEndpoints(simulator.url) });
  const dataverseProxy = simulatorDataverseProxy(simulator.url);
  const root = createHttpClient({
    baseUrls: endpoints.baseUrls,
    scopes: endpoints.scopes,
    credential: new StaticTokenCredential('test-token'),
    log,
    maxRetries: 3,
    sleep: async () => undefined,
    dataverseProxy,
  });
  const graph = createGraphClient({
    baseUrl: endpoints.baseUrls.graph,
    scope: endpoints.scopes.graph,
    credential: new StaticTokenCredential('test-token'),
    log,
    maxRetries: 3,
    sleep: async () => undefined,
  });
  try {
    await store.upsertTenant({ id: simulator.tenantId, displayName: 'Test tenant', cloud: 'public', schedule: '0 2 * * *', timezone: 'UTC', enabled: true });
    const outcome = await runScan(
      {
        store,
        ruleSet: await shippedRuleSet(),
        collectors: createCollectors(),
        createHttp: () => root.scoped(),
        createGraph: (stats) => graph.scoped(stats),
        clock: () => new Date(),
        log,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.alerts ? { alerts: options.alerts } : {}),
        ...(options.abortAfterCollect
          ? { onProgress: (e) => (e.type === 'stage' && e.stage === 'evaluating' ? options.abortAfterCollect!.abort() : undefined) }
          : {}),
      },
      { tenantId: simulator.tenantId, displayName: 'Test tenant', attestations: demoAttestations(simulatorOptions.profile ?? 'defined', new Date()) },
      'manual',
    );
    return { outcome, simulatorRequests: simulator.requests() };
  } finally {
    await simulator.close();
  }
}
