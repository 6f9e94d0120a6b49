/**
 * The rig of the fault matrix (fault-matrix.test.ts): what each collector calls, derived by
 * running it alone against the simulator, and scans of one tenant "lane" whose every cell
 * starts from the same stored baseline.
 *
 * Rows come from the code: every collector of `createCollectors()`, the inventory's own
 * requests (the owner lookups) and every inventory section of `createSectionCollectors()`.
 * Each row's fault targets are the simulator endpoint families (or Dataverse tables) it
 * requested when run alone: no hand-kept map to go stale.
 */
import pino from 'pino';
import type { ScanAlertDeps } from '../../src/alerts/scan-alerts.js';
import { resolveEndpoints } from '../../src/auth/clouds.js';
import { StaticTokenCredential } from '../../src/auth/credentials.js';
import { createCollectors } from '../../src/collectors/index.js';
import { createInventoryCollector } from '../../src/collectors/inventory/inventory.collector.js';
import { createSectionCollectors } from '../../src/collectors/inventory/sections.js';
import type { Collector, PartitionStore } from '../../src/collectors/types.js';
import type { Config } from '../../src/config/config-schema.js';
import type { InventorySection } from '../../src/evidence/inventory.schemas.js';
import type { EvidenceDataByKey, EvidenceKey } from '../../src/evidence/schemas.js';
import { diffEvidence } from '../../src/history/evidence-diff.js';
import { createGraphClient, type PpmatGraphClient } from '../../src/http/graph-client.js';
import { createHostLimiter } from '../../src/http/host-limiter.js';
import { createHttpClient, type PpmatHttpClient } from '../../src/http/http-client.js';
import type { RuleSet } from '../../src/rules/rule-set.js';
import { runScan, type ScanOutcome } from '../../src/scheduler/run-scan.js';
import { demoAttestations } from '../../src/simulator/demo-attestations.js';
import { simulatorDataverseProxy, simulatorEndpoints, startSimulator, type FaultTarget, type SimulatorOptions } from '../../src/simulator/server.js';
import { createAlertStore } from '../../src/store/alert-store.js';
import { createScanReader } from '../../src/store/scan-reader.js';
import { createScanRepository, type ScanRepository } from '../../src/store/scan-repository.js';
import type { TestDatabase } from '../support/test-database.js';

const log = pino({ level: 'silent' });
export const PROFILE = 'defined' as const;
/**
 * The demo tenant of every scan: the `defined` profile, on 6 environments instead of 12. It
 * still has every kind (default, production, sandbox, developer, with and without Dataverse,
 * the CoE and pipelines hosts) and judges every statement as on 12, and a fault that every
 * environment pays for (a 429 storm honoured host-wide, a timeout) costs half as long.
 */
export const TENANT: SimulatorOptions = { profile: PROFILE, environments: 6 };

/** One row of the matrix: a collector, the inventory's owner lookups, or one inventory section. */
export interface Row {
  /** `environments`, `inventory` (the owner lookups), `inventory.canvasApps`, ... */
  id: string;
  kind: 'collector' | 'owners' | 'section';
  /** The evidence it contributes to. */
  key: EvidenceKey;
  section?: InventorySection;
  /** What the simulator faults for this row: the families (or Dataverse tables) it requested alone. */
  targets: FaultTarget[];
  /** The evidence of other collectors it reads (`ctx.upstream`). */
  upstream: EvidenceKey[];
}

/** The HTTP clients of one scan, as `tenant-targets.ts` builds them from the config's `http` settings (real sleeps, one host limiter). */
function clientsFor(url: string, http: Config['http']): { root: PpmatHttpClient; graph: PpmatGraphClient } {
  const endpoints = resolveEndpoints('public', { baseUrls: simulatorEndpoints(url) });
  const credential = new StaticTokenCredential('fault-matrix-token');
  const hostLimiter = createHostLimiter({ maxConcurrency: http.maxConcurrencyPerHost });
  const common = { credential, log, timeoutMs: http.timeoutMs, maxRetries: http.maxRetries, hostLimiter };
  return {
    root: createHttpClient({ ...common, baseUrls: endpoints.baseUrls, scopes: endpoints.scopes, dataverseProxy: simulatorDataverseProxy(url) }),
    graph: createGraphClient({ ...common, baseUrl: endpoints.baseUrls.graph, scope: endpoints.scopes.graph }),
  };
}

/** A partition store that keeps nothing: the probes need no documents. */
const NO_PARTITIONS: PartitionStore = { previous: async () => new Map(), put: async () => 'unstored' };

/** The targets a run requested, from the simulator's accounting: families, with Dataverse broken down into its tables. */
function targetsOf(stats: { byFamily: Record<string, number>; byDataverseTable: Record<string, number> }): FaultTarget[] {
  const families = Object.keys(stats.byFamily).filter((family) => family !== 'other' && family !== 'dataverse') as FaultTarget[];
  const tables = stats.byFamily['dataverse'] ? Object.keys(stats.byDataverseTable).map((table): FaultTarget => `dataverse:${table}`) : [];
  return [...families, ...tables].sort();
}

