/**
 * The API's dependencies from the App (config, database, rule set): what `ppmat serve` and
 * `npm start` hand to {@link buildServer}.
 */
import type { App } from '../cli/app.js';
import { tenantJudging } from '../cli/tenant-targets.js';
import { secretResolverFor } from '../config/resolve-secrets.js';
import type { SecretResolver, SecretSource } from '../config/secret-source.js';
import { createAlertReader } from '../store/alert-reader.js';
import { createAuditRepository } from '../store/audit-repository.js';
import { createHistoryRepository } from '../store/history-repository.js';
import { createScanDetailReader } from '../store/scan-detail-reader.js';
import { createSessionRepository } from '../store/session-repository.js';
import { createTenantTargetsRepository } from '../store/tenant-targets-repository.js';
import { createTokenRepository } from '../store/token-repository.js';
import type { ApiDeps, ScanTriggerResult, TenantSettings } from './api-deps.js';
import { createAuditedChanges } from './audited-changes.js';
import { createAuthenticator } from './auth/authenticator.js';
import { createEntraVerifier } from './auth/entra-verifier.js';
import type { Metrics } from './metrics.js';

export interface ApiFromAppOptions {
  env: NodeJS.ProcessEnv;
  metrics: Metrics;
  /** The id of the demo tenant when the service runs it (it takes the demo's targets). */
  demoTenantId?: string;
  triggerScan?: (tenantId: string) => Promise<ScanTriggerResult>;
  clock?: () => Date;
  /** Reads the sign-in client secret (default: env, files, and Key Vault with `keyVault.credential`). */
  secrets?: SecretResolver;
}

export async function apiFromApp(app: App, options: ApiFromAppOptions): Promise<ApiDeps> {
  const clock = options.clock ?? (() => new Date());
  const { prisma } = app.db;
  const { config } = app;
  const tokens = createTokenRepository(prisma, { clock });
  const sessions = createSessionRepository(prisma, { clock });
  const entraConfig = config.api.auth.entra;
  let entra: ApiDeps['entra'];
  if (entraConfig) {
    const source: SecretSource | undefined =
      entraConfig.clientSecret ?? (entraConfig.clientSecretEnv ? { env: entraConfig.clientSecretEnv } : entraConfig.clientSecretFile ? { file: entraConfig.clientSecretFile } : undefined);
    const clientSecret = source ? await (options.secrets ?? secretResolverFor(config, options.env)).read(source, 'api.auth.entra.clientSecret') : undefined;
    entra = { config: entraConfig, verifier: createEntraVerifier(entraConfig, { clock }), clientSecret };
  }
  const settings = new Map<string, TenantSettings>();
  config.tenants.forEach((tenant, index) => settings.set(tenant.id, { targets: tenant.targets, threshold: tenantJudging(config, index).scoring.threshold ?? config.scoring.threshold }));
  if (options.demoTenantId) settings.set(options.demoTenantId, { targets: config.demo.targets, threshold: config.scoring.threshold });
  const defaults: TenantSettings = { targets: [], threshold: config.scoring.threshold };
  return {
    api: config.api,
    log: app.log.child({ component: 'api' }),
    clock,
    prisma,
    ruleSet: app.ruleSet,
    reader: app.reader,
    details: createScanDetailReader(prisma),
    history: createHistoryRepository(prisma),
    alerts: createAlertReader(prisma),
    attestations: app.attestations,
    audit: createAuditRepository(prisma, { clock }),
    tokens,
    sessions,
    tenantTargets: createTenantTargetsRepository(prisma),
    changes: createAuditedChanges(prisma, { clock }),
    authenticator: createAuthenticator({ tokens, sessions, entra: entra?.verifier, clock }),
    ...(entra ? { entra } : {}),
    tenantSettings: (tenantId) => settings.get(tenantId) ?? defaults,
    ...(options.triggerScan ? { triggerScan: options.triggerScan } : {}),
    metrics: options.metrics,
    ...(config.alerts.publicUrl ? { publicUrl: config.alerts.publicUrl } : {}),
    ...(config.api.rateLimits ? { rateLimits: Object.fromEntries(Object.entries(config.api.rateLimits).filter(([, limit]) => limit !== undefined)) } : {}),
  };
}
