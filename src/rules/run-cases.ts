/**
 * Runs the test cases beside each check (`<id>.cases.yaml`) against the check: the outcome,
 * the exact message and the listed actual values must come out as written. Used by the test
 * suite and by `ppmat rules test`, so a CoE writing its own rules can prove them without
 * vitest.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { deriveFacts } from '../facts/index.js';
import { evaluateCheck } from './evaluate.js';
import { loadCases, type CheckCase } from './load-cases.js';
import { CASES_SUFFIX } from './load-rules.js';
import { checkValue } from './parameters.js';
import type { ParameterValue } from './rule-schema.js';
import type { CompiledCheck, RuleSet } from './rule-set.js';
import type { Outcome } from './types.js';

export interface CaseReport {
  check: string;
  name: string;
  /** file:line of the case. */
  where: string;
  expected: { outcome: Outcome; message: string; actual?: Record<string, unknown> };
  got: { outcome: Outcome; message: string; actual: Record<string, unknown> };
  /** Empty when the case passes; otherwise what differs, one sentence each. */
  problems: string[];
}

/**
 * Every cases file in the `checks/` folder of the rules and of each pack (`ruleSet.dirs`), every
 * case, in file order. A cases file for an unknown check is a problem too. A pack's cases may
 * build on its own fixtures or on the built-in ones (`base: inventory`).
 */
export async function runCases(ruleSet: RuleSet): Promise<CaseReport[]> {
  const fixtureDirs = ruleSet.dirs.map((dir) => path.join(dir, 'checks', 'fixtures'));
  const files: string[] = [];
  for (const dir of ruleSet.dirs) {
    const checksDir = path.join(dir, 'checks');
    const names = await readdir(checksDir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' && dir !== ruleSet.dirs[0]) return [] as string[];
      throw error;
    });
    files.push(...names.filter((name) => name.endsWith(CASES_SUFFIX)).sort().map((name) => path.join(checksDir, name)));
  }
  const reports: CaseReport[] = [];
  for (const casesFile of files) {
    const file = await loadCases(casesFile, fixtureDirs);
    const check = ruleSet.checks.find((c) => c.id === file.check);
    for (const testCase of file.cases) {
      if (!check) {
        reports.push(missingCheck(file.check, testCase));
        continue;
      }
      const problems: string[] = [];
      const params = caseParameters(check, testCase, problems);
      const result = evaluateCheck(check, testCase.snapshot, deriveFacts(testCase.snapshot), params);
      const got = { outcome: result.outcome, message: result.message, actual: result.actual };
      if (got.outcome !== testCase.outcome) problems.push(`outcome is ${got.outcome}, expected ${testCase.outcome}`);
      if (got.message !== testCase.message) problems.push(`message is "${got.message}", expected "${testCase.message}"`);
      for (const [key, value] of Object.entries(testCase.actual ?? {})) {
        if (!matches(value, got.actual[key])) problems.push(`actual.${key} is ${JSON.stringify(got.actual[key])}, expected ${JSON.stringify(value)}`);
      }
      reports.push({ check: file.check, name: testCase.name, where: testCase.where, expected: expectedOf(testCase), got, problems });
    }
  }
  return reports;
}

/** The check's defaults with the case's parameters over them; a parameter the check does not declare, or a wrong value, is a problem of the case. */
function caseParameters(check: CompiledCheck, testCase: CheckCase, problems: string[]): Record<string, ParameterValue> {
  const values: Record<string, ParameterValue> = Object.fromEntries(check.parameters.map((p) => [p.name, p.default]));
  for (const [name, value] of Object.entries(testCase.parameters ?? {})) {
    const parameter = check.parameters.find((p) => p.name === name);
    const problem = parameter ? checkValue(parameter, value) : `the check has no parameter '${name}'`;
    if (problem) problems.push(`parameters.${name}: ${problem}`);
    else values[name] = value as ParameterValue;
  }
  return values;
}

function expectedOf(testCase: CheckCase): CaseReport['expected'] {
  return { outcome: testCase.outcome, message: testCase.message, ...(testCase.actual ? { actual: testCase.actual } : {}) };
}

function missingCheck(checkId: string, testCase: CheckCase): CaseReport {
  return {
    check: checkId,
    name: testCase.name,
    where: testCase.where,
    expected: expectedOf(testCase),
    got: { outcome: 'unknown', message: '', actual: {} },
    problems: [`there is no check ${checkId}`],
  };
}

/** Objects match when every expected key matches (extra keys are fine); arrays and scalars must be equal in full. */
function matches(expected: unknown, got: unknown): boolean {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (got === null || typeof got !== 'object' || Array.isArray(got)) return false;
    return Object.entries(expected).every(([key, value]) => matches(value, (got as Record<string, unknown>)[key]));
  }
  if (Array.isArray(expected)) {
    return Array.isArray(got) && expected.length === got.length && expected.every((value, i) => matches(value, got[i]));
  }
  return isDeepStrictEqual(expected, got);
}
