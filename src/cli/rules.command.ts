/**
 * `ppmat rules test`: loads a rules folder (refusing any invalid file with its line) and
 * runs every check's cases, for people who write their own checks.
 * `ppmat rules stats`: how many scored statements per area a scan can speak to.
 * `ppmat rules lint`: every file valid (schema, CEL compiled and type-checked, ids equal to
 * file names, capabilities and crosswalk references pointing at existing ids), without running cases.
 * `ppmat rules params`: every check parameter with its default and the configuration's values.
 *
 * The rules are the configuration's (`rulesDir`, `rules.packs`) unless `--dir` or `--pack` say
 * otherwise, so a CoE tests the same rule set its scans use.
 */
import { EXIT } from '../errors/catalogue.js';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { loadScubaFramework, scubaFrameworkFile } from '../frameworks/load-scuba.js';
import type { Config } from '../config/config-schema.js';
import { loadConfig } from '../config/load-config.js';
import { CASES_SUFFIX, loadRuleSet, type LoadRuleSetOptions } from '../rules/load-rules.js';
import { resolveParameters } from '../rules/parameters.js';
import { tenantJudging } from './tenant-targets.js';
import { runCases } from '../rules/run-cases.js';
import { RULES_DIR } from '../store/paths.js';
import { renderRulesStats, rulesStats } from './rules-stats.js';
import type { CommandIo } from './scan.command.js';

export interface RulesCommandOptions {
  dir?: string;
  pack?: string[];
  config?: string;
}

export async function rulesTestCommand(options: RulesCommandOptions, io: CommandIo): Promise<number> {
  const ruleSet = await loadRuleSet(...(await ruleSources(options, io)));
  const reports = await runCases(ruleSet);
  const failed = reports.filter((r) => r.problems.length > 0);
  for (const report of failed) {
    io.stdout.write(`FAIL ${report.check}: ${report.name} (${report.where})\n`);
    for (const problem of report.problems) io.stdout.write(`     ${problem}\n`);
  }
  const untested = ruleSet.checks.filter((check) => !reports.some((r) => r.check === check.id)).map((c) => c.id);
  for (const id of untested) io.stdout.write(`FAIL ${id}: has no cases file (${id}.cases.yaml)\n`);
  const withoutCases = untested.length > 0 ? `; ${untested.length} ${untested.length === 1 ? 'check has' : 'checks have'} no cases` : '';
  io.stdout.write(
    `Rule set ${ruleSet.version}: ${ruleSet.checks.length} checks, ${ruleSet.catalogue.length} capability statements. ` +
      `${reports.length - failed.length} of ${reports.length} cases passed${withoutCases}.\n`,
  );
  return failed.length + untested.length === 0 ? EXIT.ok : EXIT.config;
}

/** Loads the rules folder (refusing any invalid file) and prints the assessment counts per area. */
export async function rulesStatsCommand(options: RulesCommandOptions, io: CommandIo): Promise<number> {
  const ruleSet = await loadRuleSet(...(await ruleSources(options, io)));
  io.stdout.write(`Rule set ${ruleSet.version}: ${ruleSet.catalogue.length} capability statements, ${ruleSet.checks.length} checks.\n\n`);
  io.stdout.write(`${renderRulesStats(rulesStats(ruleSet))}\n`);
  return EXIT.ok;
}

/**
 * Loads and checks the folder as a scan would: a broken file is refused with its file and
 * line (PPMAT_E_RULE_INVALID, PPMAT_E_CEL_INVALID, PPMAT_E_MODEL_INVALID, exit 4). Then the
 * references that loading does not need: crosswalk policies naming checks that do not exist,
 * and checks without a cases file.
 */
