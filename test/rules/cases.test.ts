/**
 * Runs every `rules/checks/*.cases.yaml`: one test per case, asserting the outcome and the
 * exact message (and the listed actual values).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveFacts } from '../../src/facts/index.js';
import { evaluateCheck } from '../../src/rules/evaluate.js';
import { CASES_SUFFIX, loadRuleSet } from '../../src/rules/load-rules.js';
import { loadCases } from '../../src/rules/load-cases.js';

const RULES_DIR = path.resolve(import.meta.dirname, '../../rules');
const CHECKS_DIR = path.join(RULES_DIR, 'checks');

const ruleSet = await loadRuleSet(RULES_DIR);
const casesFiles = await Promise.all(
  readdirSync(CHECKS_DIR)
    .filter((name) => name.endsWith(CASES_SUFFIX))
    .sort()
    .map((name) => loadCases(path.join(CHECKS_DIR, name))),
);

describe.each(casesFiles.map((file) => [file.check, file] as const))('%s', (checkId, file) => {
  const check = ruleSet.checks.find((c) => c.id === checkId);

  it('names an existing check', () => {
    expect(check, `${file.file} names check ${checkId}`).toBeDefined();
  });

  it.each(file.cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    if (!check) throw new Error(`no check ${checkId}`);
    const result = evaluateCheck(check, testCase.snapshot, deriveFacts(testCase.snapshot));
    expect({ outcome: result.outcome, message: result.message }, testCase.where).toEqual({
      outcome: testCase.outcome,
      message: testCase.message,
    });
    if (testCase.actual) expect(result.actual, testCase.where).toMatchObject(testCase.actual);
  });
});

it('covers every outcome kind somewhere, including a failed collection', () => {
  const outcomes = new Set(casesFiles.flatMap((f) => f.cases.map((c) => c.outcome)));
  expect([...outcomes].sort()).toEqual(['fail', 'not_applicable', 'pass', 'unknown']);
  for (const file of casesFiles) {
    const failedCollection = file.cases.some((c) =>
      Object.values(c.snapshot.evidence).some((item) => item && item.status !== 'ok'),
    );
    expect(failedCollection, `${file.file} has a case where a collection failed`).toBe(true);
  }
});