/** Runs `collector` alone against a fresh simulator; what it requested and which upstream evidence it read. */
async function probe(collector: Collector, tenantId: string, evidence: ScanOutcome['snapshot']['evidence'], http: Config['http']): Promise<{ targets: FaultTarget[]; upstream: EvidenceKey[] }> {
  const simulator = await startSimulator({ ...TENANT, tenantId });
  const upstream = new Set<EvidenceKey>();
  try {
    const { root, graph } = clientsFor(simulator.url, http);
    const client = root.scoped();
    await collector.collect({
      tenantId,
      http: client,
      graph: graph.scoped(client.stats),
      log,
      partitions: NO_PARTITIONS,
      now: new Date(),
      upstream: async <K extends EvidenceKey>(key: K) => {
        upstream.add(key);
        return evidence[key]?.data as EvidenceDataByKey[K];
      },
    });
    return { targets: targetsOf(simulator.stats()), upstream: [...upstream].sort() };
  } finally {
    await simulator.close();
  }
}

/**
 * The rows, derived: each collector run alone (the inventory with all its sections and owner
 * lookups), then each inventory section alone (no owner lookups); the inventory's own row
 * keeps what its sections do not request (the owner lookups).
 */
export async function deriveRows(tenantId: string, baseline: ScanOutcome, http: Config['http']): Promise<Row[]> {
  const evidence = baseline.snapshot.evidence;
  const sections: Row[] = [];
  const all = createSectionCollectors();
  for (const section of all) {
    // The runner reports every section, so the others are there but not applicable: they request nothing.
    const alone = all.map((other) => (other === section ? other : { ...other, notApplicable: () => 'not probed', prefetch: undefined }));
    const found = await probe(createInventoryCollector({ sections: alone, lookUpOwners: false }), tenantId, evidence, http);
    sections.push({ id: `inventory.${section.key}`, kind: 'section', key: 'inventory', section: section.key, ...found });
  }
  const bySections = new Set(sections.flatMap((row) => row.targets));
  const rows: Row[] = [];
  for (const collector of createCollectors()) {
    const found = await probe(collector, tenantId, evidence, http);
    if (collector.key !== 'inventory') {
      rows.push({ id: collector.key, kind: 'collector', key: collector.key, ...found });
      continue;
    }
    rows.push({ id: 'inventory', kind: 'owners', key: 'inventory', targets: found.targets.filter((t) => !bySections.has(t)), upstream: found.upstream });
    rows.push(...sections.map((row) => ({ ...row, upstream: found.upstream })));
  }
  return rows;
}

/** One tenant of the matrix: its baseline is stored once, and every cell's scan is removed after it, so each cell compares with the baseline. */
export interface Lane {
  tenantId: string;
  baseline: ScanOutcome;
  /** Scans with `simulator` options (faults) on this lane; the caller inspects, then `forget`s it. */
  scan(simulator: SimulatorOptions): Promise<ScanOutcome>;
  /** Removes a cell's scan and the alerts it opened, so the baseline is again the last scan. */
  forget(scanId: number): Promise<void>;
  /** Alerts the scan opened (kind and title). */
  alertsOf(scanId: number): Promise<{ kind: string; key: string; title: string }[]>;
}

export interface LaneOptions {
  db: TestDatabase;
  ruleSet: RuleSet;
  config: Pick<Config, 'http' | 'alerts'>;
  /**
   * The HTTP settings of the baseline scan: patient ones, so the first scan of a cold process
   * (modules loading, JIT) cannot time out and leave the cells a baseline with gaps.
   */
  baselineHttp: Config['http'];
  tenantId: string;
}

export async function openLane(options: LaneOptions): Promise<Lane> {
  const { db, ruleSet, config, tenantId, baselineHttp } = options;
  const store = createScanRepository(db.prisma, { pool: db.pool });
  // Every cell reads its inventory as on a first night: with the baseline's documents reused, permission
  // reads and owner lookups would not be requested at all, and their faults would test nothing.
  const cold: ScanRepository = { ...store, scanDocuments: async () => new Map() };
  const alerts: ScanAlertDeps = {
    alertStore: createAlertStore(db.prisma),
    reader: createScanReader(db.prisma),
    policy: { reminderHours: config.alerts.reminderHours, degradedAfter: config.alerts.degradedAfter, channels: [{ name: 'ops', minSeverity: 'info' }] },
    diffEvidence,
    areaNames: new Map(ruleSet.areas.map((a) => [a.id, a.name])),
    statements: new Map(ruleSet.catalogue.map((c) => [c.id, c.statement])),
  };
  await store.upsertTenant({ id: tenantId, displayName: `Fault matrix ${tenantId.slice(-4)}`, cloud: 'public', schedule: '0 2 * * *', timezone: 'UTC', enabled: true });
  const scan = async (simulatorOptions: SimulatorOptions, http = config.http): Promise<ScanOutcome> => {
    const simulator = await startSimulator({ ...TENANT, ...simulatorOptions, tenantId });
    try {
      const { root, graph } = clientsFor(simulator.url, http);
      return await runScan(
        {
          store: cold,
          ruleSet,
          collectors: createCollectors(),
          createHttp: () => root.scoped(),
          createGraph: (stats) => graph.scoped(stats),
          clock: () => new Date(),
          log,
          alerts,
        },
        { tenantId, displayName: 'Fault matrix', attestations: demoAttestations(PROFILE, new Date()) },
        'manual',
      );
    } finally {
      await simulator.close();
    }
  };
  const baseline = await scan({}, baselineHttp);
  return {
    tenantId,
    baseline,
    scan: (simulatorOptions) => scan(simulatorOptions),
    async forget(scanId) {
      await db.prisma.alert.deleteMany({ where: { tenantId, openedScanId: scanId } });
      await db.prisma.scan.delete({ where: { id: scanId } });
    },
    async alertsOf(scanId) {
      return db.prisma.alert.findMany({ where: { tenantId, openedScanId: scanId }, select: { kind: true, key: true, title: true } });
    },
  };
}
