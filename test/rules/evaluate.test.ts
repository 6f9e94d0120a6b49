/**
 * evaluateChecks: unknown on missing evidence, absent facts and CEL runtime errors; actual values.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvidenceSnapshot } from '../../src/evidence/snapshot.js';
import { deriveFacts } from '../../src/facts/index.js';
import { evaluateChecks } from '../../src/rules/evaluate.js';
import { loadRuleSet } from '../../src/rules/load-rules.js';
import type { RuleSet } from '../../src/rules/rule-set.js';

const RULES_DIR = path.resolve(import.meta.dirname, '../../rules');

const check = (id: string, body: string) => `id: ${id}
version: 2
title: ${id}
capabilities: [security.200.tenant-isolation]
severity: low
remediation: Fix it.
${body}`;

const CHECKS: Record<string, string> = {
  'security.runtime-error': `requires: [tenantSettings]
expr: tenantSettings.nothing.here
messages: { pass: "p", fail: "f" }`,
  'security.not-bool': `requires: [tenantIsolation]
expr: tenantIsolation.allowedTenants.size()
messages: { pass: "p", fail: "f" }`,
  'security.with-fact': `requires: [facts.dlp]
expr: facts.dlp.coveredCount == facts.dlp.environmentCount
actual:
  covered: facts.dlp.coveredCount
  ids: facts.dlp.uncovered.map(e, e.id)
messages: { pass: "All {{ facts.dlp.environmentCount }} covered.", fail: "Only {{ facts.dlp.coveredCount }} covered." }`,
  'security.with-optional-evidence': `requires: [facts.adminRoles]
expr: facts.adminRoles.ppAdmin.holderCount > 0
messages: { pass: "{{ facts.adminRoles.ppAdmin.holderCount }} hold it.", fail: "Nobody holds it." }`,
  'security.bad-message': `requires: [tenantIsolation]
expr: tenantIsolation.enabled
messages: { pass: "On {{ tenantIsolation.nope }}.", fail: "f" }`,
};

let dir: string;
let ruleSet: RuleSet;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ppmat-eval-'));
  await cp(path.join(RULES_DIR, 'model'), path.join(dir, 'model'), { recursive: true });
  await cp(path.join(RULES_DIR, 'checks'), path.join(dir, 'checks'), { recursive: true, filter: (src) => !src.endsWith('.yaml') || src.endsWith('checks') });
  for (const [id, body] of Object.entries(CHECKS)) await writeFile(path.join(dir, 'checks', `${id}.yaml`), check(id, body));
  ruleSet = await loadRuleSet(dir);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const at = '2025-01-01T00:00:00Z';
const snapshot: EvidenceSnapshot = {
  tenantId: 't',
  collectedAt: at,
  evidence: {
    tenantSettings: { key: 'tenantSettings', status: 'ok', data: {}, collectedAt: at },
    tenantIsolation: { key: 'tenantIsolation', status: 'ok', data: { configured: true, enabled: true, allowedTenants: [] }, collectedAt: at },
    environments: { key: 'environments', status: 'ok', data: { environments: [] }, collectedAt: at },
    dlpPolicies: { key: 'dlpPolicies', status: 'unavailable', reason: '403: missing role.', errorCode: 'PPMAT_E_HTTP_FORBIDDEN', collectedAt: at },
  },
};

function resultOf(id: string, snap: EvidenceSnapshot = snapshot, facts = deriveFacts(snap)) {
  const result = evaluateChecks(ruleSet, snap, facts).find((r) => r.checkId === id);
  if (!result) throw new Error(`no result for ${id}`);
  return result;
}

describe('evaluateChecks', () => {
  it('gives one result per check, in rule-set order', () => {
    expect(evaluateChecks(ruleSet, snapshot, deriveFacts(snapshot)).map((r) => r.checkId)).toEqual(ruleSet.checks.map((c) => c.id));
  });

  it('turns a CEL runtime error into unknown with the error', () => {
    const result = resultOf('security.runtime-error');
    expect(result.outcome).toBe('unknown');
    expect(result.message).toBe('Unknown: security.runtime-error could not be evaluated (expr: field not found: nothing).');
  });

  it('refuses a non-bool verdict as unknown', () => {
    expect(resultOf('security.not-bool')).toMatchObject({ outcome: 'unknown', message: 'Unknown: security.not-bool could not be evaluated (expr: gave 0, not a bool).' });
  });

  it('turns a failing message placeholder into unknown', () => {
    expect(resultOf('security.bad-message').message).toMatch(/^Unknown: security.bad-message could not be evaluated \(message: \{\{ tenantIsolation.nope \}\}/);
  });

  it('names the evidence behind a fact that could not be derived', () => {
    const result = resultOf('security.with-fact');
    expect(result).toMatchObject({
      outcome: 'unknown',
      message: 'Unknown: DLP policies could not be collected (403: missing role).',
      evidenceKeys: ['environments', 'dlpPolicies'],
      actual: {},
    });
  });

  it('reports actual values as plain JSON and carries the check metadata', () => {
    const ok: EvidenceSnapshot = {
      ...snapshot,
      evidence: { ...snapshot.evidence, dlpPolicies: { key: 'dlpPolicies', status: 'ok', data: { policies: [] }, collectedAt: at } },
    };
    expect(resultOf('security.with-fact', ok)).toEqual({
      checkId: 'security.with-fact',
      checkVersion: 2,
      title: 'security.with-fact',
      capabilities: ['security.200.tenant-isolation'],
      severity: 'low',
      outcome: 'pass',
      message: 'All 0 covered.',
      actual: { covered: 0, ids: [] },
      evidenceKeys: ['environments', 'dlpPolicies'],
      remediation: 'Fix it.',
    });
  });

  it('judges without optional evidence, and lists it among the evidence read only when it was collected', () => {
    const roles = { roles: [{ roleTemplateId: '11648597-926c-4cf3-9c36-bcebb0ba8dcc', displayName: 'PPA', assignments: [] }] };
    const eligible = { principal: { id: 'u-a', type: 'user' as const, displayName: 'A', userPrincipalName: null }, startDateTime: null, endDateTime: null };
    const pim = { roles: [{ roleTemplateId: '11648597-926c-4cf3-9c36-bcebb0ba8dcc', displayName: 'PPA', eligible: [eligible], active: [] }] };
    const withPim = (pimSchedules: NonNullable<EvidenceSnapshot['evidence']['pimSchedules']>): EvidenceSnapshot => ({
      ...snapshot,
      evidence: { ...snapshot.evidence, roleAssignments: { key: 'roleAssignments', status: 'ok', data: roles, collectedAt: at }, pimSchedules },
    });
    expect(resultOf('security.with-optional-evidence', withPim({ key: 'pimSchedules', status: 'ok', data: pim, collectedAt: at }))).toMatchObject({
      outcome: 'pass',
      message: '1 hold it.',
      evidenceKeys: ['roleAssignments', 'pimSchedules'],
    });
    expect(resultOf('security.with-optional-evidence', withPim({ key: 'pimSchedules', status: 'unavailable', reason: '403: no P2.', collectedAt: at }))).toMatchObject({
      outcome: 'fail',
      message: 'Nobody holds it.',
      evidenceKeys: ['roleAssignments'],
    });
  });

  it('says so when a derived fact is missing although its evidence is ok', () => {
    const ok: EvidenceSnapshot = {
      ...snapshot,
      evidence: { ...snapshot.evidence, dlpPolicies: { key: 'dlpPolicies', status: 'ok', data: { policies: [] }, collectedAt: at } },
    };
    expect(resultOf('security.with-fact', ok, {}).message).toBe("Unknown: the derived fact 'dlp' is missing although its evidence was collected.");
  });
});

describe('boundedActual', () => {
  it('cuts every list to MAX_ACTUAL_ITEMS items and says how many more there were', async () => {
    const { boundedActual, MAX_ACTUAL_ITEMS } = await import('../../src/rules/evaluate.js');
    const names = Array.from({ length: 10_000 }, (_, i) => `env-${i}`);
    const bounded = boundedActual({ production: names, nested: { lists: [names.slice(0, 3)] }, count: 10_000 }) as { production: string[]; nested: unknown; count: number };
    expect(bounded.production).toHaveLength(MAX_ACTUAL_ITEMS + 1);
    expect(bounded.production.at(-1)).toBe('… and 9,975 more');
    expect(bounded.nested).toEqual({ lists: [['env-0', 'env-1', 'env-2']] });
    expect(bounded.count).toBe(10_000);
    expect(boundedActual(names.slice(0, MAX_ACTUAL_ITEMS))).toEqual(names.slice(0, MAX_ACTUAL_ITEMS));
  });
});