export async function rulesLintCommand(options: RulesCommandOptions, io: CommandIo): Promise<number> {
  const sources = await ruleSources(options, io);
  const [dir] = sources;
  const ruleSet = await loadRuleSet(...sources);
  const scubaFile = await scubaFrameworkFile(dir);
  const scuba = await loadScubaFramework(scubaFile);
  const checkIds = new Set(ruleSet.checks.map((c) => c.id));
  const problems: string[] = [];
  for (const policy of scuba.policies) {
    for (const id of policy.checks) if (!checkIds.has(id)) problems.push(`${scubaFile}: ${policy.id} names the check ${id}, which does not exist`);
  }
  const cases = new Set<string>();
  for (const folder of ruleSet.dirs) {
    const names = await readdir(path.join(folder, 'checks')).catch(() => [] as string[]);
    for (const name of names) if (name.endsWith(CASES_SUFFIX)) cases.add(name.slice(0, -CASES_SUFFIX.length));
  }
  for (const check of ruleSet.checks) if (!cases.has(check.id)) problems.push(`${check.file}: ${check.id} has no cases file (${check.id}${CASES_SUFFIX})`);
  for (const problem of problems) io.stdout.write(`FAIL ${problem}\n`);
  io.stdout.write(
    `Rule set ${ruleSet.version}: ${ruleSet.checks.length} checks, ${ruleSet.catalogue.length} capability statements, ${scuba.policies.length} SCuBA policies: ` +
      (problems.length === 0 ? 'no problem found.\n' : `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}.\n`),
  );
  return problems.length === 0 ? EXIT.ok : EXIT.config;
}

/**
 * Prints every parameter of every check: its default, its value in the configuration (global
 * `rules.parameters`, then each tenant's), and what it means. Refuses overrides that name an
 * unknown check or parameter or give a wrong value, as a scan would.
 */
export async function rulesParamsCommand(options: RulesCommandOptions, io: CommandIo): Promise<number> {
  const config = await readConfig(options, io);
  const ruleSet = await loadRuleSet(...(await ruleSources(options, io, config)));
  const layers = config ? [null, ...config.tenants.keys()].map((index) => ({ label: index === null ? 'configured' : (config.tenants[index]?.id ?? ''), judging: tenantJudging(config, index) })) : [];
  const resolved = layers.map((layer) => ({ label: layer.label, values: resolveParameters(ruleSet, layer.judging.parameterLayers) }));
  const rows: string[][] = [];
  for (const check of ruleSet.checks) {
    for (const parameter of check.parameters) {
      const values = resolved.map((r) => r.values.byCheck.get(check.id)?.[parameter.name]);
      rows.push([check.id, parameter.name, JSON.stringify(parameter.default), ...values.map((v) => JSON.stringify(v)), parameter.description]);
    }
  }
  if (rows.length === 0) {
    io.stdout.write('No check declares a parameter.\n');
    return EXIT.ok;
  }
  const header = ['Check', 'Parameter', 'Default', ...resolved.map((r) => (r.label === 'configured' ? 'Configured' : `Tenant ${r.label}`)), 'Meaning'];
  io.stdout.write(`${renderTable([header, ...rows])}\n`);
  const thresholds = layers.map((l) => `${l.label === 'configured' ? 'configured' : `tenant ${l.label}`}: ${l.judging.scoring.threshold ?? 1}`);
  io.stdout.write(`\nLevel threshold (share of a level's statements that must be met): ${thresholds.length > 0 ? thresholds.join(', ') : '1 (default)'}.\n`);
  io.stdout.write('Override in ppmat.yaml: rules.parameters.<check>.<parameter>, or per tenant tenants[].rules.parameters.\n');
  return EXIT.ok;
}

function renderTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ');
  return [line(rows[0]!), widths.map((w, i) => (i === widths.length - 1 ? '-'.repeat(Math.min(w, 40)) : '-'.repeat(w))).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** The configuration, when a file is given or ./ppmat.yaml exists; null otherwise (defaults only). */
async function readConfig(options: RulesCommandOptions, io: CommandIo): Promise<Config | null> {
  const { config, file } = await loadConfig({ cwd: io.cwd, env: io.env, ...(options.config ? { path: options.config } : {}) });
  return file === null && !io.env.PPMAT_RULES_DIR ? null : config;
}

/** The rules folder and packs: `--dir`/`--pack` when given, else the configuration's, else the shipped rules. */
async function ruleSources(options: RulesCommandOptions, io: CommandIo, config?: Config | null): Promise<[string, LoadRuleSetOptions]> {
  const loaded = config === undefined ? await readConfig(options, io) : config;
  const dir = options.dir ?? loaded?.rulesDir ?? io.env.PPMAT_RULES_DIR ?? RULES_DIR;
  const packs = options.pack ?? loaded?.rules.packs ?? [];
  return [dir, { packs: packs.map((pack) => path.resolve(io.cwd, pack)) }];
}
