/**
 * What the HTTP API needs, injected (STYLE: `buildServer(deps)`): tests pass fakes or a
 * PGlite-backed set; `ppmat serve` and `npm start` build it from the App.
 */
import type { Logger } from 'pino';
import type { ApiConfig, EntraAuthConfig } from '../config/config-schema.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { RuleSet } from '../rules/rule-set.js';
import type { AreaTarget } from '../scoring/targets.js';
import type { AlertReader } from '../store/alert-reader.js';
import type { AttestationRepository } from '../store/attestation-repository.js';
import type { AuditRepository } from '../store/audit-repository.js';
import type { HistoryRepository } from '../store/history-repository.js';
import type { ScanDetailReader } from '../store/scan-detail-reader.js';
import type { ScanReader } from '../store/scan-reader.js';
import type { TenantTargetsRepository } from '../store/tenant-targets-repository.js';
import type { TokenRepository } from '../store/token-repository.js';
import type { SessionRepository } from '../store/session-repository.js';
import type { AuditedChanges } from './audited-changes.js';
import type { Authenticator } from './auth/authenticator.js';
import type { EntraVerifier } from './auth/entra-verifier.js';
import type { Metrics } from './metrics.js';
import type { RateLimits } from './rate-limits.js';

/** How a request to scan a tenant now ended: started, or refused because it is being scanned. */
export type ScanTriggerResult = { accepted: true } | { accepted: false; holder: string; until: Date | null };

/** What ppmat.yaml says about a tenant that the API shows (the database only knows what scans stored). */
export interface TenantSettings {
  /** Targets from ppmat.yaml (or the demo's), before any set through the API. */
  targets: AreaTarget[];
  /** The level threshold its scores are computed with. */
  threshold: number;
}

export interface ApiDeps {
  api: ApiConfig;
  log: Logger;
  clock: () => Date;
  prisma: PrismaClient;
  ruleSet: RuleSet;
  reader: ScanReader;
  details: ScanDetailReader;
  history: HistoryRepository;
  alerts: AlertReader;
  attestations: AttestationRepository;
  audit: AuditRepository;
  tokens: TokenRepository;
  sessions: SessionRepository;
  tenantTargets: TenantTargetsRepository;
  changes: AuditedChanges;
  authenticator: Authenticator;
  /** Microsoft Entra ID sign-in, when `api.auth.entra` is configured. */
  entra?: { config: EntraAuthConfig; verifier: EntraVerifier; clientSecret: string | undefined };
  /** The tenant's settings from the configuration (unknown tenants get the defaults). */
  tenantSettings(tenantId: string): TenantSettings;
  /** Starts a scan of the tenant now, if this process can (absent: the API answers 503). */
  triggerScan?: (tenantId: string) => Promise<ScanTriggerResult>;
  /** Prometheus metrics: the registry /metrics exposes. */
  metrics: Metrics;
  /** The public address of the dashboard (for the Entra redirect URI), when set. */
  publicUrl?: string;
  /** Where the dashboard's files are (default: src/dashboard/public of the package). */
  dashboardDir?: string;
  /** Overrides of the default rate limits (api/rate-limits.ts `DEFAULT_RATE_LIMITS`); null turns one off. */
  rateLimits?: Partial<RateLimits>;
}
