/**
 * Reports of the last stored scan (`ppmat roadmap`, `ppmat scuba`): the nightly scan already
 * judged the tenant, so a report reads it instead of calling the admin APIs again. `--rescan`
 * (or a demo `--profile`) scans first, and a tenant never scanned is scanned now, with a note.
 */
import { EXIT } from '../errors/catalogue.js';
import { evaluateScuba } from '../frameworks/scuba.js';
import { loadScubaFramework, scubaFrameworkFile } from '../frameworks/load-scuba.js';
import { areaCoverage } from '../scoring/coverage.js';
import { targetsProgress } from '../scoring/targets.js';
import type { ScanOutcome } from '../scheduler/run-scan.js';
import { demoTenantId } from '../simulator/tenant-model.js';
import type { StoredScan } from '../store/scan-reader.js';
import { openApp } from './app.js';
import { scanAndPrint, selectTenants, type CommandIo, type OutcomeView, type ScanCommandOptions } from './scan.command.js';
import { tenantJudging } from './tenant-targets.js';

/** What a report reads of a scan, made now or stored. */
export type ReportedScan = Pick<ScanOutcome, 'scanId' | 'tenantId' | 'status' | 'checkResults' | 'capabilityResults' | 'areaScores' | 'snapshot'>;

export interface ReportOptions extends Omit<ScanCommandOptions, 'format'> {
  /** Scan now instead of reading the last stored scan. */
  rescan?: boolean;
}

/** Prints `render` of each selected tenant's last stored scan, or scans first (see the module comment). */
export async function reportAndPrint(options: ReportOptions, io: CommandIo, render: (scan: ReportedScan, view: OutcomeView) => string): Promise<number> {
  if (!options.rescan && !options.profile) {
    const printed = await printStored(options, io, render);
    if (printed !== null) return printed;
  }
  return scanAndPrint(options, io, render);
}

/** Null when a selected tenant has no stored scan yet (the caller scans); otherwise the exit code. */
async function printStored(options: ReportOptions, io: CommandIo, render: (scan: ReportedScan, view: OutcomeView) => string): Promise<number | null> {
  const app = await openApp({ cwd: io.cwd, env: io.env, logToTerminal: Boolean(io.stderr.isTTY), logDestination: io.logDestination, defaultLogLevel: 'warn', ...(options.config ? { configPath: options.config } : {}) });
  try {
    const scuba = await loadScubaFramework(await scubaFrameworkFile(app.config.rulesDir));
    const selected = selectTenants(app.config, options);
    const tenants =
      selected === 'demo'
        ? [{ id: demoTenantId(app.config.demo.seed), index: null, targets: app.config.demo.targets }]
        : selected.map((tenant) => ({ id: tenant.id, index: app.config.tenants.indexOf(tenant), targets: tenant.targets }));
    const scans: { tenant: (typeof tenants)[number]; scan: StoredScan }[] = [];
    for (const tenant of tenants) {
      const scanId = await app.reader.latestResultScanId(tenant.id);
      const scan = scanId === null ? null : await app.reader.loadScan(scanId);
      if (!scan) {
        io.stderr.write(`No stored scan of ${tenant.id} yet: scanning now.\n`);
        return null;
      }
      scans.push({ tenant, scan });
    }
    const areaNames = new Map(app.ruleSet.areas.map((a) => [a.id, a.name]));
    let exit: number = EXIT.ok;
    for (const { tenant, scan } of scans) {
      if (scan.ruleSetVersion.split('+')[0] !== app.ruleSet.version) {
        io.stderr.write(`Scan #${scan.id} was judged by rule set ${scan.ruleSetVersion}; the rules are now ${app.ruleSet.version}: --rescan judges it with them.\n`);
      }
      const reported: ReportedScan = {
        scanId: scan.id,
        tenantId: scan.tenantId,
        status: scan.status === 'partial' ? 'partial' : scan.status === 'succeeded' ? 'succeeded' : 'failed',
        checkResults: scan.checkResults,
        capabilityResults: scan.capabilityResults,
        areaScores: scan.areaScores,
        snapshot: scan.snapshot,
      };
      const view: OutcomeView = {
        tenantName: scan.tenantName,
        color: Boolean(io.stdout.isTTY) && !io.env.NO_COLOR,
        areaNames,
        scuba: evaluateScuba(scan.snapshot, scuba),
        catalogue: app.ruleSet.catalogue,
        checks: app.ruleSet.checks,
        targets: targetsProgress(scan.areaScores, tenant.targets, new Date()),
        coverage: areaCoverage(app.ruleSet.catalogue, scan.capabilityResults),
        threshold: tenantJudging(app.config, tenant.index).scoring.threshold ?? 1,
        asOf: `scan #${scan.id} of ${(scan.finishedAt ?? scan.startedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      };
      io.stdout.write(`${render(reported, view)}\n`);
      exit = Math.max(exit, reported.status === 'succeeded' ? EXIT.ok : reported.status === 'partial' ? EXIT.partial : EXIT.scanFailed);
    }
    return exit;
  } finally {
    await app.close();
  }
}
