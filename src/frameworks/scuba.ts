/**
 * The CISA SCuBA Power Platform crosswalk: ScubaGear's MS.POWERPLATFORM policies judged
 * from the evidence a scan already collects. Pure: snapshot + framework data in, rows out.
 *
 * Why not ScubaGear's own results: its provider reads the legacy DLP API without connector
 * groups, so 2.3v1 passes whenever a policy exists, and its scope logic gave false results
 * (issues #1396, #1896). Here the DLP scope is `policyCovers`, the same semantics the checks
 * use, and 2.3v1 reads the v2 connector groups.
 *
 * Vocabulary (ScubaGear's): a failed SHALL is `fail`, a failed SHOULD is `warning`; manual
 * policies are `n/a`; a policy whose evidence was not collected is `unknown` with the reason.
 */
import { z } from 'zod';
import { EVIDENCE_KEYS, type DlpPolicy, type EvidenceDataByKey, type EvidenceKey } from '../evidence/schemas.js';
import type { EvidenceSnapshot } from '../evidence/snapshot.js';
import { policyCovers } from '../facts/dlp-coverage.fact.js';

const policySchema = z.strictObject({
  id: z.string().regex(/^MS\.POWERPLATFORM\.\d+\.\d+v\d+$/, 'must look like MS.POWERPLATFORM.1.1v1'),
  criticality: z.enum(['SHALL', 'SHOULD']),
  title: z.string().min(1),
  evaluation: z.enum(['automated', 'manual']),
  evidence: z.array(z.enum(EVIDENCE_KEYS)),
  /** How ppmat judges it (automated), or what a person verifies (manual). */
  how: z.string().min(1),
  /** The ppmat checks that judge the same setting. */
  checks: z.array(z.string().regex(/^[a-z][a-z-]*\.[a-z0-9-]+$/, 'must be a check id like security.dlp-default-environment')),
});

/** The schema of `rules/frameworks/scuba-powerplatform.yaml`. */
export const scubaFrameworkSchema = z.strictObject({
  id: z.literal('scuba-powerplatform'),
  title: z.string().min(1),
  baseline: z.url(),
  policies: z.array(policySchema).min(1),
  coreConnectors: z.strictObject({
    source: z.url(),
    ids: z.array(z.string().regex(/^\/providers\/Microsoft\.PowerApps\/apis\/shared_[a-z0-9_]+$/i, 'must be a connector id like /providers/Microsoft.PowerApps/apis/shared_teams')).min(1),
  }),
});
export type ScubaFramework = z.infer<typeof scubaFrameworkSchema>;
export type ScubaPolicy = ScubaFramework['policies'][number];

export type ScubaCriticality = ScubaPolicy['criticality'];
/** ScubaGear's result vocabulary, plus `unknown` where the evidence was not collected. */
export type ScubaResult = 'pass' | 'fail' | 'warning' | 'n/a' | 'unknown';

export interface ScubaRow {
  id: string;
  criticality: ScubaCriticality;
  title: string;
  result: ScubaResult;
  /** One sentence naming the values judged (or why it could not be judged). */
  message: string;
  actual: Record<string, unknown>;
  /** The related ppmat check ids. */
  checks: string[];
}

interface Judgement {
  met: boolean | 'unknown';
  message: string;
  actual: Record<string, unknown>;
}

interface EvaluatorInput {
  snapshot: EvidenceSnapshot;
  framework: ScubaFramework;
  /** The evidence data of a family the evaluator requires (checked before it runs). */
  required<K extends EvidenceKey>(key: K): EvidenceDataByKey[K];
  /** The evidence data of a family when it was collected, else undefined. */
  optional<K extends EvidenceKey>(key: K): EvidenceDataByKey[K] | undefined;
}

interface Evaluator {
  /** Evidence without which the policy is unknown; the YAML must list it. */
  requires: readonly EvidenceKey[];
  evaluate(input: EvaluatorInput): Judgement;
}

