/**
 * The `ppmat` command line (commander). Each command returns its exit code; errors with a
 * catalogue code print one clear line and exit with that code's exit status.
 */
import { Command, Option } from 'commander';
import { EXIT, isPpmatError } from '../errors/catalogue.js';
import { ALERT_STATUSES, alertsDeliverCommand, alertsListCommand, alertsRequeueCommand, parseCountOption, type AlertsListOptions } from './alerts.command.js';
import { attestCommand, attestListCommand, type AttestCommandOptions, type AttestListOptions } from './attest.command.js';
import { auditCommand, type AuditCommandOptions } from './audit.command.js';
import { doctorCommand } from './doctor.command.js';
import { diffCommand, type DiffCommandOptions } from './diff.command.js';
import { historyCommand, type HistoryCommandOptions } from './history.command.js';
import { pruneCommand, type PruneCommandOptions } from './prune.command.js';
import { rulesLintCommand, rulesParamsCommand, rulesStatsCommand, rulesTestCommand, type RulesCommandOptions } from './rules.command.js';
import { roadmapCommand } from './roadmap.command.js';
import { scanCommand, type CommandIo } from './scan.command.js';
import { scubaCommand } from './scuba.command.js';
import { parseFamiliesOption, parseLatencyOption, parsePositiveOption, parseRateOption, parseSizeOption, simulateCommand, type SimulateOptions } from './simulate.command.js';
import { serveCommand } from './serve.command.js';
import { workerCommand } from './worker.command.js';
import { startCommand } from './start.command.js';
import { parseDaysOption, TOKEN_ROLES, tokensCreateCommand, tokensListCommand, tokensRevokeCommand, type TokensCreateOptions } from './tokens.command.js';

const PROFILES = ['initial', 'defined', 'capable'] as const;

