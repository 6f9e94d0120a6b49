/**
 * The CISA SCuBA crosswalk: every automated policy's pass / fail / unknown, every DLP
 * environment scope (where ScubaGear shipped false results), the connector rule of 2.3v1,
 * the manual policies, the YAML loader's refusals, and the CLI output.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scubaCommand } from '../../src/cli/scuba.command.js';
import { PpmatError } from '../../src/errors/catalogue.js';
import type { DlpPolicy, Environment, EvidenceDataByKey, EvidenceKey } from '../../src/evidence/schemas.js';
import type { EvidenceItem, EvidenceSnapshot } from '../../src/evidence/snapshot.js';
import { loadScubaFramework, parseScubaFramework, scubaFrameworkFile } from '../../src/frameworks/load-scuba.js';
import { renderScubaTable } from '../../src/frameworks/scuba-report.js';
import { evaluateScuba, type ScubaFramework, type ScubaRow } from '../../src/frameworks/scuba.js';
import { loadRuleSet } from '../../src/rules/load-rules.js';
import { env, policy } from '../facts/fixtures.js';
import { captureStream, runPpmat } from '../support/cli-harness.js';

const RULES_DIR = path.resolve(import.meta.dirname, '../../rules');
const FILE = path.join(RULES_DIR, 'frameworks', 'scuba-powerplatform.yaml');
const TENANT = '0f5c1d7e-1111-4a2b-9c3d-123456789abc';
const DEFAULT = `Default-${TENANT}`;
const API = '/providers/Microsoft.PowerApps/apis/';
const SQL = `${API}shared_sql`;
const TEAMS = `${API}shared_teams`;
const SHAREPOINT = `${API}shared_sharepointonline`;
const TWITTER = `${API}shared_twitter`;

let framework: ScubaFramework;
beforeAll(async () => {
  framework = await loadScubaFramework(FILE);
});

// ---- builders ----

type Families = { [K in EvidenceKey]?: EvidenceDataByKey[K] | { status: 'unavailable' | 'error'; reason: string } | 'absent' };

const ENVIRONMENTS: Environment[] = [
  env(DEFAULT, { isDefault: true, type: 'Default', displayName: 'Contoso (default)' }),
  env('dev', { displayName: 'Dev' }),
  env('hr', { displayName: 'HR Sandbox' }),
];

const SETTINGS = {
  disableEnvironmentCreationByNonAdminUsers: true,
  disableTrialEnvironmentCreationByNonAdminUsers: true,
  disablePortalsCreationByNonAdminUsers: true,
  powerPlatform: { powerApps: { disableShareWithEveryone: true } },
};

/** A snapshot of a well-configured tenant, with families replaced, made unavailable or left out. */
function snapshot(families: Families = {}, tenantId = TENANT): EvidenceSnapshot {
  const base: Families = {
    environments: { environments: ENVIRONMENTS },
    tenantSettings: SETTINGS,
    dlpPolicies: { policies: [policy('Everywhere', 'AllEnvironments', [], { connectorGroups: { business: [TEAMS], nonBusiness: [], blocked: [SQL] } })] },
    tenantIsolation: { configured: true, enabled: true, allowedTenants: [] },
  };
  const evidence: EvidenceSnapshot['evidence'] = {};
  for (const [key, value] of Object.entries({ ...base, ...families })) {
    if (value === 'absent') continue;
    const item: EvidenceItem =
      value && typeof value === 'object' && 'status' in value && typeof value.status === 'string' && 'reason' in value
        ? { key: key as EvidenceKey, status: value.status as 'unavailable', reason: value.reason as string, collectedAt: '2026-01-01T00:00:00Z' }
        : { key: key as EvidenceKey, status: 'ok', data: value as never, collectedAt: '2026-01-01T00:00:00Z' };
    (evidence as Record<string, EvidenceItem>)[key] = item;
  }
  return { tenantId, collectedAt: '2026-01-01T00:00:00Z', evidence };
}

function row(id: string, families: Families = {}, tenantId = TENANT): ScubaRow {
  const found = evaluateScuba(snapshot(families, tenantId), framework).find((r) => r.id === `MS.POWERPLATFORM.${id}`);
  if (!found) throw new Error(`no row ${id}`);
  return found;
}