/** The policies this build judges automatically, by id; the YAML's automated policies must be exactly these. */
export const SCUBA_EVALUATORS: Readonly<Record<string, Evaluator>> = {
  'MS.POWERPLATFORM.1.1v1': tenantSetting(['disableEnvironmentCreationByNonAdminUsers'], {
    pass: 'Only admins can create production and sandbox environments',
    fail: 'Any licensed user can create production and sandbox environments',
    subject: 'who can create production and sandbox environments',
  }),
  'MS.POWERPLATFORM.1.2v1': tenantSetting(['disableTrialEnvironmentCreationByNonAdminUsers'], {
    pass: 'Only admins can create trial environments',
    fail: 'Any licensed user can create trial environments',
    subject: 'who can create trial environments',
  }),
  'MS.POWERPLATFORM.2.1v1': { requires: ['dlpPolicies'], evaluate: defaultEnvironmentCovered },
  'MS.POWERPLATFORM.2.2v1': { requires: ['dlpPolicies', 'environments'], evaluate: nonDefaultEnvironmentsCovered },
  'MS.POWERPLATFORM.2.3v1': { requires: ['dlpPolicies'], evaluate: nonCoreConnectorsBlocked },
  'MS.POWERPLATFORM.3.1v1': { requires: ['tenantIsolation'], evaluate: tenantIsolationEnabled },
  'MS.POWERPLATFORM.5.1v1': tenantSetting(['disablePortalsCreationByNonAdminUsers'], {
    pass: 'Only admins can create Power Pages sites',
    fail: 'Any user can create Power Pages sites',
    subject: 'who can create Power Pages sites',
  }),
  'MS.POWERPLATFORM.6.1v1': tenantSetting(['powerPlatform', 'powerApps', 'disableShareWithEveryone'], {
    pass: 'Makers cannot share canvas apps with everyone in the organization',
    fail: 'Makers can share canvas apps with everyone in the organization',
    subject: 'whether makers can share canvas apps with everyone',
  }),
};

/** Judges every policy of the framework, in file order. */
export function evaluateScuba(snapshot: EvidenceSnapshot, framework: ScubaFramework): ScubaRow[] {
  return framework.policies.map((policy) => {
    const row = (result: ScubaResult, message: string, actual: Record<string, unknown> = {}): ScubaRow => ({
      id: policy.id,
      criticality: policy.criticality,
      title: policy.title,
      result,
      message,
      actual,
      checks: policy.checks,
    });
    const evaluator = SCUBA_EVALUATORS[policy.id];
    if (policy.evaluation === 'manual' || !evaluator) return row('n/a', `Manual, not automated by the baseline either: ${policy.how}`);
    const missing = evaluator.requires.map((key) => missingReason(snapshot, key)).find((reason) => reason !== null);
    if (missing) return row('unknown', `Unknown: ${missing}, so ${policy.id} cannot be judged.`);
    const judgement = evaluator.evaluate(inputFor(snapshot, framework));
    return row(resultOf(judgement.met, policy.criticality), judgement.message, judgement.actual);
  });
}

function resultOf(met: Judgement['met'], criticality: ScubaCriticality): ScubaResult {
  if (met === 'unknown') return 'unknown';
  if (met) return 'pass';
  return criticality === 'SHALL' ? 'fail' : 'warning';
}

function missingReason(snapshot: EvidenceSnapshot, key: EvidenceKey): string | null {
  const item = snapshot.evidence[key];
  if (!item) return `the scan holds no ${key} evidence`;
  if (item.status === 'ok' && item.data !== undefined) return null;
  return `${key} was not collected (${item.status}${item.reason ? `: ${item.reason.replace(/\.$/, '')}` : ''})`;
}

function inputFor(snapshot: EvidenceSnapshot, framework: ScubaFramework): EvaluatorInput {
  const optional = <K extends EvidenceKey>(key: K): EvidenceDataByKey[K] | undefined => {
    const item = snapshot.evidence[key];
    return item?.status === 'ok' ? (item.data as EvidenceDataByKey[K] | undefined) : undefined;
  };
  return {
    snapshot,
    framework,
    optional,
    required: (key) => {
      const data = optional(key);
      if (data === undefined) throw new Error(`SCuBA evaluator read ${key}, which it does not require`);
      return data;
    },
  };
}

// ---- tenant settings (1.1, 1.2, 5.1, 6.1) ----

/**
 * A boolean tenant setting that must be true. The settings object is kept as the API sent
 * it and its key set grows over time: a missing key (or a non-boolean) is unknown, not false.
 */
