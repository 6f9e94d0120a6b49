/**
 * `ppmat start` (and `npm start`): the service. With no tenant configured it starts the
 * built-in demo tenant, scans it at once and prints its levels; then it scans every tenant
 * on its schedule until Ctrl-C or SIGTERM, which ends a running scan as `aborted` and
 * exits with 0.
 */
import { runScan } from '../scheduler/run-scan.js';
import { startScheduler } from '../scheduler/scheduler.js';
import { openApp, scanDeps } from './app.js';
import { scanAttestations } from './attestations.js';
import { renderTable } from './render.js';
import type { CommandIo } from './scan.command.js';
import { STALE_REASON, staleBefore } from './scan.command.js';
import { configuredTarget, demoTarget, type TenantTarget } from './tenant-targets.js';

export interface StartCommandOptions {
  config?: string;
}

export async function startCommand(options: StartCommandOptions, io: CommandIo): Promise<number> {
  const app = await openApp({ cwd: io.cwd, env: io.env, logToTerminal: Boolean(io.stderr.isTTY), defaultLogLevel: 'info', ...(options.config ? { configPath: options.config } : {}) });
  const log = app.log.child({ component: 'service' });
  const targets = new Map<string, TenantTarget>();
  try {
    const aborted = await app.store.abortStaleScans(staleBefore(app.db.kind), STALE_REASON);
    if (aborted > 0) log.warn({ aborted }, 'marked scans left running by a stopped process as aborted');
    const demo = app.config.tenants.length === 0;
    if (demo) {
      const target = await demoTarget(app.config, log);
      targets.set(target.tenant.id, target);
    } else {
      for (const tenant of app.config.tenants.filter((t) => t.enabled)) {
        targets.set(tenant.id, await configuredTarget(app.config, tenant, log, io.env));
      }
    }
    for (const target of targets.values()) await app.store.upsertTenant(target.tenant);
    log.info({ database: app.db.location, tenants: [...targets.keys()], ruleSetVersion: app.ruleSet.version }, 'ppmat started');

    const areaNames = new Map(app.ruleSet.areas.map((a) => [a.id, a.name]));
    const scanTenant = async (tenantId: string, trigger: 'startup' | 'schedule', print: boolean) => {
      const target = targets.get(tenantId)!;
      // No progress line here: the service logs each step, and the two would interleave.
      const outcome = await runScan(scanDeps(app, target, io.signal), { tenantId, attestations: await scanAttestations(app, target) }, trigger);
      if (print) {
        const color = Boolean(io.stdout.isTTY) && !io.env.NO_COLOR;
        io.stdout.write(`${renderTable(outcome, { tenantName: target.tenant.displayName, color, areaNames })}\n`);
      }
      return outcome;
    };

    // The first scan at once: the demo always (so a new user sees levels within a minute),
    // a configured tenant when it has never been scanned.
    for (const target of targets.values()) {
      if (io.signal.aborted) break;
      const never = (await app.store.listScans(target.tenant.id, 1)).length === 0;
      if (demo || never) {
        try {
          await scanTenant(target.tenant.id, 'startup', true);
        } catch (error) {
          if (io.signal.aborted) break;
          log.error({ err: error, tenantId: target.tenant.id }, 'the first scan failed; the schedule goes on');
        }
      }
    }
    if (io.signal.aborted) return 0;

    const scheduler = startScheduler(
      [...targets.values()].map((t) => ({ tenantId: t.tenant.id, cron: t.tenant.schedule, timezone: t.tenant.timezone })),
      (tenantId) => scanTenant(tenantId, 'schedule', false),
      log,
    );
    for (const { tenantId, next } of scheduler.nextRuns()) {
      io.stdout.write(`Next scan of ${targets.get(tenantId)!.tenant.displayName}: ${next?.toISOString() ?? 'never'} (${targets.get(tenantId)!.tenant.schedule}, ${targets.get(tenantId)!.tenant.timezone}). Press Ctrl-C to stop.\n`);
    }
    await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
    log.info('stopping: waiting for a running scan to end');
    await scheduler.stop();
    return 0;
  } finally {
    for (const target of targets.values()) await target.close().catch(() => undefined);
    await app.close();
    log.info('stopped');
  }
}