const dlp = (...policies: DlpPolicy[]) => ({ dlpPolicies: { policies } });
const groups = (business: string[], nonBusiness: string[] = [], blocked: string[] = []) => ({ connectorGroups: { business, nonBusiness, blocked } });

// ---- the catalogue ----

describe('the SCuBA crosswalk file', () => {
  it('lists the ten policies of the baseline with their criticality, and ScubaGear 25 core connectors', () => {
    expect(framework.policies.map((p) => `${p.id} ${p.criticality} ${p.evaluation}`)).toEqual([
      'MS.POWERPLATFORM.1.1v1 SHALL automated',
      'MS.POWERPLATFORM.1.2v1 SHALL automated',
      'MS.POWERPLATFORM.2.1v1 SHALL automated',
      'MS.POWERPLATFORM.2.2v1 SHOULD automated',
      'MS.POWERPLATFORM.2.3v1 SHOULD automated',
      'MS.POWERPLATFORM.3.1v1 SHALL automated',
      'MS.POWERPLATFORM.3.2v1 SHOULD manual',
      'MS.POWERPLATFORM.4.1v1 SHALL manual',
      'MS.POWERPLATFORM.5.1v1 SHOULD automated',
      'MS.POWERPLATFORM.6.1v1 SHOULD automated',
    ]);
    expect(framework.coreConnectors.ids).toHaveLength(25);
    expect(framework.coreConnectors.source).toMatch(/^https:\/\/github\.com\/cisagov\/ScubaGear\/blob\/[0-9a-f]{40}\//);
  });

  it('names only checks that exist', async () => {
    const known = new Set((await loadRuleSet(RULES_DIR)).checks.map((c) => c.id));
    const named = framework.policies.flatMap((p) => p.checks);
    expect(named.filter((id) => !known.has(id))).toEqual([]);
    expect(named.length).toBeGreaterThan(0);
  });

  it('is the shipped file for a rules folder without frameworks/', async () => {
    expect(await scubaFrameworkFile(os.tmpdir())).toBe(FILE);
    expect(await scubaFrameworkFile(RULES_DIR)).toBe(FILE);
  });
});

describe('the loader refuses a broken file with file:line and the reason', () => {
  let text: string;
  beforeAll(async () => {
    text = await readFile(FILE, 'utf8');
  });
  const lineOf = (source: string, needle: string, from = 0) => source.slice(0, source.indexOf(needle, from)).split('\n').length;

  it.each([
    ['a criticality outside SHALL/SHOULD', (t: string) => t.replace('criticality: SHOULD', 'criticality: MUST'), 'criticality: MUST', /policies\.3\.criticality: /],
    ['an unknown key', (t: string) => t.replace('    how: >-\n      tenantSettings.disableTrialEnvironment', '    owner: me\n    how: >-\n      tenantSettings.disableTrialEnvironment'), 'owner: me', /unknown key 'owner' in policies\.1/],
    ['an evidence family that does not exist', (t: string) => t.replace('evidence: [tenantIsolation]', 'evidence: [isolation]'), 'evidence: [isolation]', /policies\.5\.evidence\.0: /],
    ['a duplicate policy id', (t: string) => t.replace('id: MS.POWERPLATFORM.1.2v1', 'id: MS.POWERPLATFORM.1.1v1'), 'id: MS.POWERPLATFORM.1.1v1\n    criticality: SHALL\n    title: Only admins can create trial', /duplicate policy id MS\.POWERPLATFORM\.1\.1v1/],
    ['an automated policy the code does not evaluate', (t: string) => t.replace(/(id: MS\.POWERPLATFORM\.4\.1v1[\s\S]*?)evaluation: manual/, '$1evaluation: automated'), 'evaluation: automated\n    evidence: []\n    how: >-\n      check each', /MS\.POWERPLATFORM\.4\.1v1 is automated but ppmat has no evaluator/],
    ['an evaluated policy without the evidence it needs', (t: string) => t.replace('evidence: [dlpPolicies, environments]\n    how: >-\n      Every environment', 'evidence: [dlpPolicies]\n    how: >-\n      Every environment'), 'evidence: [dlpPolicies]\n', /MS\.POWERPLATFORM\.2\.2v1 needs evidence environments/],
    ['a connector id that is not one', (t: string) => t.replace('- /providers/Microsoft.PowerApps/apis/shared_teams', '- shared_teams'), '- shared_teams', /coreConnectors\.ids\.22: must be a connector id/],
    ['invalid YAML', (t: string) => t.replace('title: CISA SCuBA Power Platform baseline', 'title: [unclosed'), 'title: [unclosed', /invalid YAML/],
  ])('%s', (_name, edit, needle, reason) => {
    const broken = edit(text);
    expect(broken).not.toBe(text);
    let error: unknown;
    try {
      parseScubaFramework('scuba.yaml', broken);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PpmatError);
    const e = error as PpmatError;
    expect(e.code).toBe('PPMAT_E_RULE_INVALID');
    expect(e.message).toMatch(reason);
    if (!/invalid YAML/.test(reason.source)) expect(e.where).toBe(`scuba.yaml:${lineOf(broken, needle)}`);
    else expect(e.where).toMatch(/^scuba\.yaml:\d+$/);
  });

  it('reads from disk and names the file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ppmat-scuba-'));
    try {
      const file = path.join(dir, 'scuba.yaml');
      await writeFile(file, text.replace('baseline: https://', 'baseline: not-a-url ://'));
      await expect(loadScubaFramework(file)).rejects.toMatchObject({ code: 'PPMAT_E_RULE_INVALID', where: `${file}:${lineOf(text, 'baseline: https://')}` });
      await expect(loadScubaFramework(path.join(dir, 'missing.yaml'))).rejects.toMatchObject({ code: 'PPMAT_E_RULE_INVALID' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// ---- tenant settings ----

describe('tenant settings policies (1.1, 1.2, 5.1, 6.1): true passes, false fails (SHOULD: warning), missing is unknown', () => {
  const cases = [
    ['1.1v1', 'disableEnvironmentCreationByNonAdminUsers', 'fail'],
    ['1.2v1', 'disableTrialEnvironmentCreationByNonAdminUsers', 'fail'],
    ['5.1v1', 'disablePortalsCreationByNonAdminUsers', 'warning'],
    ['6.1v1', 'powerPlatform.powerApps.disableShareWithEveryone', 'warning'],
  ] as const;
  const withValue = (key: string, value: unknown) => {
    const settings = structuredClone(SETTINGS) as Record<string, unknown>;
    const pathParts = key.split('.');
    let node = settings;
    for (const part of pathParts.slice(0, -1)) node = node[part] as Record<string, unknown>;
    if (value === undefined) delete node[pathParts.at(-1)!];
    else node[pathParts.at(-1)!] = value;
    return settings;
  };

  it.each(cases)('%s (%s)', (id, key, failed) => {
    expect(row(id)).toMatchObject({ result: 'pass', actual: { [key]: true } });
    expect(row(id).message).toContain(`(${key} is true).`);
    expect(row(id, { tenantSettings: withValue(key, false) })).toMatchObject({ result: failed, actual: { [key]: false } });
    expect(row(id, { tenantSettings: withValue(key, false) }).message).toContain(`(${key} is false).`);
    const missing = row(id, { tenantSettings: withValue(key, undefined) });
    expect(missing.result).toBe('unknown');
    expect(missing.message).toMatch(new RegExp(`^Unknown: the tenant settings do not include ${key.replaceAll('.', '\\.')}, so .* is not known\\.$`));
    expect(row(id, { tenantSettings: withValue(key, null) })).toMatchObject({ result: 'unknown', message: expect.stringContaining(`hold ${key} = null, not true or false`) });
    expect(row(id, { tenantSettings: { status: 'unavailable', reason: 'BAP refused (403): register the app as a management application.' } })).toMatchObject({
      result: 'unknown',
      message: `Unknown: tenantSettings was not collected (unavailable: BAP refused (403): register the app as a management application), so MS.POWERPLATFORM.${id} cannot be judged.`,
    });
  });

  it('6.1: a settings object without powerPlatform.powerApps is unknown, not false', () => {
    expect(row('6.1v1', { tenantSettings: { disableEnvironmentCreationByNonAdminUsers: true } }).result).toBe('unknown');
    expect(row('6.1v1', { tenantSettings: { powerPlatform: { powerApps: 'odd' } } }).result).toBe('unknown');
  });

  it('exact messages', () => {
    expect(row('1.1v1', { tenantSettings: { disableEnvironmentCreationByNonAdminUsers: false } }).message).toBe(
      'Any licensed user can create production and sandbox environments (disableEnvironmentCreationByNonAdminUsers is false).',
    );
    expect(row('6.1v1').message).toBe('Makers cannot share canvas apps with everyone in the organization (powerPlatform.powerApps.disableShareWithEveryone is true).');
  });
});

// ---- DLP scope: 2.1 ----

describe('2.1v1: a DLP policy covers the default environment (every scope)', () => {
  const upper = DEFAULT.toUpperCase();
  it.each([
    ['AllEnvironments', [policy('All', 'AllEnvironments')], 'pass'],
    ['ExceptEnvironments listing the default (ScubaGear #1896: must not count)', [policy('Not default', 'ExceptEnvironments', [DEFAULT])], 'fail'],
    ['ExceptEnvironments not listing the default', [policy('Not HR', 'ExceptEnvironments', ['hr'])], 'pass'],
    ['ExceptEnvironments with an empty list', [policy('Except none', 'ExceptEnvironments', [])], 'pass'],
    ['OnlyEnvironments listing the default', [policy('Default only', 'OnlyEnvironments', [DEFAULT])], 'pass'],
    ['OnlyEnvironments not listing the default', [policy('Dev only', 'OnlyEnvironments', ['dev'])], 'fail'],
    ['OnlyEnvironments with an empty list (covers nothing)', [policy('Nothing', 'OnlyEnvironments', [])], 'fail'],
    ['no policies', [], 'fail'],
    ['several: Except the default + Only dev', [policy('Not default', 'ExceptEnvironments', [DEFAULT]), policy('Dev only', 'OnlyEnvironments', ['dev'])], 'fail'],
    ['several: Except the default + All', [policy('Not default', 'ExceptEnvironments', [DEFAULT]), policy('All', 'AllEnvironments')], 'pass'],
    ['several: Only dev + Except hr', [policy('Dev only', 'OnlyEnvironments', ['dev']), policy('Not HR', 'ExceptEnvironments', ['hr'])], 'pass'],
    ['OnlyEnvironments listing the default in other case', [policy('Default only', 'OnlyEnvironments', [upper])], 'pass'],
    ['ExceptEnvironments listing the default in other case', [policy('Not default', 'ExceptEnvironments', [upper.toLowerCase()])], 'fail'],
  ] as const)('%s: %s', (_name, policies, result) => {
    expect(row('2.1v1', dlp(...policies)).result).toBe(result);
  });

  it('names the covering policies, or why each policy misses the default environment', () => {
    expect(row('2.1v1', dlp(policy('Default only', 'OnlyEnvironments', [DEFAULT]), policy('Dev only', 'OnlyEnvironments', ['dev'])))).toMatchObject({
      message: `The default environment 'Contoso (default)' (${DEFAULT}) is covered by 1 DLP policy: 'Default only'.`,
      actual: { defaultEnvironment: DEFAULT, policies: ['Default only'], policyCount: 2 },
    });
    expect(row('2.1v1', dlp(policy('Not default', 'ExceptEnvironments', [DEFAULT]), policy('Dev only', 'OnlyEnvironments', ['dev']), policy('Nothing', 'OnlyEnvironments', []))).message).toBe(
      `No DLP policy covers the default environment 'Contoso (default)' (${DEFAULT}): 'Not default' excludes it, 'Dev only' lists only other environments, 'Nothing' lists no environment.`,
    );
    expect(row('2.1v1', dlp()).message).toBe(`No DLP policy covers the default environment 'Contoso (default)' (${DEFAULT}): the tenant has no DLP policy.`);
  });

  it('without the environment list, the default environment is Default-{tenantId}', () => {
    const noList = { environments: { status: 'error' as const, reason: 'timeout' } };
    expect(row('2.1v1', { ...noList, ...dlp(policy('Default only', 'OnlyEnvironments', [DEFAULT])) })).toMatchObject({ result: 'pass', actual: { defaultEnvironment: DEFAULT } });
    expect(row('2.1v1', { ...noList, ...dlp(policy('Not default', 'ExceptEnvironments', [DEFAULT])) }).result).toBe('fail');
  });

  it('without the environment list and a tenant named by domain: unknown, unless a policy covers all environments', () => {
    const noList = { environments: 'absent' as const };
    const unknown = row('2.1v1', { ...noList, ...dlp(policy('Default only', 'OnlyEnvironments', [DEFAULT])) }, 'contoso.onmicrosoft.com');
    expect(unknown.result).toBe('unknown');
    expect(unknown.message).toMatch(/^Unknown: the environment list was not collected and the tenant id is not a GUID/);
    expect(row('2.1v1', { ...noList, ...dlp(policy('All', 'AllEnvironments')) }, 'contoso.onmicrosoft.com').result).toBe('pass');
  });

  it('is unknown when the DLP policies were not collected', () => {
    expect(row('2.1v1', { dlpPolicies: { status: 'unavailable', reason: 'Forbidden.' } })).toMatchObject({
      result: 'unknown',
      message: 'Unknown: dlpPolicies was not collected (unavailable: Forbidden), so MS.POWERPLATFORM.2.1v1 cannot be judged.',
    });
  });
});

// ---- DLP scope: 2.2 ----

describe('2.2v1: every non-default environment has a DLP policy (every scope; a gap is a warning)', () => {
  it.each([
    ['AllEnvironments', [policy('All', 'AllEnvironments')], 'pass', []],
    ['ExceptEnvironments listing hr', [policy('Not HR', 'ExceptEnvironments', ['hr'])], 'warning', ['hr']],
    ['ExceptEnvironments listing only the default', [policy('Not default', 'ExceptEnvironments', [DEFAULT])], 'pass', []],
    ['OnlyEnvironments listing dev and hr', [policy('Dev and HR', 'OnlyEnvironments', ['dev', 'hr'])], 'pass', []],
    ['OnlyEnvironments listing dev', [policy('Dev only', 'OnlyEnvironments', ['dev'])], 'warning', ['hr']],
    ['OnlyEnvironments listing only the default', [policy('Default only', 'OnlyEnvironments', [DEFAULT])], 'warning', ['dev', 'hr']],
    ['OnlyEnvironments with an empty list', [policy('Nothing', 'OnlyEnvironments', [])], 'warning', ['dev', 'hr']],
    ['no policies', [], 'warning', ['dev', 'hr']],
    ['several: Only dev + Except dev (covers hr)', [policy('Dev only', 'OnlyEnvironments', ['dev']), policy('Not dev', 'ExceptEnvironments', ['dev'])], 'pass', []],
    ['several: Except hr + Except dev', [policy('Not HR', 'ExceptEnvironments', ['hr']), policy('Not dev', 'ExceptEnvironments', ['dev'])], 'pass', []],
    ['several: Except dev,hr + Only dev', [policy('Neither', 'ExceptEnvironments', ['dev', 'hr']), policy('Dev only', 'OnlyEnvironments', ['dev'])], 'warning', ['hr']],
    ['ids in other case', [policy('Dev and HR', 'OnlyEnvironments', ['DEV', 'Hr'])], 'pass', []],
    ['excluded in other case', [policy('Not HR', 'ExceptEnvironments', ['HR'])], 'warning', ['hr']],
  ] as const)('%s: %s', (_name, policies, result, uncovered) => {
    expect(row('2.2v1', dlp(...policies))).toMatchObject({ result, actual: { nonDefaultCount: 2, uncovered } });
  });

  it('names the uncovered environments (up to five, then a count)', () => {
    expect(row('2.2v1', dlp(policy('Not HR', 'ExceptEnvironments', ['hr']))).message).toBe("1 of 2 non-default environments is not covered by any DLP policy: 'HR Sandbox' (hr).");
    const many = [ENVIRONMENTS[0]!, ...Array.from({ length: 7 }, (_, i) => env(`e${i}`, { displayName: `Env ${i}` }))];
    expect(row('2.2v1', { environments: { environments: many }, ...dlp() }).message).toBe(
      "7 of 7 non-default environments are not covered by any DLP policy (the tenant has no DLP policy): 'Env 0' (e0), 'Env 1' (e1), 'Env 2' (e2), 'Env 3' (e3), 'Env 4' (e4) and 2 more.",
    );
    expect(row('2.2v1', dlp(policy('All', 'AllEnvironments'))).message).toBe('DLP policies cover all 2 non-default environments.');
  });

  it('passes when there is no non-default environment, even without policies', () => {
    expect(row('2.2v1', { environments: { environments: [ENVIRONMENTS[0]!] }, ...dlp() })).toMatchObject({
      result: 'pass',
      message: 'The tenant has no non-default environment, so none lacks a DLP policy.',
    });
  });

  it('is unknown when the environments or the DLP policies were not collected', () => {
    expect(row('2.2v1', { environments: { status: 'error', reason: 'The API did not answer in time.' } }).message).toBe(
      'Unknown: environments was not collected (error: The API did not answer in time), so MS.POWERPLATFORM.2.2v1 cannot be judged.',
    );
    expect(row('2.2v1', { dlpPolicies: 'absent' })).toMatchObject({ result: 'unknown', message: 'Unknown: the scan holds no dlpPolicies evidence, so MS.POWERPLATFORM.2.2v1 cannot be judged.' });
  });
});

// ---- 2.3: connectors in the default environment ----

describe('2.3v1: non-core connectors are blocked in the default environment (v2 connector groups)', () => {
  const onlyDefault = (name: string, overrides: Partial<DlpPolicy>) => policy(name, 'OnlyEnvironments', [DEFAULT], overrides);
  it.each([
    ['core connectors in Business and Non-business', [onlyDefault('P', groups([TEAMS], [SHAREPOINT]))], 'pass', []],
    ['a non-core connector in Business', [onlyDefault('P', groups([TEAMS, SQL]))], 'warning', [SQL]],
    ['a non-core connector in Non-business', [onlyDefault('P', groups([TEAMS], [TWITTER]))], 'warning', [TWITTER]],
    ['non-core connectors in the Blocked group are fine', [onlyDefault('P', groups([TEAMS], [], [SQL, TWITTER]))], 'pass', []],
    ['a connector allowed by one covering policy but blocked by another', [policy('All', 'AllEnvironments', [], groups([SQL])), onlyDefault('Strict', groups([TEAMS], [], [SQL]))], 'pass', []],
    [
      'a connector blocked by the Blocked default group of another covering policy that does not list it',
      [policy('All', 'AllEnvironments', [], groups([SQL])), onlyDefault('Strict', { ...groups([TEAMS]), defaultConnectorsClassification: 'Blocked' })],
      'pass',
      [],
    ],
    [
      'a Blocked default group does not block a connector the same policy allows',
      [onlyDefault('P', { ...groups([SQL]), defaultConnectorsClassification: 'Blocked' })],
      'warning',
      [SQL],
    ],
    ['an AllEnvironments policy counts (ScubaGear reads only listed environments)', [policy('All', 'AllEnvironments', [], groups([SQL]))], 'warning', [SQL]],
    ['an ExceptEnvironments policy not listing the default counts', [policy('Not HR', 'ExceptEnvironments', ['hr'], groups([SQL]))], 'warning', [SQL]],
    [
      'a policy that excludes the default does not count (ScubaGear reads it as covering)',
      [policy('Not default', 'ExceptEnvironments', [DEFAULT], groups([SQL])), onlyDefault('P', groups([TEAMS]))],
      'pass',
      [],
    ],
    ['a policy for other environments does not count', [policy('Dev only', 'OnlyEnvironments', ['dev'], groups([SQL])), onlyDefault('P', groups([TEAMS]))], 'pass', []],
    ['connector ids in other case', [onlyDefault('P', groups([TEAMS.toUpperCase(), `${API}SHARED_SharePointOnline`]))], 'pass', []],
    ['no covering policy', [policy('Dev only', 'OnlyEnvironments', ['dev'], groups([TEAMS]))], 'warning', []],
    ['no policies', [], 'warning', []],
  ] as const)('%s: %s', (_name, policies, result, nonCore) => {
    expect(row('2.3v1', dlp(...policies))).toMatchObject({ result, actual: { nonCoreConnectors: nonCore } });
  });

  it('names the non-core connectors and the covering policies', () => {
    expect(row('2.3v1', dlp(onlyDefault('Default policy', groups([TEAMS, SQL], [TWITTER])))).message).toBe(
      `2 non-core connectors are usable in the default environment 'Contoso (default)' (${DEFAULT}) under 1 covering DLP policy ('Default policy'): shared_sql, shared_twitter.`,
    );
    expect(row('2.3v1', dlp(onlyDefault('Default policy', { ...groups([TEAMS]), defaultConnectorsClassification: 'Blocked' }))).message).toBe(
      `Only core connectors are usable in the default environment 'Contoso (default)' (${DEFAULT}) under 1 covering DLP policy ('Default policy'): 1 connector, all on the baseline's list.`,
    );
    expect(row('2.3v1', dlp(onlyDefault('Default policy', groups([TEAMS])))).message).toMatch(/; connectors they do not list fall in a default group that is not Blocked, which the baseline does not judge\.$/);
    expect(row('2.3v1', dlp(onlyDefault('Lockdown', { ...groups([], [], [SQL]), defaultConnectorsClassification: 'Blocked' }))).message).toBe(
      `Only core connectors are usable in the default environment 'Contoso (default)' (${DEFAULT}) under 1 covering DLP policy ('Lockdown'): every connector they list is blocked.`,
    );
    expect(row('2.3v1', dlp()).message).toBe(`No DLP policy covers the default environment 'Contoso (default)' (${DEFAULT}), so no connector is blocked there.`);
  });

  it('is unknown without DLP policies, or without any way to name the default environment', () => {
    expect(row('2.3v1', { dlpPolicies: { status: 'unavailable', reason: 'x' } }).result).toBe('unknown');
    expect(row('2.3v1', { environments: 'absent', ...dlp(policy('All', 'AllEnvironments', [], groups([TEAMS]))) }, 'contoso.onmicrosoft.com').result).toBe('unknown');
  });
});

// ---- 3.1, manual, whole report ----

describe('3.1v1: tenant isolation is enabled', () => {
  it.each([
    [{ configured: true, enabled: true, allowedTenants: [{ tenantId: 't', inbound: true, outbound: false }] }, 'pass', 'Tenant isolation is on (isDisabled is false) with 1 allowed tenant.'],
    [{ configured: true, enabled: false, allowedTenants: [] }, 'fail', 'Tenant isolation is configured but turned off (isDisabled is true), so makers can connect to and from any other tenant.'],
    [{ configured: false, enabled: false, allowedTenants: [] }, 'fail', 'Tenant isolation has never been configured (no tenant isolation policy exists), so makers can connect to and from any other tenant.'],
  ] as const)('%j: %s', (tenantIsolation, result, message) => {
    expect(row('3.1v1', { tenantIsolation: { ...tenantIsolation, allowedTenants: [...tenantIsolation.allowedTenants] } })).toMatchObject({ result, message });
  });

  it('is unknown when the policy could not be read', () => {
    expect(row('3.1v1', { tenantIsolation: { status: 'error', reason: 'Malformed body.' } }).result).toBe('unknown');
  });
});

describe('the whole report', () => {
  it('manual policies are n/a whatever the evidence, and say so', () => {
    const none = { environments: 'absent', tenantSettings: 'absent', dlpPolicies: 'absent', tenantIsolation: 'absent' } as const;
    for (const families of [{}, none]) {
      for (const id of ['3.2v1', '4.1v1']) {
        expect(row(id, families)).toMatchObject({ result: 'n/a', message: expect.stringMatching(/^Manual, not automated by the baseline either: /), actual: {} });
      }
    }
  });

  it('with no evidence at all, every automated policy is unknown, never failed', () => {
    const rows = evaluateScuba({ tenantId: TENANT, collectedAt: '2026-01-01T00:00:00Z', evidence: {} }, framework);
    expect(rows.map((r) => r.result)).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'n/a', 'n/a', 'unknown', 'unknown']);
  });

  it('a well-configured tenant passes every automated policy; rows carry criticality, title and related checks', () => {
    const rows = evaluateScuba(snapshot(), framework);
    expect(rows.filter((r) => r.result !== 'n/a').map((r) => `${r.id} ${r.result}`)).toEqual(rows.filter((r) => r.result !== 'n/a').map((r) => `${r.id} pass`));
    expect(rows[0]).toMatchObject({ criticality: 'SHALL', title: 'Only admins can create production and sandbox environments.', checks: ['governance.environment-creation-restricted'] });
  });

  it('renders a table with a summary line', () => {
    const text = renderScubaTable(evaluateScuba(snapshot({ tenantIsolation: { configured: false, enabled: false, allowedTenants: [] }, ...dlp() }), framework), { color: false });
    expect(text.split('\n')[0]).toBe('CISA SCuBA Power Platform baseline: 4 pass, 2 fail, 2 warning, 2 n/a');
    expect(text).toMatch(/\nResult\s+Policy\s+Crit\.\s+Message\n/);
    expect(text).toMatch(/\nWARNING\s+MS\.POWERPLATFORM\.2\.2v1\s+SHOULD\s+2 of 2 non-default/);
    expect(text).not.toContain('\x1b[');
  });
});

// ---- the CLI ----

describe('CLI output (demo tenant, embedded database)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ppmat-scuba-cli-'));
    env = { PPMAT_DATA_DIR: path.join(dir, 'data') };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('ppmat scan prints the SCuBA table after the checks, and --format json adds frameworks.scuba', async () => {
    const table = await runPpmat(['scan', '--demo', '--profile', 'defined'], { env, cwd: dir });
    expect(table.code).toBe(0);
    expect(table.stdout.indexOf('CISA SCuBA Power Platform baseline: 6 pass, 2 warning, 2 n/a')).toBeGreaterThan(table.stdout.indexOf('security.tenant-isolation-enabled'));
    expect(table.stdout).toMatch(/WARNING\s+MS\.POWERPLATFORM\.2\.2v1\s+SHOULD\s+1 of 11 non-default environments is not covered by any DLP policy: 'Customer Service Sandbox'/);
    const json = await runPpmat(['scan', '--demo', '--profile', 'initial', '--format', 'json'], { env, cwd: dir });
    const rows = JSON.parse(json.stdout).frameworks.scuba as ScubaRow[];
    expect(rows.map((r) => `${r.id.replace('MS.POWERPLATFORM.', '')} ${r.result}`)).toEqual([
      '1.1v1 fail',
      '1.2v1 fail',
      '2.1v1 fail',
      '2.2v1 warning',
      '2.3v1 warning',
      '3.1v1 fail',
      '3.2v1 n/a',
      '4.1v1 n/a',
      '5.1v1 warning',
      '6.1v1 warning',
    ]);
  });

  it('scubaCommand prints only the SCuBA report (not yet registered as `ppmat scuba`)', async () => {
    const stdout = captureStream();
    const stderr = captureStream();
    const io = { stdout, stderr, env, cwd: dir, signal: new AbortController().signal };
    expect(await scubaCommand({ demo: true, profile: 'capable', format: 'table' }, io)).toBe(0);
    expect(stdout.text()).toMatch(/^Demo tenant \(capable profile\) {2}\(tenant [0-9a-f-]+\), scan #\d+ succeeded\n\nCISA SCuBA Power Platform baseline: 8 pass, 2 n\/a\n/);
    expect(stdout.text()).not.toMatch(/Area\s+Level/);
  });
});
