/**
 * Loads `rules/checks/*.yaml` and `rules/model/*.yaml` into a compiled `RuleSet`.
 *
 * Everything is validated here, once: schema, id = file name, known evidence and facts,
 * known capability ids, and every CEL expression and message placeholder compiled.
 * A bad file stops the load with a `PpmatError` naming FILE:LINE and the reason, so a
 * broken rule never reaches a nightly scan.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { CelEnv } from '@bufbuild/cel';
import { PpmatError } from '../errors/catalogue.js';
import { EVIDENCE_KEYS, type EvidenceKey } from '../evidence/schemas.js';
import { FACT_DEFINITIONS, factOptionalEvidence, factRequirements, isFactName, type FactName } from '../facts/index.js';
import type { Capability } from '../scoring/types.js';
import { CelCompileError, compileCel, createCelEnv, type CompiledCel } from './cel.js';
import { loadModel } from './load-model.js';
import { ruleFileSchema, type RuleFile } from './rule-schema.js';
import { kindOf, type CheckParameter } from './parameters.js';
import type { CompiledCheck, RuleSet } from './rule-set.js';
import { compileTemplate, templateUsage, type CompiledTemplate } from './template.js';
import { listYamlFiles, readYaml, validateYaml, whereOf, type YamlSource } from './yaml-source.js';

const RULE_INVALID = 'PPMAT_E_RULE_INVALID';
const CEL_INVALID = 'PPMAT_E_CEL_INVALID';
/** Cases files sit beside the checks but are not checks. */
export const CASES_SUFFIX = '.cases.yaml';

/** True for a check file name (`x.yaml`, not `x.cases.yaml`). */
export function isCheckFile(name: string): boolean {
  return name.endsWith('.yaml') && !name.endsWith(CASES_SUFFIX);
}

export interface LoadRuleSetOptions {
  /**
   * Custom rule packs: an organization's own folders, each with `checks/` and/or `model/`,
   * added to the base rule set. Their checks may evidence the model's statements or their own;
   * their model files add statements to an area (never replace one). Ids must be new.
   */
  packs?: readonly string[];
}

/**
 * Loads and compiles the rule set under `rulesDir` (which holds `checks/` and `model/`), plus
 * any custom packs.
 * @throws PpmatError PPMAT_E_RULE_INVALID, PPMAT_E_CEL_INVALID or PPMAT_E_MODEL_INVALID with `where` = file:line.
 */
export async function loadRuleSet(rulesDir: string, options: LoadRuleSetOptions = {}): Promise<RuleSet> {
  const packs = [...new Set((options.packs ?? []).map((dir) => path.resolve(dir)))];
  const model = await loadModel(path.join(rulesDir, 'model'), packs.map((dir) => path.join(dir, 'model')));
  const env = createCelEnv();
  const byId = new Map(model.catalogue.map((c) => [c.id, c]));
  const sources: { root: string; label: string; source: YamlSource }[] = model.sources.map((source) => ({ ...rootOf(source.file, rulesDir, packs), source }));
  const checks: CompiledCheck[] = [];
  const seen = new Map<string, string>();
  for (const dir of [rulesDir, ...packs]) {
    const checksDir = path.join(dir, 'checks');
    const isPack = dir !== rulesDir;
    if (isPack && !(await exists(checksDir))) continue;
    const names = (await listYamlFiles(checksDir, RULE_INVALID)).filter(isCheckFile);
    for (const name of names) {
      const source = await readYaml(path.join(checksDir, name), RULE_INVALID);
      sources.push({ ...rootOf(source.file, rulesDir, packs), source });
      const check = compileCheck(source, name, byId, env);
      const first = seen.get(check.id);
      if (first) throw new PpmatError(RULE_INVALID, `check '${check.id}' is already defined in ${first}; a pack adds checks, it cannot replace one`, { where: whereOf(source, ['id']) });
      seen.set(check.id, source.file);
      checks.push(check);
    }
  }
  return {
    version: versionOf(sources),
    checks,
    catalogue: model.catalogue,
    areas: model.areas,
    dirs: [path.resolve(rulesDir), ...packs],
  };
}

