/**
 * `ppmat scan`: one scan now, printed as a table or JSON (with the CISA SCuBA crosswalk
 * after the checks, or under `frameworks.scuba`), and stored.
 * Exit codes: 0 succeeded, 2 partial, 3 failed, 4 bad config or rules, 5 database,
 * 6 another process is scanning the tenant, 130 interrupted.
 */
import type { DestinationStream } from 'pino';
import { EXIT, PpmatError } from '../errors/catalogue.js';
import { evaluateScuba, type ScubaRow } from '../frameworks/scuba.js';
import { loadScubaFramework, scubaFrameworkFile } from '../frameworks/load-scuba.js';
import { renderScubaTable } from '../frameworks/scuba-report.js';
import type { Config, TenantConfig } from '../config/config-schema.js';
import { secretResolverFor } from '../config/resolve-secrets.js';
import type { RuleSet } from '../rules/rule-set.js';
import { areaCoverage, type AreaCoverage } from '../scoring/coverage.js';
import { targetsProgress, type TargetProgress } from '../scoring/targets.js';
import { withLease } from '../scheduler/lease.js';
import { explainAbort } from '../scheduler/scan-abort.js';
import { runScan, type ScanOutcome } from '../scheduler/run-scan.js';
import { openApp, scanDeps } from './app.js';
import { scanAttestations } from './attestations.js';
import { createProgressDisplay } from './progress.js';
import { renderJson, renderTable } from './render.js';
import { leaseDeps, ORPHANED_REASON, tenantBusyError } from './scan-lease.js';
import { createThrottleStore, type ThrottleStore } from '../store/throttle-repository.js';
import { configuredTarget, demoTarget, type DemoProfile, type TenantTarget } from './tenant-targets.js';

export interface ScanCommandOptions {
  config?: string;
  demo?: boolean;
  profile?: DemoProfile;
  tenant?: string;
  format: 'table' | 'json';
}

export interface CommandIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
  /**
   * This process's scan-lease holder id, built once in the composition root (src/main.ts).
   * In-process callers (tests) may leave it out: each command then makes one.
   */
  leaseHolder?: string;
  /** Where logs go: standard error (file descriptor 2) when omitted; a stream in tests that read them. */
  logDestination?: DestinationStream;
}

export async function scanCommand(options: ScanCommandOptions, io: CommandIo): Promise<number> {
  return scanAndPrint(options, io, (outcome, view) => {
    if (options.format === 'json') {
      // renderJson's document, plus the crosswalks computed here from the snapshot.
      const document = JSON.parse(renderJson(outcome, view.tenantName)) as Record<string, unknown>;
      return JSON.stringify({ ...document, coverage: view.coverage, targets: view.targets, frameworks: { scuba: view.scuba } }, null, 2);
    }
    const name = (area: string): string => view.areaNames.get(area) ?? area;
    const coverage = `\n\nCoverage (statements of levels 200-500)\n${view.coverage.map((c) => `  ${name(c.area)}: ${c.summary}`).join('\n')}`;
    const targets = view.targets.map((t) => `  ${name(t.area)}: ${t.current}, ${t.summary}`);
    const targetBlock = targets.length > 0 ? `\n\nTargets\n${targets.join('\n')}` : '';
    return `${renderTable(outcome, view)}${coverage}${targetBlock}\n\n${renderScubaTable(view.scuba, view)}`;
  });
}

/** What a command prints a scan with, besides the outcome itself. */
export interface OutcomeView {
  tenantName: string;
  color: boolean;
  areaNames: ReadonlyMap<string, string>;
  /** The CISA SCuBA Power Platform crosswalk of this scan's snapshot. */
  scuba: ScubaRow[];
  /** The rule set's catalogue and checks, for reports that explain statements (the roadmap). */
  catalogue: RuleSet['catalogue'];
  checks: RuleSet['checks'];
  /** Progress against the organization's targets, for the areas that have one. */
  targets: TargetProgress[];
  /** Per area, the statements decided by machine evidence, by attestation, or neither. */
  coverage: AreaCoverage[];
  /** The share of a level's statements that must be met (1: every statement). */
  threshold: number;
  /** Set when the report comes from a stored scan rather than one made now: "scan #12 of 2026-11-27 02:00 UTC". */
  asOf?: string;
}

/**
 * Scans each selected tenant (stored like any scan) and prints `render` of each outcome.
 * Resolves to the worst exit code of the scans.
 */
