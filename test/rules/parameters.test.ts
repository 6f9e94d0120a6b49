/**
 * Check parameters: declared in the check with a default and bounds, read as `params.<name>`,
 * overridden by the organization (globally, then per tenant), refused with the configuration
 * path when wrong, and reported beside the actual values.
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EvidenceSnapshot } from '../../src/evidence/snapshot.js';
import { evaluateCheck, evaluateChecks } from '../../src/rules/evaluate.js';
import { loadRuleSet } from '../../src/rules/load-rules.js';
import { refusalOf } from '../support/refusal.js';
import { defaultParameters, effectiveRuleSetVersion, resolveParameters } from '../../src/rules/parameters.js';

const RULES_DIR = path.resolve(import.meta.dirname, '../../rules');

const CHECK = `id: security.sample-threshold
version: 1
title: Sample with a threshold
capabilities: [security.200.tenant-isolation]
severity: low
requires: [tenantIsolation]
parameters:
  maxAllowed:
    default: 2
    min: 0
    max: 50
    description: Allowed tenants beyond which isolation is too loose.
  label:
    default: partner
    description: What an allowed tenant is called.
expr: tenantIsolation.allowedTenants.size() <= params.maxAllowed
messages:
  pass: "{{ tenantIsolation.allowedTenants.size() }} {{ params.label }} tenants, at most {{ params.maxAllowed }}."
  fail: "{{ tenantIsolation.allowedTenants.size() }} {{ params.label }} tenants, more than {{ params.maxAllowed }}."
remediation: Remove tenants.
`;

function snapshot(allowed: number): EvidenceSnapshot {
  return {
    tenantId: 't',
    collectedAt: '2026-11-27T00:00:00Z',
    evidence: {
      tenantIsolation: {
        key: 'tenantIsolation',
        status: 'ok',
        collectedAt: '2026-11-27T00:00:00Z',
        data: {
          configured: true,
          enabled: true,
          allowedTenants: Array.from({ length: allowed }, (_, i) => ({ tenantId: `x${i}`, inbound: true, outbound: true })),
        },
      },
    },
  } as unknown as EvidenceSnapshot;
}

let pack: string;
beforeEach(async () => {
  pack = await mkdtemp(path.join(os.tmpdir(), 'ppmat-params-'));
  await mkdir(path.join(pack, 'checks'));
});
afterEach(async () => {
  await rm(pack, { recursive: true, force: true });
});

async function load(text = CHECK) {
  await writeFile(path.join(pack, 'checks', 'security.sample-threshold.yaml'), text);
  return loadRuleSet(RULES_DIR, { packs: [pack] });
}


describe('check parameters', () => {
  it('runs with the defaults and reports them beside the actual values', async () => {
    const ruleSet = await load();
    const check = ruleSet.checks.find((c) => c.id === 'security.sample-threshold')!;
    expect(check.parameters.map((p) => [p.name, p.kind])).toEqual([
      ['maxAllowed', 'integer'],
      ['label', 'string'],
    ]);
    const result = evaluateCheck(check, snapshot(3), {});
    expect(result).toMatchObject({ outcome: 'fail', message: '3 partner tenants, more than 2.', actual: { maxAllowed: 2, label: 'partner' } });
  });

  it('takes an override, the tenant layer winning over the global one', async () => {
    const ruleSet = await load();
    const parameters = resolveParameters(ruleSet, [
      { overrides: { 'security.sample-threshold': { maxAllowed: 1, label: 'trusted' } }, path: 'rules.parameters' },
      { overrides: { 'security.sample-threshold': { maxAllowed: 5 } }, path: 'tenants[0].rules.parameters' },
    ]);
    expect(parameters.byCheck.get('security.sample-threshold')).toEqual({ maxAllowed: 5, label: 'trusted' });
    const results = evaluateChecks(ruleSet, snapshot(3), {}, parameters);
    expect(results.find((r) => r.checkId === 'security.sample-threshold')).toMatchObject({ outcome: 'pass', message: '3 trusted tenants, at most 5.' });
  });

  it('gives overridden rule sets their own version, and the same overrides the same one', async () => {
    const ruleSet = await load();
    const none = defaultParameters(ruleSet);
    const some = resolveParameters(ruleSet, [{ overrides: { 'security.sample-threshold': { maxAllowed: 1 } }, path: 'rules.parameters' }]);
    const again = resolveParameters(ruleSet, [{ overrides: { 'security.sample-threshold': { maxAllowed: 1 } }, path: 'rules.parameters' }]);
    expect(effectiveRuleSetVersion(ruleSet, none)).toBe(ruleSet.version);
    expect(effectiveRuleSetVersion(ruleSet, some)).toMatch(new RegExp(`^${ruleSet.version}\\+p[0-9a-f]{8}$`));
    expect(effectiveRuleSetVersion(ruleSet, again)).toBe(effectiveRuleSetVersion(ruleSet, some));
  });

  it.each([
    [{ 'security.nope': { maxAllowed: 1 } }, /rules\.parameters\.security\.nope: there is no check 'security\.nope'/],
    [{ 'security.tenant-isolation-enabled': { x: 1 } }, /the check 'security\.tenant-isolation-enabled' has no parameters/],
    [{ 'security.sample-threshold': { maxAlowed: 1 } }, /rules\.parameters\.security\.sample-threshold\.maxAlowed: 'security\.sample-threshold' has no parameter 'maxAlowed' \(it has: maxAllowed, label\)/],
    [{ 'security.sample-threshold': { maxAllowed: 'ten' } }, /maxAllowed: must be an integer \(like the default 2\), got "ten"/],
    [{ 'security.sample-threshold': { maxAllowed: 1.5 } }, /must be an integer/],
    [{ 'security.sample-threshold': { maxAllowed: 51 } }, /maxAllowed: 51 is above the maximum 50/],
    [{ 'security.sample-threshold': { label: 3 } }, /label: must be a string/],
  ])('refuses the override %j with the configuration path', async (overrides, message) => {
    const ruleSet = await load();
    const error = await refusalOf(() => resolveParameters(ruleSet, [{ overrides, path: 'rules.parameters', where: 'ppmat.yaml' }]));
    expect(error.code).toBe('PPMAT_E_CONFIG_INVALID');
    expect(error.message).toMatch(message);
    expect(error.where).toBe('ppmat.yaml');
  });

  it.each([
    ['a parameter the check does not declare', CHECK.replace('<= params.maxAllowed', '<= params.maxAllowd'), /expr: reads params\.maxAllowd, which is not declared in parameters \(declared: maxAllowed, label\)/],
    ['params without parameters', CHECK.replace(/parameters:[\s\S]*?expr:/, 'expr:').replace(/\{\{ params\.\w+ \}\}/g, 'x'), /expr: reads params, but the check declares no parameters/],
    ['a default out of its bounds', CHECK.replace('default: 2', 'default: 99'), /parameters\.maxAllowed\.default: default 99 is above max 50/],
    ['bounds on a string', CHECK.replace('default: partner', 'default: partner\n    min: 1'), /min and max apply to numeric parameters only/],
    ['a parameter named like an actual value', CHECK.replace('expr:', 'actual:\n  label: "1"\nexpr:'), /parameter 'label' has the name of an actual value/],
  ])('refuses %s at load, with file and line', async (_name, text, message) => {
    const error = await refusalOf(() => load(text));
    expect(error.message).toMatch(message);
    expect(error.where).toMatch(/security\.sample-threshold\.yaml:\d+$/);
  });
});
