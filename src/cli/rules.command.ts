/**
 * `ppmat rules test`: loads a rules folder (refusing any invalid file with its line) and
 * runs every check's cases, for people who write their own checks.
 * `ppmat rules stats`: how many scored statements per area a scan can speak to.
 * `ppmat rules lint`: every file valid (schema, CEL compiled and type-checked, ids equal to
 * file names, capabilities and crosswalk references pointing at existing ids), without running cases.
 */
import { EXIT } from '../errors/catalogue.js';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { loadScubaFramework, scubaFrameworkFile } from '../frameworks/load-scuba.js';
import { CASES_SUFFIX, loadRuleSet } from '../rules/load-rules.js';
import { runCases } from '../rules/run-cases.js';
import { RULES_DIR } from '../store/paths.js';
import { renderRulesStats, rulesStats } from './rules-stats.js';
import type { CommandIo } from './scan.command.js';

export async function rulesTestCommand(options: { dir?: string }, io: CommandIo): Promise<number> {
  const dir = rulesDir(options, io);
  const ruleSet = await loadRuleSet(dir);
  const reports = await runCases(ruleSet, dir);
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
export async function rulesStatsCommand(options: { dir?: string }, io: CommandIo): Promise<number> {
  const ruleSet = await loadRuleSet(rulesDir(options, io));
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
export async function rulesLintCommand(options: { dir?: string }, io: CommandIo): Promise<number> {
  const dir = rulesDir(options, io);
  const ruleSet = await loadRuleSet(dir);
  const scubaFile = await scubaFrameworkFile(dir);
  const scuba = await loadScubaFramework(scubaFile);
  const checkIds = new Set(ruleSet.checks.map((c) => c.id));
  const problems: string[] = [];
  for (const policy of scuba.policies) {
    for (const id of policy.checks) if (!checkIds.has(id)) problems.push(`${scubaFile}: ${policy.id} names the check ${id}, which does not exist`);
  }
  const cases = new Set((await readdir(path.join(dir, 'checks'))).filter((f) => f.endsWith(CASES_SUFFIX)).map((f) => f.slice(0, -CASES_SUFFIX.length)));
  for (const check of ruleSet.checks) if (!cases.has(check.id)) problems.push(`${check.file}: ${check.id} has no cases file (${check.id}${CASES_SUFFIX})`);
  for (const problem of problems) io.stdout.write(`FAIL ${problem}\n`);
  io.stdout.write(
    `Rule set ${ruleSet.version}: ${ruleSet.checks.length} checks, ${ruleSet.catalogue.length} capability statements, ${scuba.policies.length} SCuBA policies: ` +
      (problems.length === 0 ? 'no problem found.\n' : `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}.\n`),
  );
  return problems.length === 0 ? EXIT.ok : EXIT.config;
}

function rulesDir(options: { dir?: string }, io: CommandIo): string {
  return options.dir ?? io.env.PPMAT_RULES_DIR ?? RULES_DIR;
}
