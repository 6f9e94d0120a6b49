/**
 * Loads `rules/checks/*.yaml` and `rules/model/*.yaml` into a compiled `RuleSet`.
 *
 * Everything is validated here, once: schema, id = file name, known evidence and facts,
 * known capability ids, and every CEL expression and message placeholder compiled.
 * A bad file stops the load with a `PpmatError` naming FILE:LINE and the reason, so a
 * broken rule never reaches a nightly scan.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { CelEnv } from '@bufbuild/cel';
import { PpmatError } from '../errors/catalogue.js';
import { EVIDENCE_KEYS, type EvidenceKey } from '../evidence/schemas.js';
import { FACT_DEFINITIONS, factOptionalEvidence, factRequirements, isFactName, type FactName } from '../facts/index.js';
import type { Capability } from '../scoring/types.js';
import { CelCompileError, compileCel, createCelEnv, type CompiledCel } from './cel.js';
import { loadModel } from './load-model.js';
import { ruleFileSchema, type RuleFile } from './rule-schema.js';
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

/**
 * Loads and compiles the rule set under `rulesDir` (which holds `checks/` and `model/`).
 * @throws PpmatError PPMAT_E_RULE_INVALID, PPMAT_E_CEL_INVALID or PPMAT_E_MODEL_INVALID with `where` = file:line.
 */
export async function loadRuleSet(rulesDir: string): Promise<RuleSet> {
  const model = await loadModel(path.join(rulesDir, 'model'));
  const checksDir = path.join(rulesDir, 'checks');
  const names = (await listYamlFiles(checksDir, RULE_INVALID)).filter(isCheckFile);
  const env = createCelEnv();
  const byId = new Map(model.catalogue.map((c) => [c.id, c]));
  const sources: YamlSource[] = [...model.sources];
  const checks: CompiledCheck[] = [];
  for (const name of names) {
    const source = await readYaml(path.join(checksDir, name), RULE_INVALID);
    sources.push(source);
    checks.push(compileCheck(source, name, byId, env));
  }
  return { version: versionOf(sources, rulesDir), checks, catalogue: model.catalogue, areas: model.areas };
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
  const roots = new Set<string>([...evidence, ...(facts.length > 0 ? ['facts'] : [])]);
  const cel = (field: (string | number)[], text: string): CompiledCel =>
    guard(source, field, facts, () => compileCel(env, text, roots), (c) => c.facts);
  const template = (field: (string | number)[], text: string): CompiledTemplate =>
    guard(source, field, facts, () => compileTemplate(env, text, roots), (t) => templateUsage(t).facts);
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

/** Compiles one field; turns compile errors and undeclared facts into PPMAT_E_CEL_INVALID at the field's line. */
function guard<T>(source: YamlSource, field: (string | number)[], facts: FactName[], compile: () => T, usedFacts: (t: T) => string[]): T {
  let compiled: T;
  try {
    compiled = compile();
  } catch (error) {
    const reason = error instanceof CelCompileError || error instanceof Error ? error.message : String(error);
    throw new PpmatError(CEL_INVALID, `${field.join('.')}: ${reason}`, { where: whereOf(source, field), cause: error });
  }
  const undeclared = usedFacts(compiled).filter((fact) => !(facts as string[]).includes(fact));
  if (undeclared.length > 0) {
    throw new PpmatError(CEL_INVALID, `${field.join('.')}: reads facts.${undeclared[0]}, which is not declared in requires`, {
      where: whereOf(source, field),
    });
  }
  return compiled;
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

/** Short sha256 over every file's path (relative to the rules dir) and content, sorted by path. */
function versionOf(sources: YamlSource[], rulesDir: string): string {
  const hash = createHash('sha256');
  const entries = sources
    .map((s) => ({ rel: path.relative(rulesDir, s.file).split(path.sep).join('/'), text: s.text }))
    .sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  for (const entry of entries) hash.update(`${entry.rel}\0${entry.text}\0`);
  return hash.digest('hex').slice(0, 12);
}
