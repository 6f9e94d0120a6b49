/**
 * Check parameters: the defaults a check declares, and an organization's overrides.
 *
 * A threshold is a judgement, not a fact: "unused" may mean 180 days in one company and 90 in
 * another. Checks read `params.<name>`; the configuration overrides by check id
 * (`rules.parameters`, then `tenants[].rules.parameters`, the tenant's winning). Overrides are
 * validated once, at start, against the declared parameters (name, type, bounds), and refused
 * with the configuration path, so a typo never silently leaves the default in place.
 */
import { createHash } from 'node:crypto';
import { PpmatError } from '../errors/catalogue.js';
import type { ParameterValue } from './rule-schema.js';
import type { CompiledCheck, RuleSet } from './rule-set.js';

/** How a parameter's value is typed, from its default. */
export type ParameterKind = 'integer' | 'number' | 'boolean' | 'string' | 'string list';

export interface CheckParameter {
  name: string;
  kind: ParameterKind;
  default: ParameterValue;
  description: string;
  min?: number;
  max?: number;
}

/** Overrides as written in the configuration: check id -> parameter name -> value. */
export type ParameterOverrides = Record<string, Record<string, unknown>>;

/** The values each check runs with (defaults merged with overrides), by check id; and a digest of the overrides. */
export interface ResolvedParameters {
  byCheck: ReadonlyMap<string, Readonly<Record<string, ParameterValue>>>;
  /** Short sha256 of the effective overrides, or null when every check runs with its defaults. */
  overridesDigest: string | null;
}

export function kindOf(value: ParameterValue): ParameterKind {
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  return 'string list';
}

/** The defaults of every check, without overrides. */
export function defaultParameters(ruleSet: RuleSet): ResolvedParameters {
  return resolveParameters(ruleSet, []);
}

/**
 * Merges overrides (in order: later layers win) over the checks' defaults.
 * @param layers each with the overrides and the configuration path they came from (e.g. `rules.parameters`).
 * @throws PpmatError PPMAT_E_CONFIG_INVALID naming `<path>.<check>.<name>` for an unknown check or
 *   parameter, a value of the wrong type, or a value out of bounds.
 */
export function resolveParameters(
  ruleSet: RuleSet,
  layers: readonly { overrides: ParameterOverrides | undefined; path: string; where?: string }[],
): ResolvedParameters {
  const checks = new Map(ruleSet.checks.map((check) => [check.id, check]));
  const effective = new Map<string, Record<string, ParameterValue>>();
  for (const layer of layers) {
    for (const [checkId, values] of Object.entries(layer.overrides ?? {})) {
      const check = checks.get(checkId);
      const at = `${layer.path}.${checkId}`;
      if (!check) throw invalid(`${at}: there is no check '${checkId}'${suggest(checkId, [...checks.keys()])}`, layer.where);
      if (check.parameters.length === 0) throw invalid(`${at}: the check '${checkId}' has no parameters`, layer.where);
      for (const [name, value] of Object.entries(values ?? {})) {
        const parameter = check.parameters.find((p) => p.name === name);
        if (!parameter) {
          throw invalid(`${at}.${name}: '${checkId}' has no parameter '${name}' (it has: ${check.parameters.map((p) => p.name).join(', ')})`, layer.where);
        }
        const problem = checkValue(parameter, value);
        if (problem) throw invalid(`${at}.${name}: ${problem}`, layer.where);
        (effective.get(checkId) ?? effective.set(checkId, {}).get(checkId)!)[name] = value as ParameterValue;
      }
    }
  }
  const byCheck = new Map<string, Record<string, ParameterValue>>();
  for (const check of ruleSet.checks) {
    if (check.parameters.length === 0) continue;
    byCheck.set(check.id, { ...defaultsOf(check), ...effective.get(check.id) });
  }
  return { byCheck, overridesDigest: digest(effective) };
}

/** The version a scan records: the rule files' version, plus a digest of the overrides when there are any. */
export function effectiveRuleSetVersion(ruleSet: RuleSet, parameters: ResolvedParameters): string {
  return parameters.overridesDigest === null ? ruleSet.version : `${ruleSet.version}+p${parameters.overridesDigest}`;
}

function defaultsOf(check: CompiledCheck): Record<string, ParameterValue> {
  return Object.fromEntries(check.parameters.map((p) => [p.name, p.default]));
}

/** Why `value` does not fit the parameter, or undefined. */
export function checkValue(parameter: CheckParameter, value: unknown): string | undefined {
  const expected = parameter.kind;
  const wrong = `must be ${expected === 'integer' ? 'an integer' : expected === 'string list' ? 'a list of strings' : `a ${expected}`} (like the default ${JSON.stringify(parameter.default)}), got ${JSON.stringify(value)}`;
  switch (expected) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return wrong;
      break;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return wrong;
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return wrong;
      return undefined;
    case 'string':
      if (typeof value !== 'string') return wrong;
      return undefined;
    case 'string list':
      if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) return wrong;
      return undefined;
  }
  const n = value as number;
  if (parameter.min !== undefined && n < parameter.min) return `${n} is below the minimum ${parameter.min}`;
  if (parameter.max !== undefined && n > parameter.max) return `${n} is above the maximum ${parameter.max}`;
  return undefined;
}

function digest(effective: Map<string, Record<string, ParameterValue>>): string | null {
  const entries = [...effective.entries()]
    .filter(([, values]) => Object.keys(values).length > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, values]) => [id, Object.fromEntries(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))]);
  if (entries.length === 0) return null;
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex').slice(0, 8);
}

function suggest(id: string, known: string[]): string {
  const area = id.split('.')[0] ?? '';
  const same = known.filter((k) => k.startsWith(`${area}.`));
  return same.length > 0 && same.length <= 12 ? ` (checks of ${area}: ${same.join(', ')})` : '';
}

function invalid(message: string, where: string | undefined): PpmatError {
  return new PpmatError('PPMAT_E_CONFIG_INVALID', message, { where: where ?? 'configuration' });
}