function tenantSetting(path: readonly string[], text: { pass: string; fail: string; subject: string }): Evaluator {
  const name = path.join('.');
  return {
    requires: ['tenantSettings'],
    evaluate: ({ required }) => {
      const value = valueAt(required('tenantSettings'), path);
      const actual = { [name]: value ?? null };
      if (value === true) return { met: true, message: `${text.pass} (${name} is true).`, actual };
      if (value === false) return { met: false, message: `${text.fail} (${name} is false).`, actual };
      const seen = value === undefined ? `do not include ${name}` : `hold ${name} = ${JSON.stringify(value)}, not true or false`;
      return { met: 'unknown', message: `Unknown: the tenant settings ${seen}, so ${text.subject} is not known.`, actual };
    },
  };
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

// ---- DLP (2.1, 2.2, 2.3) ----

interface DefaultEnvironment {
  id: string;
  /** `'Contoso (default)' (Default-…)`, or the id alone when the environment list was not collected. */
  label: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The default environment: the one the environment list flags, else `Default-{tenantId}`
 * (its fixed name, as ScubaGear derives it) when the tenant id is a GUID; null when neither
 * is known (a tenant configured by domain name, and no environment list).
 */
function defaultEnvironmentOf(input: EvaluatorInput): DefaultEnvironment | null {
  const listed = input.optional('environments')?.environments.find((environment) => environment.isDefault);
  if (listed) return { id: listed.id, label: `'${listed.displayName}' (${listed.id})` };
  if (GUID.test(input.snapshot.tenantId)) {
    const id = `Default-${input.snapshot.tenantId}`;
    return { id, label: id };
  }
  return null;
}

const UNKNOWN_DEFAULT =
  'Unknown: the environment list was not collected and the tenant id is not a GUID, so the default environment (Default-{tenantId}) cannot be named';

function defaultEnvironmentCovered(input: EvaluatorInput): Judgement {
  const policies = input.required('dlpPolicies').policies;
  const target = defaultEnvironmentOf(input);
  if (!target) {
    const everywhere = policies.filter((policy) => policy.environmentType === 'AllEnvironments');
    if (everywhere.length > 0) {
      return { met: true, message: `The default environment is covered by ${countOf(everywhere.length, 'DLP policy', 'DLP policies')} scoped to all environments: ${quoted(everywhere)}.`, actual: { defaultEnvironment: null, policies: names(everywhere), policyCount: policies.length } };
    }
    return { met: 'unknown', message: `${UNKNOWN_DEFAULT}, and no DLP policy covers all environments.`, actual: { defaultEnvironment: null, policyCount: policies.length } };
  }
  const covering = policies.filter((policy) => policyCovers(policy, target.id));
  const actual = { defaultEnvironment: target.id, policies: names(covering), policyCount: policies.length };
  if (covering.length > 0) {
    return { met: true, message: `The default environment ${target.label} is covered by ${countOf(covering.length, 'DLP policy', 'DLP policies')}: ${quoted(covering)}.`, actual };
  }
  const why = policies.length === 0 ? 'the tenant has no DLP policy' : policies.map((policy) => `'${policy.displayName}' ${scopeMiss(policy)}`).join(', ');
  return { met: false, message: `No DLP policy covers the default environment ${target.label}: ${why}.`, actual };
}

/** Why a policy that does not cover an environment misses it. */
function scopeMiss(policy: DlpPolicy): string {
  if (policy.environmentType === 'ExceptEnvironments') return 'excludes it';
  return policy.environments.length === 0 ? 'lists no environment' : 'lists only other environments';
}

function nonDefaultEnvironmentsCovered(input: EvaluatorInput): Judgement {
  const policies = input.required('dlpPolicies').policies;
  const nonDefault = input.required('environments').environments.filter((environment) => !environment.isDefault);
  const uncovered = nonDefault.filter((environment) => !policies.some((policy) => policyCovers(policy, environment.id)));
  const actual = { nonDefaultCount: nonDefault.length, uncovered: uncovered.map((environment) => environment.id), policyCount: policies.length };
  if (nonDefault.length === 0) return { met: true, message: 'The tenant has no non-default environment, so none lacks a DLP policy.', actual };
  if (uncovered.length === 0) {
    return { met: true, message: `DLP policies cover all ${countOf(nonDefault.length, 'non-default environment', 'non-default environments')}.`, actual };
  }
  const listed = uncovered.slice(0, LISTED).map((environment) => `'${environment.displayName}' (${environment.id})`);
  const more = uncovered.length > LISTED ? ` and ${uncovered.length - LISTED} more` : '';
  const none = policies.length === 0 ? ' (the tenant has no DLP policy)' : '';
  return {
    met: false,
    message: `${uncovered.length} of ${countOf(nonDefault.length, 'non-default environment', 'non-default environments')} ${uncovered.length === 1 ? 'is' : 'are'} not covered by any DLP policy${none}: ${listed.join(', ')}${more}.`,
    actual,
  };
}

/** Environments named in a message before "and N more". */
const LISTED = 5;

/**
 * 2.3v1. A connector is usable in the default environment when a covering policy puts it in
 * its Business or Non-business group and no covering policy blocks it (the most restrictive
 * policy wins): blocking is its Blocked group, or a Blocked default group that does not list
 * the connector. Connectors no covering policy lists are not judged (as in ScubaGear).
 */
function nonCoreConnectorsBlocked(input: EvaluatorInput): Judgement {
  const policies = input.required('dlpPolicies').policies;
  const target = defaultEnvironmentOf(input);
  if (!target) return { met: 'unknown', message: `${UNKNOWN_DEFAULT}.`, actual: { defaultEnvironment: null } };
  const covering = policies.filter((policy) => policyCovers(policy, target.id));
  if (covering.length === 0) {
    return { met: false, message: `No DLP policy covers the default environment ${target.label}, so no connector is blocked there.`, actual: { defaultEnvironment: target.id, policies: [], usableConnectors: [], nonCoreConnectors: [] } };
  }
  const core = new Set(input.framework.coreConnectors.ids.map((id) => id.toLowerCase()));
  const allowed = new Map<string, string>();
  for (const policy of covering) {
    for (const id of [...policy.connectorGroups.business, ...policy.connectorGroups.nonBusiness]) allowed.set(id.toLowerCase(), id);
  }
  const usable = [...allowed].filter(([key]) => !covering.some((policy) => blocks(policy, key))).map(([, id]) => id);
  const nonCore = usable.filter((id) => !core.has(id.toLowerCase()));
  const openDefault = covering.every((policy) => policy.defaultConnectorsClassification !== 'Blocked');
  const actual = {
    defaultEnvironment: target.id,
    policies: names(covering),
    usableConnectors: usable,
    nonCoreConnectors: nonCore,
    defaultGroups: Object.fromEntries(covering.map((policy) => [policy.displayName, policy.defaultConnectorsClassification])),
  };
  const by = `${countOf(covering.length, 'covering DLP policy', 'covering DLP policies')} (${quoted(covering)})`;
  if (nonCore.length > 0) {
    return { met: false, message: `${countOf(nonCore.length, 'non-core connector is', 'non-core connectors are')} usable in the default environment ${target.label} under ${by}: ${nonCore.map(shortName).join(', ')}.`, actual };
  }
  const unlisted = openDefault ? '; connectors they do not list fall in a default group that is not Blocked, which the baseline does not judge' : '';
  const listed = usable.length === 0 ? 'every connector they list is blocked' : `${countOf(usable.length, 'connector', 'connectors')}, all on the baseline's list`;
  return { met: true, message: `Only core connectors are usable in the default environment ${target.label} under ${by}: ${listed}${unlisted}.`, actual };
}

/** True when the policy keeps the connector (lower-cased id) out of its environments. */
function blocks(policy: DlpPolicy, connector: string): boolean {
  const has = (ids: string[]) => ids.some((id) => id.toLowerCase() === connector);
  const groups = policy.connectorGroups;
  if (has(groups.blocked)) return true;
  return policy.defaultConnectorsClassification === 'Blocked' && !has(groups.business) && !has(groups.nonBusiness);
}

/** `shared_sql` from `/providers/Microsoft.PowerApps/apis/shared_sql`. */
function shortName(id: string): string {
  return id.slice(id.lastIndexOf('/') + 1);
}

// ---- tenant isolation (3.1) ----

function tenantIsolationEnabled({ required }: EvaluatorInput): Judgement {
  const isolation = required('tenantIsolation');
  const actual = { configured: isolation.configured, enabled: isolation.enabled, allowedTenants: isolation.allowedTenants.length };
  if (isolation.enabled) {
    return { met: true, message: `Tenant isolation is on (isDisabled is false) with ${countOf(isolation.allowedTenants.length, 'allowed tenant', 'allowed tenants')}.`, actual };
  }
  const state = isolation.configured ? 'is configured but turned off (isDisabled is true)' : 'has never been configured (no tenant isolation policy exists)';
  return { met: false, message: `Tenant isolation ${state}, so makers can connect to and from any other tenant.`, actual };
}

// ---- words ----

function names(policies: DlpPolicy[]): string[] {
  return policies.map((policy) => policy.displayName);
}

function quoted(policies: DlpPolicy[]): string {
  return policies.map((policy) => `'${policy.displayName}'`).join(', ');
}

function countOf(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
