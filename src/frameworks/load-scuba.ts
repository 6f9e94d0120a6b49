/**
 * Loads `frameworks/scuba-powerplatform.yaml` once, at start: a broken file is refused with
 * file:line and the reason, before anything is scanned. Besides its schema, the file must
 * agree with the code: its automated policies are exactly those with an evaluator, and each
 * lists the evidence its evaluator needs.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { PpmatError } from '../errors/catalogue.js';
import { parseYaml, readYaml, validateYaml, whereOf, type YamlSource } from '../rules/yaml-source.js';
import { RULES_DIR } from '../store/paths.js';
import { SCUBA_EVALUATORS, scubaFrameworkSchema, type ScubaFramework } from './scuba.js';

/** A crosswalk file is part of the rules, so a broken one is a rule error (exit code 4). */
const CODE = 'PPMAT_E_RULE_INVALID';
export const SCUBA_FILE = path.join('frameworks', 'scuba-powerplatform.yaml');

/**
 * The crosswalk file of a rules folder; a custom folder without one (it holds checks and
 * model only) uses the file shipped with ppmat.
 */
export async function scubaFrameworkFile(rulesDir: string = RULES_DIR): Promise<string> {
  const own = path.join(rulesDir, SCUBA_FILE);
  try {
    await access(own);
    return own;
  } catch {
    return path.join(RULES_DIR, SCUBA_FILE);
  }
}

/** Reads and validates the crosswalk; refuses with file:line on the first problem. */
export async function loadScubaFramework(file: string): Promise<ScubaFramework> {
  let source: YamlSource;
  try {
    source = await readYaml(file, CODE);
  } catch (error) {
    if (error instanceof PpmatError) throw error;
    throw new PpmatError(CODE, `cannot read the SCuBA crosswalk: ${(error as Error).message}`, { where: file, cause: error });
  }
  return checkScubaFramework(source);
}

/** Validates crosswalk text (for tests and tools that hold it in memory). */
export function parseScubaFramework(file: string, text: string): ScubaFramework {
  return checkScubaFramework(parseYaml(file, text, CODE));
}

function checkScubaFramework(source: YamlSource): ScubaFramework {
  const framework = validateYaml(source, scubaFrameworkSchema, CODE);
  const seen = new Set<string>();
  framework.policies.forEach((policy, index) => {
    const where = (key?: string) => whereOf(source, ['policies', index], key);
    if (seen.has(policy.id)) throw new PpmatError(CODE, `duplicate policy id ${policy.id}`, { where: where('id') });
    seen.add(policy.id);
    const evaluator = SCUBA_EVALUATORS[policy.id];
    if (policy.evaluation === 'automated' && !evaluator) {
      throw new PpmatError(CODE, `${policy.id} is automated but ppmat has no evaluator for it (automated: ${Object.keys(SCUBA_EVALUATORS).join(', ')})`, { where: where('evaluation') });
    }
    if (policy.evaluation === 'manual' && evaluator) {
      throw new PpmatError(CODE, `${policy.id} is marked manual but ppmat evaluates it: mark it automated`, { where: where('evaluation') });
    }
    const unlisted = (evaluator?.requires ?? []).filter((key) => !policy.evidence.includes(key));
    if (unlisted.length > 0) throw new PpmatError(CODE, `${policy.id} needs evidence ${unlisted.join(', ')}: list it in evidence`, { where: where('evidence') });
  });
  const missing = Object.keys(SCUBA_EVALUATORS).filter((id) => !seen.has(id));
  if (missing.length > 0) throw new PpmatError(CODE, `policies must include ${missing.join(', ')} (ppmat evaluates them)`, { where: whereOf(source, ['policies']) });
  const ids = new Set<string>();
  framework.coreConnectors.ids.forEach((id, index) => {
    if (ids.has(id.toLowerCase())) throw new PpmatError(CODE, `duplicate connector id ${id}`, { where: whereOf(source, ['coreConnectors', 'ids', index]) });
    ids.add(id.toLowerCase());
  });
  return framework;
}
