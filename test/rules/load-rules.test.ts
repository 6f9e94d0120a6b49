/**
 * The loader refuses every bad rule file with FILE:LINE and the reason.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PpmatError } from '../../src/errors/catalogue.js';
import { loadRuleSet } from '../../src/rules/load-rules.js';

const RULES_DIR = path.resolve(import.meta.dirname, '../../rules');

const VALID = `id: security.sample
version: 1
title: Sample
capabilities: [security.200.tenant-isolation]
severity: high
requires: [tenantIsolation]
expr: tenantIsolation.enabled
messages:
  pass: "On; {{ tenantIsolation.allowedTenants.size() }} allowed."
  fail: "Off."
remediation: Turn it on.
`;

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ppmat-rules-'));
  await cp(path.join(RULES_DIR, 'model'), path.join(dir, 'model'), { recursive: true });
  await cp(path.join(RULES_DIR, 'checks'), path.join(dir, 'checks'), { recursive: true, filter: (src) => !src.endsWith('.yaml') || src.endsWith('checks') });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeCheck(name: string, text: string): Promise<string> {
  const file = path.join(dir, 'checks', name);
  await writeFile(file, text);
  return file;
}

async function refusal(): Promise<PpmatError> {
  try {
    await loadRuleSet(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(PpmatError);
    return error as PpmatError;
  }
  throw new Error('expected loadRuleSet to refuse');
}

describe('loadRuleSet', () => {
  it('loads the repository rule set', async () => {
    const ruleSet = await loadRuleSet(RULES_DIR);
    expect(ruleSet.checks.length).toBeGreaterThanOrEqual(10);
    expect(ruleSet.version).toMatch(/^[0-9a-f]{12}$/);
    expect(ruleSet.areas).toHaveLength(9);
  });

  it('loads a valid check and ignores cases files', async () => {
    await writeCheck('security.sample.yaml', VALID);
    await writeCheck('security.sample.cases.yaml', 'not: a check');
    const ruleSet = await loadRuleSet(dir);
    expect(ruleSet.checks.map((c) => c.id)).toEqual(['security.sample']);
    expect(ruleSet.checks[0]?.evidenceKeys).toEqual(['tenantIsolation']);
  });

  it('gives a version that depends on the content only', async () => {
    await writeCheck('security.sample.yaml', VALID);
    const first = (await loadRuleSet(dir)).version;
    expect((await loadRuleSet(dir)).version).toBe(first);
    await writeCheck('security.sample.yaml', VALID.replace('title: Sample', 'title: Sample 2'));
    expect((await loadRuleSet(dir)).version).not.toBe(first);
  });

  const refusals: { name: string; text: string; code: string; line: number; reason: RegExp }[] = [
    { name: 'invalid YAML', text: VALID.replace('severity: high', 'severity: [high'), code: 'PPMAT_E_RULE_INVALID', line: 6, reason: /invalid YAML/ },
    { name: 'a duplicate key', text: `${VALID}title: Again\n`, code: 'PPMAT_E_RULE_INVALID', line: 12, reason: /invalid YAML/ },
    { name: 'an unknown key', text: VALID.replace('severity: high', 'severity: high\naplies: true'), code: 'PPMAT_E_RULE_INVALID', line: 6, reason: /unknown key 'aplies'/ },
    { name: 'an unknown nested key', text: VALID.replace('  fail: "Off."', '  fail: "Off."\n  pas: "x"'), code: 'PPMAT_E_RULE_INVALID', line: 11, reason: /unknown key 'pas' in messages/ },
    { name: 'a wrong value type', text: VALID.replace('version: 1', 'version: one'), code: 'PPMAT_E_RULE_INVALID', line: 2, reason: /version/ },
    { name: 'a missing field', text: VALID.replace('remediation: Turn it on.\n', ''), code: 'PPMAT_E_RULE_INVALID', line: 1, reason: /remediation/ },
    { name: 'an id that is not the file name', text: VALID.replace('id: security.sample', 'id: security.other'), code: 'PPMAT_E_RULE_INVALID', line: 1, reason: /must equal the file name 'security.sample'/ },
    { name: 'an unknown capability id', text: VALID.replace('security.200.tenant-isolation', 'security.200.no-such-thing'), code: 'PPMAT_E_RULE_INVALID', line: 4, reason: /unknown capability id 'security.200.no-such-thing'/ },
    { name: 'a floor statement as capability', text: VALID.replace('security.200.tenant-isolation', 'security.100.no-dlp-policies'), code: 'PPMAT_E_RULE_INVALID', line: 4, reason: /floor statement/ },
    { name: 'an unknown evidence key', text: VALID.replace('requires: [tenantIsolation]', 'requires: [tenantIsolation, graph]'), code: 'PPMAT_E_RULE_INVALID', line: 6, reason: /requires 'graph'/ },
    { name: 'applies without notApplicable', text: VALID.replace('expr:', 'applies: "true"\nexpr:'), code: 'PPMAT_E_RULE_INVALID', line: 7, reason: /applies and messages.notApplicable/ },
    { name: 'CEL that does not parse', text: VALID.replace('expr: tenantIsolation.enabled', 'expr: tenantIsolation.enabled &&'), code: 'PPMAT_E_CEL_INVALID', line: 7, reason: /expr: does not parse/ },
    { name: 'an unknown CEL function', text: VALID.replace('expr: tenantIsolation.enabled', 'expr: isOn(tenantIsolation)'), code: 'PPMAT_E_CEL_INVALID', line: 7, reason: /unknown function 'isOn'/ },
    { name: 'CEL reading undeclared evidence', text: VALID.replace('expr: tenantIsolation.enabled', 'expr: tenantSettings.x'), code: 'PPMAT_E_CEL_INVALID', line: 7, reason: /reads 'tenantSettings', which is not declared in requires/ },
    { name: 'CEL reading an undeclared fact', text: VALID.replace('requires: [tenantIsolation]', 'requires: [tenantIsolation, facts.dlp]').replace('expr: tenantIsolation.enabled', 'expr: facts.sharing.managedCount > 0'), code: 'PPMAT_E_CEL_INVALID', line: 7, reason: /facts.sharing/ },
    { name: 'an invalid message placeholder', text: VALID.replace('fail: "Off."', 'fail: "Off {{ tenantIsolation. }}."'), code: 'PPMAT_E_CEL_INVALID', line: 10, reason: /messages.fail: placeholder/ },
  ];

  it.each(refusals.map((r) => [r.name, r] as const))('refuses %s with file:line and the reason', async (_name, r) => {
    const file = await writeCheck('security.sample.yaml', r.text);
    const error = await refusal();
    expect(error.code).toBe(r.code);
    expect(error.where).toBe(`${file}:${r.line}`);
    expect(error.message).toMatch(r.reason);
  });

  it('refuses a model statement file with a duplicate id', async () => {
    const file = path.join(dir, 'model', 'security.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('id: security.200.sharing-limits', 'id: security.200.tenant-isolation'));
    const error = await refusal();
    expect(error.code).toBe('PPMAT_E_MODEL_INVALID');
    expect(error.message).toMatch(/duplicate statement id security.200.tenant-isolation/);
    expect(error.where).toMatch(new RegExp(`${file}:\\d+$`));
  });

  it('refuses a hybrid statement without a signal, at its line', async () => {
    const file = path.join(dir, 'model', 'governance.yaml');
    const text = await readFile(file, 'utf8');
    const broken = text.replace('    assessment: hybrid\n    signal: hint\n', '    assessment: hybrid\n');
    await writeFile(file, broken);
    const error = await refusal();
    expect(error.code).toBe('PPMAT_E_MODEL_INVALID');
    expect(error.message).toMatch(/signal/);
    const line = Number(error.where?.split(':').pop());
    expect(broken.split('\n')[line - 1]).toBe('  - id: governance.200.tenant-analytics');
  });

  it('refuses a rules directory without checks', async () => {
    await rm(path.join(dir, 'checks'), { recursive: true });
    const error = await refusal();
    expect(error).toMatchObject({ code: 'PPMAT_E_RULE_INVALID', where: path.join(dir, 'checks') });
  });

  it('accepts a catalogue with only some areas', async () => {
    const model = path.join(dir, 'model');
    for (const name of await readdir(model)) if (name !== 'areas.yaml' && name !== 'security.yaml') await rm(path.join(model, name));
    const ruleSet = await loadRuleSet(dir);
    expect(new Set(ruleSet.catalogue.map((c) => c.area))).toEqual(new Set(['security']));
  });
});