/** The folder a source belongs to (the base rules or one pack) and how it is named in the version hash. */
function rootOf(file: string, rulesDir: string, packs: readonly string[]): { root: string; label: string } {
  const absolute = path.resolve(file);
  const index = packs.findIndex((dir) => absolute.startsWith(dir + path.sep));
  return index >= 0 ? { root: packs[index] as string, label: `pack${index}:` } : { root: path.resolve(rulesDir), label: '' };
}

async function exists(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

function compileCheck(source: YamlSource, fileName: string, catalogue: ReadonlyMap<string, Capability>, env: CelEnv): CompiledCheck {
  const rule = validateYaml(source, ruleFileSchema, RULE_INVALID);
  const expectedId = fileName.slice(0, -'.yaml'.length);
  if (rule.id !== expectedId) {
    throw new PpmatError(RULE_INVALID, `id '${rule.id}' must equal the file name '${expectedId}'`, { where: whereOf(source, ['id']) });
  }
  checkCapabilities(source, rule, catalogue);
  const { evidence, facts } = parseRequires(source, rule);
  if ((rule.applies === undefined) !== (rule.messages.notApplicable === undefined)) {
    throw new PpmatError(RULE_INVALID, 'applies and messages.notApplicable go together: give both or neither', {
      where: whereOf(source, rule.applies === undefined ? ['messages'] : ['applies']),
    });
  }
  if ((rule.known === undefined) !== (rule.messages.unknown === undefined)) {
    throw new PpmatError(RULE_INVALID, 'known and messages.unknown go together: give both or neither', {
      where: whereOf(source, rule.known === undefined ? ['messages'] : ['known']),
    });
  }
  const parameters = compileParameters(source, rule);
  const paramNames = parameters.map((p) => p.name);
  const roots = new Set<string>([...evidence, ...(facts.length > 0 ? ['facts'] : []), ...(parameters.length > 0 ? ['params'] : [])]);
  const cel = (field: (string | number)[], text: string): CompiledCel =>
    guard(source, field, facts, paramNames, () => compileCel(env, text, roots), (c) => c);
  const template = (field: (string | number)[], text: string): CompiledTemplate =>
    guard(source, field, facts, paramNames, () => compileTemplate(env, text, roots), (t) => templateUsage(t));
  const evidenceKeys = EVIDENCE_KEYS.filter((key) => evidence.includes(key) || facts.some((fact) => factRequirements(fact).includes(key)));
  const optionalEvidenceKeys = EVIDENCE_KEYS.filter(
    (key) => !evidenceKeys.includes(key) && facts.some((fact) => factOptionalEvidence(fact).includes(key)),
  );
  return {
    id: rule.id,
    version: rule.version,
    title: rule.title,
    capabilities: rule.capabilities,
    inverseOf: rule.inverseOf,
    severity: rule.severity,
    parameters,
    requiredEvidence: evidence,
    requiredFacts: facts,
    evidenceKeys,
    optionalEvidenceKeys,
    ...(rule.applies !== undefined ? { applies: cel(['applies'], rule.applies) } : {}),
    ...(rule.known !== undefined ? { known: cel(['known'], rule.known) } : {}),
    expr: cel(['expr'], rule.expr),
    actual: Object.entries(rule.actual).map(([name, text]) => ({ name, expr: cel(['actual', name], text) })),
    messages: {
      pass: template(['messages', 'pass'], rule.messages.pass),
      fail: template(['messages', 'fail'], rule.messages.fail),
      ...(rule.messages.notApplicable !== undefined
        ? { notApplicable: template(['messages', 'notApplicable'], rule.messages.notApplicable) }
        : {}),
      ...(rule.messages.unknown !== undefined ? { unknown: template(['messages', 'unknown'], rule.messages.unknown) } : {}),
    },
    remediation: rule.remediation,
    references: rule.references,
    file: source.file,
  };
}

/**
 * Compiles one field; turns compile errors, undeclared facts and undeclared parameters into
 * PPMAT_E_CEL_INVALID at the field's line.
 */
function guard<T>(
  source: YamlSource,
  field: (string | number)[],
  facts: FactName[],
  params: readonly string[],
  compile: () => T,
  usage: (t: T) => { facts: string[]; params: string[] },
): T {
  let compiled: T;
  try {
    compiled = compile();
  } catch (error) {
    const reason = error instanceof CelCompileError || error instanceof Error ? error.message : String(error);
    throw new PpmatError(CEL_INVALID, `${field.join('.')}: ${reason}`, { where: whereOf(source, field), cause: error });
  }
  const used = usage(compiled);
  const undeclared = used.facts.filter((fact) => !(facts as string[]).includes(fact));
  if (undeclared.length > 0) {
    throw new PpmatError(CEL_INVALID, `${field.join('.')}: reads facts.${undeclared[0]}, which is not declared in requires`, {
      where: whereOf(source, field),
    });
  }
  const unknownParam = used.params.find((name) => !params.includes(name));
  if (unknownParam !== undefined) {
    throw new PpmatError(CEL_INVALID, `${field.join('.')}: reads params.${unknownParam}, which is not declared in parameters (declared: ${params.join(', ') || 'none'})`, {
      where: whereOf(source, field),
    });
  }
  return compiled;
}

/** The declared parameters, typed by their defaults; a name shared with an `actual` value is refused (results report both). */
function compileParameters(source: YamlSource, rule: RuleFile): CheckParameter[] {
  return Object.entries(rule.parameters).map(([name, p]) => {
    if (Object.hasOwn(rule.actual, name)) {
      throw new PpmatError(RULE_INVALID, `parameter '${name}' has the name of an actual value; results report parameters beside actual values, so rename one`, {
        where: whereOf(source, ['parameters'], name),
      });
    }
    return { name, kind: kindOf(p.default), default: p.default, description: p.description, ...(p.min !== undefined ? { min: p.min } : {}), ...(p.max !== undefined ? { max: p.max } : {}) };
  });
}

function checkCapabilities(source: YamlSource, rule: RuleFile, catalogue: ReadonlyMap<string, Capability>): void {
  rule.capabilities.forEach((id, index) => {
    const capability = catalogue.get(id);
    const where = whereOf(source, ['capabilities', index]);
    if (!capability) throw new PpmatError(RULE_INVALID, `unknown capability id '${id}'`, { where });
    if (capability.floor) throw new PpmatError(RULE_INVALID, `'${id}' is a level-100 floor statement; list it in inverseOf`, { where });
  });
  rule.inverseOf.forEach((id, index) => {
    const capability = catalogue.get(id);
    const where = whereOf(source, ['inverseOf', index]);
    if (!capability) throw new PpmatError(RULE_INVALID, `unknown capability id '${id}'`, { where });
    if (!capability.floor) throw new PpmatError(RULE_INVALID, `'${id}' is not a floor statement`, { where });
  });
}

function parseRequires(source: YamlSource, rule: RuleFile): { evidence: EvidenceKey[]; facts: FactName[] } {
  const evidence: EvidenceKey[] = [];
  const facts: FactName[] = [];
  rule.requires.forEach((entry, index) => {
    if ((EVIDENCE_KEYS as readonly string[]).includes(entry)) {
      evidence.push(entry as EvidenceKey);
      return;
    }
    const fact = entry.startsWith('facts.') ? entry.slice('facts.'.length) : undefined;
    if (fact !== undefined && isFactName(fact)) {
      facts.push(fact);
      return;
    }
    throw new PpmatError(
      RULE_INVALID,
      `requires '${entry}' is neither an evidence key (${EVIDENCE_KEYS.join(', ')}) nor a known fact (${Object.keys(FACT_DEFINITIONS).map((f) => `facts.${f}`).join(', ')})`,
      { where: whereOf(source, ['requires', index]) },
    );
  });
  return { evidence, facts };
}

/** Short sha256 over every file's path (relative to its rules folder, packs numbered) and content, sorted by path. */
function versionOf(sources: readonly { root: string; label: string; source: YamlSource }[]): string {
  const hash = createHash('sha256');
  const entries = sources
    .map((s) => ({ rel: s.label + path.relative(s.root, s.source.file).split(path.sep).join('/'), text: s.source.text }))
    .sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  for (const entry of entries) hash.update(`${entry.rel}\0${entry.text}\0`);
  return hash.digest('hex').slice(0, 12);
}