export function buildProgram(io: CommandIo, setExit: (code: number) => void): Command {
  const program = new Command('ppmat')
    .description('Measures, from evidence, how mature a Power Platform adoption is (Microsoft adoption maturity model).')
    .option('-c, --config <file>', 'configuration file (default: ./ppmat.yaml, or PPMAT_CONFIG)')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 2 scan partial (some evidence missing), 3 scan failed, 4 invalid config or rules, 5 database error, 130 interrupted.',
    );

  // `scan` scans now; `roadmap` and `scuba` report the last stored scan (or scan with --rescan).
  const scanning: [string, string, typeof scanCommand, boolean][] = [
    ['scan', 'scan now, print the levels, every check and the SCuBA crosswalk, and store the scan', scanCommand, false],
    ['roadmap', 'print, per area, what stands between the current level and the next (from the last scan; --rescan scans now)', roadmapCommand, true],
    ['scuba', 'print the CISA SCuBA Power Platform baseline results (from the last scan; --rescan scans now)', scubaCommand, true],
  ];
  for (const [name, description, run, reads] of scanning) {
    const command = program
      .command(name)
      .description(description)
      .option('--demo', 'the built-in demo tenant (default when no tenant is configured)')
      .addOption(new Option('--profile <profile>', `posture of the demo tenant${reads ? ' (scans now)' : ''}`).choices(PROFILES))
      .option('--tenant <id>', 'only this configured tenant')
      .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'));
    if (reads) command.option('--rescan', 'scan now instead of reading the last stored scan');
    command.action(async (opts: { demo?: boolean; profile?: (typeof PROFILES)[number]; tenant?: string; format: 'table' | 'json'; rescan?: boolean }) => {
      setExit(await run({ ...opts, ...globalConfig(program) }, io));
    });
  }

  program
    .command('doctor')
    .description("check a tenant's set-up: a token for every API audience, BAP admin access and every Graph permission, each with its fix")
    .option('--demo', 'check the built-in demo tenant (default when no tenant is configured)')
    .addOption(new Option('--profile <profile>', 'posture of the demo tenant').choices(PROFILES))
    .option('--tenant <id>', 'check only this configured tenant')
    .action(async (opts: { demo?: boolean; profile?: (typeof PROFILES)[number]; tenant?: string }) => {
      setExit(await doctorCommand({ ...opts, ...globalConfig(program) }, io));
    });

  const attest = program
    .command('attest')
    .description("record a person's statement that a capability is in place (or not) for a tenant; `attest list` shows them");
  attest
    .command('record', { isDefault: true })
    .description('record one attestation (the default: `ppmat attest --capability ...`); it counts from the next scan')
    .option('--tenant <id>', 'a configured tenant')
    .option('--demo', 'the built-in demo tenant (default when no tenant is configured)')
    .requiredOption('--capability <id>', 'the capability statement, e.g. security.200.workload-compliance-awareness')
    .addOption(new Option('--outcome <outcome>', 'whether it is in place').choices(['met', 'not_met']).makeOptionMandatory())
    .requiredOption('--statement <text>', 'why: what you saw or know')
    .option('--evidence-url <url>', 'a link to the evidence')
    .requiredOption('--by <who>', 'your name or email address')
    .option('--at <date>', 'when it was established, YYYY-MM-DD (default: now)')
    .option('--expires <date>', 'when it stops counting, YYYY-MM-DD (default: 12 months after --at)')
    .action(async (opts: Omit<AttestCommandOptions, 'config'>) => {
      setExit(await attestCommand({ ...opts, ...globalConfig(program) }, io));
    });
  attest
    .command('list')
    .description('print the attestations in force (configured and recorded, with expiry), or every record with --history')
    .option('--tenant <id>', 'a configured tenant')
    .option('--demo', 'the built-in demo tenant (default when no tenant is configured)')
    .option('--capability <id>', 'only this capability statement')
    .option('--history', 'every recorded attestation, newest first, including superseded ones')
    .action(async (opts: Omit<AttestListOptions, 'config'>) => {
      setExit(await attestListCommand({ ...opts, ...globalConfig(program) }, io));
    });

  const tokens = program.command('tokens').description('API tokens for scripts and the dashboard: create (shown once), list, revoke');
  tokens
    .command('create')
    .description('create an API token and print it once (only its hash is stored)')
    .requiredOption('--name <name>', 'who or what uses it, e.g. ci-pipeline')
    .addOption(new Option('--role <role>', 'viewer reads; attester also attests and acknowledges alerts; admin also manages').choices(TOKEN_ROLES).makeOptionMandatory())
    .option('--tenant <id>', 'limit it to this tenant, repeatable (default: every tenant)', (value: string, previous: string[] | undefined) => [...(previous ?? []), value])
    .option('--expires-days <n>', 'it stops working after this many days (default: never)', parseDaysOption)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: Omit<TokensCreateOptions, 'config'>) => {
      setExit(await tokensCreateCommand({ ...opts, ...globalConfig(program) }, io));
    });
  tokens
    .command('list')
    .description('list API tokens (never their secrets), with role, tenants, expiry, last use and state')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: { format: 'table' | 'json' }) => {
      setExit(await tokensListCommand({ ...opts, ...globalConfig(program) }, io));
    });
  tokens
    .command('revoke')
    .description('revoke an API token: requests with it are refused from now on')
    .argument('<id>', 'the token id `ppmat tokens list` shows')
    .action(async (id: string) => {
      setExit(await tokensRevokeCommand({ id, ...globalConfig(program) }, io));
    });

  program
    .command('audit')
    .description('print the audit log, newest first: attestations, acknowledgements, targets, tokens, sign-ins')
    .option('--limit <n>', 'at most this many events', parseCountOption, 50)
    .option('--before <id>', 'events older than this one (the next page)', parseCountOption)
    .option('--tenant <id>', 'only events of this tenant')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: Omit<AuditCommandOptions, 'config'>) => {
      setExit(await auditCommand({ ...opts, ...globalConfig(program) }, io));
    });

  const alerts = program.command('alerts').description('list alerts with the delivery state of their messages; `alerts deliver` sends the due messages now');
  alerts
    .command('list', { isDefault: true })
    .description('list alerts, most recent first, with where each message stands (the default: `ppmat alerts`)')
    .option('--tenant <id>', 'only this configured tenant (default: every tenant)')
    .option('--demo', 'only the built-in demo tenant')
    .addOption(new Option('--status <status>', 'which alerts').choices(ALERT_STATUSES).default('open'))
    .option('--limit <n>', 'at most this many, most recent first', parseCountOption, 50)
    .action(async (opts: Omit<AlertsListOptions, 'config'>) => {
      setExit(await alertsListCommand({ ...opts, ...globalConfig(program) }, io));
    });
  alerts
    .command('deliver')
    .description('send the alert messages that are due now, once, through the configured channels, and print what happened')
    .action(async () => {
      setExit(await alertsDeliverCommand(globalConfig(program), io));
    });
  alerts
    .command('requeue')
    .description('send a failed alert message again (after fixing its channel)')
    .argument('<message-id>', 'the message number `ppmat alerts` shows', parseCountOption)
    .action(async (messageId: number) => {
      setExit(await alertsRequeueCommand({ messageId, ...globalConfig(program) }, io));
    });

  program
    .command('history')
    .description("print how a tenant's levels (or one capability statement) and adoption moved, one row per stored scan")
    .option('--demo', 'the built-in demo tenant (default when no tenant is configured)')
    .option('--tenant <id>', 'only this configured tenant')
    .option('--since <date>', 'scans started on or after this day, YYYY-MM-DD (UTC)')
    .option('--until <date>', 'scans started on or before this day, YYYY-MM-DD (UTC)')
    .option('--area <area>', 'only this area, e.g. security')
    .option('--capability <id>', "this capability statement's status per scan instead of the levels")
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: Omit<HistoryCommandOptions, 'config'>) => {
      setExit(await historyCommand({ ...opts, ...globalConfig(program) }, io));
    });

  program
    .command('diff')
    .description('print what changed between two stored scans (default: the last two): levels, capabilities, checks and evidence')
    .argument('[fromScanId]', 'the earlier scan (give both ids or neither)')
    .argument('[toScanId]', 'the later scan')
    .option('--demo', 'the built-in demo tenant (default when no tenant is configured)')
    .option('--tenant <id>', 'only this configured tenant')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (from: string | undefined, to: string | undefined, opts: Omit<DiffCommandOptions, 'config' | 'from' | 'to'>) => {
      setExit(await diffCommand({ ...opts, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), ...globalConfig(program) }, io));
    });

  program
    .command('report')
    .description("write a tenant's maturity report from the store: standalone HTML, Markdown, JSON or CSV (one row per scan and statement)")
    .option('--demo', 'the built-in demo tenant (default when no tenant is configured)')
    .option('--tenant <id>', 'a configured tenant')
    .option('--scan <id>', 'this stored scan (default: the last scan with results)')
    .option('--from <date>', 'a period from this day, YYYY-MM-DD (UTC): its last scan is reported, trends and CSV rows cover all of its scans')
    .option('--to <date>', 'a period to this day, YYYY-MM-DD (UTC), included')
    .option('--format <format>', 'html | md | json | csv (default: from the --output extension)')
    .option('--output <file>', 'write to this file instead of stdout')
    .action(async (opts: Omit<import('./report.command.js').ReportCommandOptions, 'config'>) => {
      const { reportCommand } = await import('./report.command.js');
      setExit(await reportCommand({ ...opts, ...globalConfig(program) }, io));
    });

  program
    .command('prune')
    .description('apply the retention policy: delete old scans, thin older ones to one a week, then unreferenced evidence')
    .option('--dry-run', 'say what would be deleted, delete nothing')
    .action(async (opts: Omit<PruneCommandOptions, 'config'>) => {
      setExit(await pruneCommand({ ...opts, ...globalConfig(program) }, io));
    });

  program
    .command('start')
    .description('the service: scan the demo tenant (or configured tenants) now, then nightly until Ctrl-C; serves the API and dashboard')
    .action(async () => {
      setExit(await startCommand(globalConfig(program), io));
    });

  program
    .command('worker')
    .description('distributed mode (scans.mode: queue, on PostgreSQL): run the scans `start` queues, until Ctrl-C')
    .option('--concurrency <n>', 'scans at once (default 2)')
    .action(async (opts: { concurrency?: string }) => {
      setExit(await workerCommand({ ...opts, ...globalConfig(program) }, io));
    });

  program
    .command('serve')
    .description('serve the HTTP API and dashboard over the stored scans, without scanning (see `start`)')
    .option('--host <address>', 'the address to listen on (default: api.host, 127.0.0.1)')
    .option('--port <port>', 'the port (default: api.port, 8080; 0 picks a free one)')
    .action(async (opts: { host?: string; port?: string }) => {
      setExit(await serveCommand({ ...opts, ...globalConfig(program) }, io));
    });

  program
    .command('simulate')
    .description('run the built-in demo tenant (a fake Power Platform admin API) on a loopback port')
    .addOption(new Option('--profile <profile>', 'posture of the demo tenant').choices(PROFILES).default('defined'))
    .option('--port <port>', 'port to listen on (0: any free port)', (v) => Number.parseInt(v, 10), 0)
    .option('--host <address>', 'address to listen on (default 127.0.0.1; 0.0.0.0 in a container)')
    .option('--seed <seed>', 'seed of the generated tenant', (v) => Number.parseInt(v, 10), 42)
    .option('--environments <n>', 'number of environments (default 12; --size sets it too)', (v) => Number.parseInt(v, 10))
    .option('--size <envs[,apps[,flows[,policies]]]>', 'tenant totals, e.g. 10000,100000,200000 (default 12 environments, 4 apps and 6 flows each)', parseSizeOption)
    .option('--page-size <n>', 'items per page of the environment list (default 5; 100 above 100 environments)', parsePositiveOption)
    .option('--inventory-page-size <n>', 'items per page of apps, flows, Dataverse rows, sites (default: --page-size, else 5; 100 above 1,000 apps or flows)', parsePositiveOption)
    .option('--throttle <rps>', 'requests per second per token and host; over it 429 with Retry-After', parsePositiveOption)
    .option('--burst <n>', 'requests allowed at once by the throttle (default: --throttle)', parsePositiveOption)
    .option('--latency <ms>', 'delay before each answer: 50, or a range 20-80', parseLatencyOption)
    .option('--fault-rate <0..1>', 'share of requests answered 500/503', parseRateOption)
    .option('--timeout-rate <0..1>', 'share of requests never answered', parseRateOption)
    .option('--malformed-rate <0..1>', 'share of requests answered 200 with a truncated body', parseRateOption)
    .option('--forbidden <families>', 'endpoint families answered 403, comma-separated (e.g. powerPagesSites,dataverse)', parseFamiliesOption)
    .action(async (opts: SimulateOptions) => {
      setExit(await simulateCommand(opts, io));
    });

  const rules = program.command('rules').description('work on rule files');
  const RULES_DIR_HELP = 'rules folder with model/ and checks/ (default: the configuration\'s rulesDir, PPMAT_RULES_DIR, or the rules shipped with ppmat)';
  const PACK_HELP = 'a custom rule pack (a folder with checks/ and/or model/), repeatable (default: the configuration\'s rules.packs)';
  const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];
  const rulesCommand = (name: string, description: string, run: (opts: RulesCommandOptions, io: CommandIo) => Promise<number>) =>
    rules
      .command(name)
      .description(description)
      .option('--dir <folder>', RULES_DIR_HELP)
      .option('--pack <folder>', PACK_HELP, collect)
      .action(async (opts: Omit<RulesCommandOptions, 'config'>) => {
        setExit(await run({ ...opts, ...globalConfig(program) }, io));
      });
  rulesCommand('test', "load the rules (refusing any invalid file) and run every check's test cases", rulesTestCommand);
  rulesCommand('stats', 'count the statements of levels 200-500 per area: automated, hybrid, attested, and the share a scan evidences', rulesStatsCommand);
  rulesCommand('lint', 'check every rule, catalogue and crosswalk file (schema, CEL, ids, references) without running cases', rulesLintCommand);
  rulesCommand('params', "list every check's parameters: default, configured values per tenant, meaning", rulesParamsCommand);

  return program;
}

function globalConfig(program: Command): { config?: string } {
  const config = program.opts<{ config?: string }>().config;
  return config ? { config } : {};
}

/** Runs the CLI; resolves to the process exit code. */
export async function runCli(argv: string[], io: CommandIo): Promise<number> {
  let exit: number = EXIT.ok;
  const program = buildProgram(io, (code) => {
    exit = code;
  });
  try {
    await program.parseAsync(argv);
    return exit;
  } catch (error) {
    if (isPpmatError(error)) {
      io.stderr.write(`ppmat: ${error.code}: ${error.message}\n`);
      return io.signal.aborted && error.code === 'PPMAT_E_ABORTED' ? EXIT.interrupted : error.exitCode;
    }
    const commanderCode = (error as { code?: string; exitCode?: number }).code;
    if (typeof commanderCode === 'string' && commanderCode.startsWith('commander.')) {
      return commanderCode === 'commander.helpDisplayed' || commanderCode === 'commander.version' ? EXIT.ok : EXIT.config;
    }
    if (io.signal.aborted) {
      io.stderr.write('ppmat: interrupted; the running scan was marked aborted.\n');
      return EXIT.interrupted;
    }
    io.stderr.write(`ppmat: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.unexpected;
  }
}
