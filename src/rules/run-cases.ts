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
import type { RuleSet } from './rule-set.js';
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

/** Every cases file in `rulesDir/checks`, every case, in file order. A cases file for an unknown check is a problem too. */
export async function runCases(ruleSet: RuleSet, rulesDir: string): Promise<CaseReport[]> {
  const checksDir = path.join(rulesDir, 'checks');
  const names = (await readdir(checksDir)).filter((name) => name.endsWith(CASES_SUFFIX)).sort();
  const reports: CaseReport[] = [];
  for (const name of names) {
    const file = await loadCases(path.join(checksDir, name));
    const check = ruleSet.checks.find((c) => c.id === file.check);
    for (const testCase of file.cases) {
      if (!check) {
        reports.push(missingCheck(file.check, testCase));
        continue;
      }
      const result = evaluateCheck(check, testCase.snapshot, deriveFacts(testCase.snapshot));
      const got = { outcome: result.outcome, message: result.message, actual: result.actual };
      const problems: string[] = [];
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
