/**
 * Custom rule packs: an organization adds its own checks and capability statements to the
 * shipped rule set, tests them with the same cases runner (on their fixtures or the shipped
 * ones), and is refused when a pack would replace rather than add.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCases } from '../../src/rules/load-cases.js';
import { loadRuleSet } from '../../src/rules/load-rules.js';
import { refusalOf } from '../support/refusal.js';
import { runCases } from '../../src/rules/run-cases.js';
import { evaluateSnapshot } from '../../src/scheduler/evaluate-snapshot.js';

const RULES_DIR = path.resolve(import.meta.dirname, '../../rules');

const STATEMENTS = `area: security
statements:
  - id: security.300.contoso-partner-tenants-reviewed
    level: 300
    statement: Contoso reviews the tenants allowed through tenant isolation every quarter.
    assessment: hybrid
    signal: necessary
`;

const CHECK = `id: contoso.few-partner-tenants
version: 1
title: At most a few partner tenants are allowed
capabilities: [security.300.contoso-partner-tenants-reviewed]
severity: medium
requires: [tenantIsolation]
parameters:
  maxPartners: { default: 3, min: 0, description: Partner tenants Contoso allows at most. }
expr: tenantIsolation.allowedTenants.size() <= params.maxPartners
messages:
  pass: "{{ tenantIsolation.allowedTenants.size() }} partner tenants are allowed, at most {{ params.maxPartners }}."
  fail: "{{ tenantIsolation.allowedTenants.size() }} partner tenants are allowed, more than {{ params.maxPartners }}."
remediation: Remove partner tenants nobody uses.
`;

const CASES = `check: contoso.few-partner-tenants
base: base
cases:
  - name: one partner
    outcome: pass
    message: "1 partner tenants are allowed, at most 3."
  - name: no partner allowed by Contoso
    parameters: { maxPartners: 0 }
    outcome: fail
    message: "1 partner tenants are allowed, more than 0."
`;

let pack: string;
beforeEach(async () => {
  pack = await mkdtemp(path.join(os.tmpdir(), 'ppmat-pack-'));
  await mkdir(path.join(pack, 'checks'));
  await mkdir(path.join(pack, 'model'));
  await writeFile(path.join(pack, 'model', 'contoso-security.yaml'), STATEMENTS);
  await writeFile(path.join(pack, 'checks', 'contoso.few-partner-tenants.yaml'), CHECK);
  await writeFile(path.join(pack, 'checks', 'contoso.few-partner-tenants.cases.yaml'), CASES);
});
afterEach(async () => {
  await rm(pack, { recursive: true, force: true });
});


describe('custom rule packs', () => {
  it('adds the pack’s statements and checks to the shipped ones, marked custom, with a new version', async () => {
    const base = await loadRuleSet(RULES_DIR);
    const ruleSet = await loadRuleSet(RULES_DIR, { packs: [pack] });
    expect(ruleSet.checks).toHaveLength(base.checks.length + 1);
    expect(ruleSet.catalogue).toHaveLength(base.catalogue.length + 1);
    expect(ruleSet.catalogue.find((c) => c.id === 'security.300.contoso-partner-tenants-reviewed')).toMatchObject({ area: 'security', level: 300, custom: true });
    expect(ruleSet.version).not.toBe(base.version);
    expect(ruleSet.dirs).toEqual([RULES_DIR, pack]);
  });

  it('runs the pack’s cases on the shipped fixtures, with their parameters', async () => {
    const ruleSet = await loadRuleSet(RULES_DIR, { packs: [pack] });
    const reports = (await runCases(ruleSet)).filter((r) => r.check === 'contoso.few-partner-tenants');
    expect(reports.map((r) => [r.name, r.got.outcome, r.problems])).toEqual([
      ['one partner', 'pass', []],
      ['no partner allowed by Contoso', 'fail', []],
    ]);
  });

  it('scores the pack’s statements with the area: a failing necessary signal holds Security below 300', async () => {
    const ruleSet = await loadRuleSet(RULES_DIR, { packs: [pack] });
    const cases = await loadCases(path.join(pack, 'checks', 'contoso.few-partner-tenants.cases.yaml'), [path.join(RULES_DIR, 'checks', 'fixtures')]);
    const snapshot = cases.cases[0]!.snapshot;
    const judgement = evaluateSnapshot(ruleSet, snapshot, [], new Date('2026-11-27T00:00:00Z'), {
      parameters: { byCheck: new Map([['contoso.few-partner-tenants', { maxPartners: 0 }]]), overridesDigest: 'x' },
    });
    expect(judgement.capabilityResults.find((r) => r.capabilityId === 'security.300.contoso-partner-tenants-reviewed')).toMatchObject({ status: 'not_met' });
  });

  it('refuses a pack check whose id is already shipped, naming both files', async () => {
    await writeFile(path.join(pack, 'checks', 'security.tenant-isolation-enabled.yaml'), CHECK.replace('contoso.few-partner-tenants', 'security.tenant-isolation-enabled'));
    const error = await refusalOf(() => loadRuleSet(RULES_DIR, { packs: [pack] }));
    expect(error.code).toBe('PPMAT_E_RULE_INVALID');
    expect(error.message).toMatch(/check 'security\.tenant-isolation-enabled' is already defined in .*rules\/checks\/security\.tenant-isolation-enabled\.yaml; a pack adds checks, it cannot replace one/);
    expect(error.where).toMatch(new RegExp(`${pack}/checks/security\\.tenant-isolation-enabled\\.yaml:1$`));
  });

  it('refuses a pack statement whose id is already in the model', async () => {
    await writeFile(path.join(pack, 'model', 'contoso-security.yaml'), STATEMENTS.replace('security.300.contoso-partner-tenants-reviewed', 'security.200.tenant-isolation').replace('level: 300', 'level: 200'));
    const error = await refusalOf(() => loadRuleSet(RULES_DIR, { packs: [pack] }));
    expect(error.code).toBe('PPMAT_E_MODEL_INVALID');
    expect(error.message).toMatch(/duplicate statement id security\.200\.tenant-isolation \(first at .*rules\/model\/security\.yaml:\d+\)/);
  });

  it('refuses a pack that redefines the areas', async () => {
    await writeFile(path.join(pack, 'model', 'areas.yaml'), 'areas: []\n');
    const error = await refusalOf(() => loadRuleSet(RULES_DIR, { packs: [pack] }));
    expect(error.message).toMatch(/a pack cannot redefine the areas/);
  });

  it('accepts a pack with checks only, for the shipped statements', async () => {
    await rm(path.join(pack, 'model'), { recursive: true });
    await writeFile(path.join(pack, 'checks', 'contoso.few-partner-tenants.yaml'), CHECK.replace('security.300.contoso-partner-tenants-reviewed', 'security.200.tenant-isolation'));
    const ruleSet = await loadRuleSet(RULES_DIR, { packs: [pack] });
    expect(ruleSet.checks.find((c) => c.id === 'contoso.few-partner-tenants')?.capabilities).toEqual(['security.200.tenant-isolation']);
  });
});
