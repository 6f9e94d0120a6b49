/**
 * `ppmat doctor [--tenant ID | --demo]`: checks a tenant's set-up before the first scan and
 * prints one ✓/✗ line per check with the fix. Exit 0 when every check passes, else 3.
 * Reads the configuration but not the database, so it also works before `ppmat scan` ran.
 */
import type { Config, TenantConfig } from '../config/config-schema.js';
import { loadConfig } from '../config/load-config.js';
import { secretResolverFor } from '../config/resolve-secrets.js';
import { EXIT, PpmatError } from '../errors/catalogue.js';
import { createLogger } from '../log/logger.js';
import { runDoctorChecks, type DoctorCheck } from './doctor-checks.js';
import type { CommandIo } from './scan.command.js';
import { configuredTarget, demoTarget, type DemoProfile, type TenantTarget } from './tenant-targets.js';

export interface DoctorCommandOptions {
  config?: string;
  demo?: boolean;
  profile?: DemoProfile;
  tenant?: string;
}

export async function doctorCommand(options: DoctorCommandOptions, io: CommandIo): Promise<number> {
  const { config } = await loadConfig({ cwd: io.cwd, env: io.env, ...(options.config ? { path: options.config } : {}) });
  // Retries and failures are the output here; logs only when asked for.
  const log = createLogger({ level: io.env.PPMAT_LOG_LEVEL ? config.log.level : 'silent', format: 'json', ...(io.logDestination ? { destination: io.logDestination } : {}) });
  const targets = await selectTargets(config, options, log, io.env);
  let allOk = true;
  try {
    for (const { target, clientId } of targets) {
      io.stdout.write(`${target.tenant.displayName} (${target.tenant.id})\n`);
      const http = target.createHttp();
      const checks = await runDoctorChecks({
        endpoints: target.endpoints,
        credential: target.credential,
        http,
        graph: target.createGraph(http.stats),
        clientId,
        signal: io.signal,
      });
      io.stdout.write(checks.map(formatCheck).join(''));
      allOk &&= checks.every((c) => c.ok);
    }
  } finally {
    for (const { target } of targets) await target.close().catch(() => undefined);
  }
  io.stdout.write(allOk ? 'All checks passed.\n' : 'Some checks failed: fix them, then run ppmat doctor again.\n');
  return allOk ? EXIT.ok : EXIT.scanFailed;
}

/** `✓ name: detail`, or `✗ name: detail` and an indented `fix:` line. */
export function formatCheck(check: DoctorCheck): string {
  const line = `${check.ok ? '✓' : '✗'} ${check.name}: ${check.detail}\n`;
  return check.ok || !check.fix ? line : `${line}    fix: ${check.fix}\n`;
}

async function selectTargets(
  config: Config,
  options: DoctorCommandOptions,
  log: ReturnType<typeof createLogger>,
  env: NodeJS.ProcessEnv,
): Promise<{ target: TenantTarget; clientId: string | null }[]> {
  if (options.demo || (config.tenants.length === 0 && !options.tenant)) {
    if (options.tenant) throw new PpmatError('PPMAT_E_CONFIG_INVALID', 'give either --demo or --tenant, not both.', { where: 'command line' });
    return [{ target: await demoTarget(config, log, options.profile ?? config.demo.profile), clientId: null }];
  }
  const tenants = options.tenant ? config.tenants.filter((t) => t.id === options.tenant) : config.tenants.filter((t) => t.enabled);
  if (tenants.length === 0) {
    const known = config.tenants.map((t) => t.id).join(', ') || 'none';
    throw new PpmatError('PPMAT_E_TENANT_UNKNOWN', `no tenant ${options.tenant ?? ''} is configured (configured: ${known}).`, { where: '--tenant' });
  }
  const targets: { target: TenantTarget; clientId: string | null }[] = [];
  const secrets = secretResolverFor(config, env);
  for (const tenant of tenants) targets.push({ target: await configuredTarget(config, tenant, log, env, { secrets }), clientId: clientIdOf(tenant) });
  return targets;
}

function clientIdOf(tenant: TenantConfig): string | null {
  const credential = tenant.credential;
  return 'clientId' in credential && typeof credential.clientId === 'string' ? credential.clientId : null;
}
