/**
 * Runs every `rules/checks/*.cases.yaml`: one test per case, asserting the outcome, the
 * exact message and the listed actual values (through the same runner as `ppmat rules test`).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleSet } from '../../src/rules/load-rules.js';
import { runCases } from '../../src/rules/run-cases.js';

const RULES_DIR = path.resolve(import.meta.dirname, '../../rules');
const ruleSet = await loadRuleSet(RULES_DIR);
const reports = await runCases(ruleSet);

describe.each([...new Set(reports.map((r) => r.check))])('%s', (checkId) => {
  it.each(reports.filter((r) => r.check === checkId).map((r) => [r.name, r] as const))('%s', (_name, report) => {
    expect(report.problems, report.where).toEqual([]);
    expect(report.got.outcome).toBe(report.expected.outcome);
    expect(report.got.message).toBe(report.expected.message);
  });
});

it('has cases for every check, covering every outcome kind and a failed collection for each', () => {
  expect([...new Set(reports.map((r) => r.check))].sort()).toEqual(ruleSet.checks.map((c) => c.id).sort());
  expect([...new Set(reports.map((r) => r.expected.outcome))].sort()).toEqual(['fail', 'not_applicable', 'pass', 'unknown']);
  for (const check of ruleSet.checks) {
    const failedCollection = reports.some((r) => r.check === check.id && r.expected.outcome === 'unknown' && /could not be collected/.test(r.expected.message));
    expect(failedCollection, `${check.id} has a case where a collection failed`).toBe(true);
  }
});