export async function scanAndPrint(options: Omit<ScanCommandOptions, 'format'>, io: CommandIo, render: (outcome: ScanOutcome, view: OutcomeView) => string): Promise<number> {
  const app = await openApp({ cwd: io.cwd, env: io.env, logToTerminal: Boolean(io.stderr.isTTY), logDestination: io.logDestination, defaultLogLevel: 'warn', ...(options.config ? { configPath: options.config } : {}) });
  const targets: TenantTarget[] = [];
  try {
    // Refused before any scan starts, like a broken rule file.
    const scuba = await loadScubaFramework(await scubaFrameworkFile(app.config.rulesDir));
    targets.push(...(await selectTargets(app.config, options, app.log, io.env, createThrottleStore(app.db.prisma))));
    let exit: number = EXIT.ok;
    const areaNames = new Map(app.ruleSet.areas.map((a) => [a.id, a.name]));
    const lease = { ...leaseDeps(app, io, app.log.child({ component: 'lease' })), signal: io.signal };
    for (const target of targets) {
      await app.store.upsertTenant(target.tenant);
      // Under the tenant's lease: never while the service (or another scan) is scanning it.
      const leased = await withLease(lease, target.tenant.id, async (context) => {
        await app.store.abortOrphanedScans(new Date(), ORPHANED_REASON);
        const progress = createProgressDisplay(io.stderr);
        try {
          return await runScan(
            { ...scanDeps(app, target, context.signal, progress.onProgress), onStarted: context.attach },
            { tenantId: target.tenant.id, displayName: target.tenant.displayName, attestations: await scanAttestations(app, target) },
            'manual',
          );
        } catch (error) {
          throw explainAbort(error, context.signal);
        } finally {
          progress.done();
        }
      });
      if (leased.status === 'busy') {
        const refusal = tenantBusyError(target.tenant, leased, new Date());
        io.stderr.write(`ppmat: ${refusal.code}: ${refusal.message}\n`);
        exit = Math.max(exit, refusal.exitCode);
        continue;
      }
      const outcome = leased.value;
      const color = Boolean(io.stdout.isTTY) && !io.env.NO_COLOR;
      const view = {
        tenantName: target.tenant.displayName,
        color,
        areaNames,
        scuba: evaluateScuba(outcome.snapshot, scuba),
        catalogue: app.ruleSet.catalogue,
        checks: app.ruleSet.checks,
        targets: targetsProgress(outcome.areaScores, target.targets, new Date()),
        coverage: areaCoverage(app.ruleSet.catalogue, outcome.capabilityResults),
        threshold: target.judging.scoring.threshold ?? 1,
      };
      io.stdout.write(`${render(outcome, view)}\n`);
      const code = outcome.status === 'succeeded' ? EXIT.ok : outcome.status === 'partial' ? EXIT.partial : EXIT.scanFailed;
      exit = Math.max(exit, code);
    }
    return exit;
  } finally {
    for (const target of targets) await target.close().catch(() => undefined);
    await app.close();
  }
}

async function selectTargets(
  config: Awaited<ReturnType<typeof openApp>>['config'],
  options: Omit<ScanCommandOptions, 'format'>,
  log: Awaited<ReturnType<typeof openApp>>['log'],
  env: NodeJS.ProcessEnv,
  throttle: ThrottleStore,
): Promise<TenantTarget[]> {
  const selected = selectTenants(config, options);
  if (selected === 'demo') return [await demoTarget(config, log, options.profile ?? config.demo.profile)];
  const targets: TenantTarget[] = [];
  // One resolver: tenants whose secrets share a vault share its client and token.
  const secrets = secretResolverFor(config, env);
  for (const tenant of selected) targets.push(await configuredTarget(config, tenant, log, env, { throttle, secrets }));
  return targets;
}

/**
 * The tenants a command is about: the demo (with --demo, or when no tenant is configured and
 * none is named), the one named by --tenant, or every enabled configured tenant.
 * @throws PpmatError PPMAT_E_TENANT_UNKNOWN for a tenant that is not configured.
 */
export function selectTenants(config: Config, options: { demo?: boolean; tenant?: string }): 'demo' | TenantConfig[] {
  if (options.demo || (config.tenants.length === 0 && !options.tenant)) {
    if (options.tenant) throw new PpmatError('PPMAT_E_CONFIG_INVALID', 'give either --demo or --tenant, not both.', { where: 'command line' });
    return 'demo';
  }
  const tenants = options.tenant ? config.tenants.filter((t) => t.id === options.tenant) : config.tenants.filter((t) => t.enabled);
  if (tenants.length === 0) {
    const known = config.tenants.map((t) => t.id).join(', ') || 'none';
    throw new PpmatError('PPMAT_E_TENANT_UNKNOWN', `no tenant ${options.tenant ?? ''} is configured (configured: ${known}).`, { where: '--tenant' });
  }
  return tenants;
}
