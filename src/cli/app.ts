/**
 * Builds the dependencies a command needs, in one place: config, logger, database
 * (with its lock and migrations), the scan store and the rule set.
 */
import type { DestinationStream, Logger, LevelWithSilent } from 'pino';
import { createCollectors } from '../collectors/index.js';
import { type ScanDeps, type ScanProgressEvent } from '../scheduler/run-scan.js';
import type { Config, InventoryConfig } from '../config/config-schema.js';
import { loadConfig } from '../config/load-config.js';
import { PpmatError } from '../errors/catalogue.js';
import { createLogger } from '../log/logger.js';
import { loadRuleSet } from '../rules/load-rules.js';
import { resolveParameters } from '../rules/parameters.js';
import type { RuleSet } from '../rules/rule-set.js';
import { tenantJudging, type TenantJudging } from './tenant-targets.js';
import { createAttestationRepository, type AttestationRepository } from '../store/attestation-repository.js';
import { lockDataDir, type DataDirLock } from '../store/data-dir-lock.js';
import { createLeaseRepository, type LeaseRepository } from '../store/lease-repository.js';
import { openDatabase, type Database } from '../store/database.js';
import { RULES_DIR } from '../store/paths.js';
import { createScanReader, type ScanReader } from '../store/scan-reader.js';
import { createAlertStore, type AlertStore } from '../store/alert-store.js';
import { diffEvidence } from '../history/evidence-diff.js';
import { createScanRepository, type ScanRepository } from '../store/scan-repository.js';

export interface App {
  config: Config;
  configFile: string | null;
  log: Logger;
  db: Database;
  store: ScanRepository;
  /** Attestations recorded with `ppmat attest`, with their history. */
  attestations: AttestationRepository;
  /** Stored scans read back (reports, history). */
  reader: ScanReader;
  /** Open alerts and the outbox, as scans plan them. */
  alertStore: AlertStore;
  /** Per-tenant scan leases: one scan of a tenant at a time, across processes. */
  leases: LeaseRepository;
  ruleSet: RuleSet;
  close(): Promise<void>;
}

export interface OpenAppOptions {
  configPath?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The log level when neither the config file nor PPMAT_LOG_LEVEL sets one. */
  defaultLogLevel: LevelWithSilent;
  /** Whether logs go to a terminal: `log.format: auto` then prints readable lines. */
  logToTerminal: boolean;
  /** Where logs go (default: standard error); see `CommandIo.logDestination`. */
  logDestination?: DestinationStream | undefined;
}

export async function openApp(options: OpenAppOptions): Promise<App> {
  const { config, file } = await loadConfig({ cwd: options.cwd, env: options.env, ...(options.configPath ? { path: options.configPath } : {}) });
  const levelSet = options.env.PPMAT_LOG_LEVEL || file !== null;
  const format = config.log.format === 'auto' ? (options.logToTerminal ? 'pretty' : 'json') : config.log.format;
  const log = createLogger({ level: levelSet ? config.log.level : options.defaultLogLevel, format, ...(options.logDestination ? { destination: options.logDestination } : {}) });
  // Rules first: a broken rule file refuses to start before anything is written.
  const ruleSet = await loadRuleSet(config.rulesDir ?? RULES_DIR, { packs: config.rules.packs });
  checkAttestedCapabilities(config, ruleSet, file);
  // Every tenant's parameter overrides, checked against the checks now, not at 02:00.
  for (const index of [null, ...config.tenants.keys()]) {
    resolveParameters(ruleSet, tenantJudging(config, index).parameterLayers.map((layer) => ({ ...layer, where: file ?? 'configuration' })));
  }
  let lock: DataDirLock | undefined;
  if (!config.databaseUrl) lock = await lockDataDir(config.dataDir);
  let db: Database;
  try {
    db = await openDatabase({
      dataDir: config.dataDir,
      log: log.child({ component: 'store' }),
      ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    });
  } catch (error) {
    await lock?.release();
    throw error;
  }
  log.debug({ database: db.location, applied: db.migrations.applied }, 'database ready');
  return {
    config,
    configFile: file,
    log,
    db,
    store: createScanRepository(db.prisma, { pool: db.pool }),
    attestations: createAttestationRepository(db.prisma),
    reader: createScanReader(db.prisma),
    alertStore: createAlertStore(db.prisma),
    leases: createLeaseRepository(db.prisma, { clock: () => new Date() }),
    ruleSet,
    async close() {
      await db.close();
      await lock?.release();
    },
  };
}

/** Opens the app for a command that reads or writes the store (warnings only), runs it, and closes the app. */
export async function withApp(
  options: { config?: string },
  io: { cwd: string; env: NodeJS.ProcessEnv; stderr: { isTTY?: boolean }; logDestination?: DestinationStream },
  run: (app: App) => Promise<number>,
): Promise<number> {
  const app = await openApp({ cwd: io.cwd, env: io.env, logToTerminal: Boolean(io.stderr.isTTY), logDestination: io.logDestination, defaultLogLevel: 'warn', ...(options.config ? { configPath: options.config } : {}) });
  try {
    return await run(app);
  } finally {
    await app.close();
  }
}

/** An attestation must name a statement of the model: a typo would otherwise count for nothing, silently. */
function checkAttestedCapabilities(config: Config, ruleSet: RuleSet, file: string | null): void {
  const known = new Set(ruleSet.catalogue.map((c) => c.id));
  config.tenants.forEach((tenant, t) =>
    tenant.attestations.forEach((attestation, a) => {
      if (known.has(attestation.capability)) return;
      const area = attestation.capability.split('.')[0] ?? '';
      const sameArea = ruleSet.catalogue.filter((c) => c.area === area && !c.floor).map((c) => c.id);
      throw new PpmatError(
        'PPMAT_E_CONFIG_INVALID',
        `tenants[${t}].attestations[${a}].capability: "${attestation.capability}" is not a statement of the model` +
          (sameArea.length > 0 ? ` (${area} has: ${sameArea.join(', ')})` : '') +
          '.',
        { where: file ?? 'configuration' },
      );
    }),
  );
}

/** What a scan of `target` needs, from the app's parts. */
export function scanDeps(
  app: App,
  target: { createHttp: ScanDeps['createHttp']; createGraph: ScanDeps['createGraph']; inventory: InventoryConfig; judging: TenantJudging },
  signal: AbortSignal,
  onProgress?: (event: ScanProgressEvent) => void,
): ScanDeps {
  return {
    store: app.store,
    ruleSet: app.ruleSet,
    collectors: createCollectors({ inventory: target.inventory }),
    createHttp: target.createHttp,
    createGraph: target.createGraph,
    clock: () => new Date(),
    log: app.log.child({ component: 'scan' }),
    signal,
    ...(onProgress ? { onProgress } : {}),
    parameters: resolveParameters(app.ruleSet, target.judging.parameterLayers),
    scoring: target.judging.scoring,
    // Named in the lines logged while the scan waits for a database that stopped answering.
    databaseRetry: { database: app.db.location },
    alerts: {
      alertStore: app.alertStore,
      reader: app.reader,
      policy: {
        reminderHours: app.config.alerts.reminderHours,
        degradedAfter: app.config.alerts.degradedAfter,
        publicUrl: app.config.alerts.publicUrl,
        channels: app.config.alerts.channels,
      },
      diffEvidence,
      areaNames: new Map(app.ruleSet.areas.map((a) => [a.id, a.name])),
      statements: new Map(app.ruleSet.catalogue.map((c) => [c.id, c.statement])),
    },
  };
}
