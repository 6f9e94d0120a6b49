/**
 * Evaluates compiled checks against one snapshot and its derived facts.
 *
 * Pure and total: every check gives exactly one result, and nothing throws. Missing
 * evidence gives `unknown` with the collection's reason (ScubaGear's rule: a failed API
 * call is never a `fail`); a CEL runtime error gives `unknown` with the error.
 */
import { EVIDENCE_KEYS, type EvidenceKey } from '../evidence/schemas.js';
import type { EvidenceSnapshot } from '../evidence/snapshot.js';
import type { CelBindings } from './cel.js';
import type { ResolvedParameters } from './parameters.js';
import type { ParameterValue } from './rule-schema.js';
import type { CompiledCheck, RuleSet } from './rule-set.js';
import { renderTemplate, type CompiledTemplate } from './template.js';
import type { CheckResult, Outcome } from './types.js';

/** How each evidence family reads in a sentence ("Unknown: tenant settings could not be collected"). */
export const EVIDENCE_LABELS: Record<EvidenceKey, string> = {
  environments: 'the environment list',
  tenantSettings: 'tenant settings',
  dlpPolicies: 'DLP policies',
  tenantIsolation: 'the tenant isolation policy',
  conditionalAccess: 'Conditional Access policies',
  roleAssignments: 'directory role assignments',
  pimSchedules: 'Privileged Identity Management assignments',
  environmentGroups: 'environment groups',
  advisorRecommendations: 'Power Advisor recommendations',
  inventory: 'the inventory of apps, flows, agents and Dataverse settings',
  organization: 'the organization (tenant name and domains)',
  identityGovernance: 'identity governance (access reviews and access packages)',
};

/**
 * Evaluates every check of the rule set, in rule-set order.
 * @param parameters the values each check runs with (see `resolveParameters`); the checks' defaults when absent.
 */
export function evaluateChecks(ruleSet: RuleSet, snapshot: EvidenceSnapshot, facts: Record<string, unknown>, parameters?: ResolvedParameters): CheckResult[] {
  return ruleSet.checks.map((check) => evaluateCheck(check, snapshot, facts, parameters?.byCheck.get(check.id)));
}

/**
 * Evaluates one check; see the module comment for the unknown rules. The parameters it ran
 * with are reported beside the actual values, so "unused" reads with the days it meant.
 */
export function evaluateCheck(
  check: CompiledCheck,
  snapshot: EvidenceSnapshot,
  facts: Record<string, unknown>,
  params: Readonly<Record<string, ParameterValue>> = Object.fromEntries(check.parameters.map((p) => [p.name, p.default])),
): CheckResult {
  const reported = { ...params };
  const missing = missingEvidence(check, snapshot);
  if (missing) return result(check, 'unknown', missing, reported);
  const absentFact = check.requiredFacts.find((fact) => facts[fact] === undefined);
  if (absentFact) return result(check, 'unknown', `Unknown: the derived fact '${absentFact}' is missing although its evidence was collected.`, reported);
  // Optional evidence its facts read counts as judged only when it was collected.
  const read = check.optionalEvidenceKeys.filter((key) => snapshot.evidence[key]?.status === 'ok');
  const judged = EVIDENCE_KEYS.filter((key) => check.evidenceKeys.includes(key) || read.includes(key));

  const bindings: CelBindings = { facts, ...(check.parameters.length > 0 ? { params } : {}) };
  for (const key of check.requiredEvidence) bindings[key] = snapshot.evidence[key]?.data;
  const fail = (what: string, error: string): CheckResult =>
    result(check, 'unknown', `Unknown: ${check.id} could not be evaluated (${what}: ${stripPeriod(error)}).`, reported, judged);

  if (check.applies) {
    const applies = check.applies.run(bindings);
    if (!applies.ok) return fail('applies', applies.error);
    if (typeof applies.value !== 'boolean') return fail('applies', `gave ${JSON.stringify(applies.value)}, not a bool`);
    if (!applies.value) return finish(check, 'not_applicable', check.messages.notApplicable, bindings, fail, judged);
  }
  if (check.known) {
    const known = check.known.run(bindings);
    if (!known.ok) return fail('known', known.error);
    if (typeof known.value !== 'boolean') return fail('known', `gave ${JSON.stringify(known.value)}, not a bool`);
    if (!known.value) return finish(check, 'unknown', check.messages.unknown, bindings, fail, judged);
  }
  const verdict = check.expr.run(bindings);
  if (!verdict.ok) return fail('expr', verdict.error);
  if (typeof verdict.value !== 'boolean') return fail('expr', `gave ${JSON.stringify(verdict.value)}, not a bool`);
  const outcome: Outcome = verdict.value ? 'pass' : 'fail';
  return finish(check, outcome, verdict.value ? check.messages.pass : check.messages.fail, bindings, fail, judged);
}

function finish(
  check: CompiledCheck,
  outcome: Outcome,
  template: CompiledTemplate | undefined,
  bindings: CelBindings,
  fail: (what: string, error: string) => CheckResult,
  judged: readonly EvidenceKey[],
): CheckResult {
  const actual: Record<string, unknown> = { ...(bindings.params as Record<string, unknown> | undefined) };
  for (const { name, expr } of check.actual) {
    const value = expr.run(bindings);
    // When the verdict is pass or fail, every reported value must be real; for unknown and
    // not_applicable the values are informative only and may not exist (a missing setting).
    if (!value.ok && (outcome === 'pass' || outcome === 'fail')) return fail(`actual.${name}`, value.error);
    actual[name] = value.ok ? boundedActual(value.value) : null;
  }
  if (!template) return fail('messages', `no message for outcome ${outcome}`);
  const message = renderTemplate(template, bindings);
  if (!message.ok) return fail('message', message.error);
  return result(check, outcome, message.text, actual, judged);
}

/** Items a reported list keeps: enough to show what was judged, not every environment of a large tenant. */
export const MAX_ACTUAL_ITEMS = 25;

/**
 * A reported value with every list cut to {@link MAX_ACTUAL_ITEMS} items and a last one saying
 * how many more there were ("… and 9,975 more"): `production: [every production environment]`
 * over 10,000 environments made each scan's results 0.7 MiB, stored again every night.
 * Verdicts are computed before this, over the whole lists.
 */
export function boundedActual(value: unknown): unknown {
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_ACTUAL_ITEMS).map(boundedActual);
    const more = value.length - kept.length;
    return more > 0 ? [...kept, `… and ${more.toLocaleString('en-US')} more`] : kept;
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, boundedActual(v)]));
  }
  return value;
}

/** The unknown message for the first required evidence family that is not `ok`, or undefined. */
function missingEvidence(check: CompiledCheck, snapshot: EvidenceSnapshot): string | undefined {
  for (const key of check.evidenceKeys) {
    const item = snapshot.evidence[key];
    const label = EVIDENCE_LABELS[key];
    if (!item) return `Unknown: ${label} ${plural(key) ? 'were' : 'was'} not collected in this scan.`;
    if (item.status !== 'ok' || item.data === undefined) {
      const why = item.reason ?? item.errorCode ?? item.status;
      return `Unknown: ${label} could not be collected (${stripPeriod(why)}).`;
    }
  }
  return undefined;
}

const PLURAL_LABELS = new Set<EvidenceKey>(['tenantSettings', 'dlpPolicies', 'conditionalAccess', 'roleAssignments', 'pimSchedules', 'environmentGroups', 'advisorRecommendations']);
const plural = (key: EvidenceKey): boolean => PLURAL_LABELS.has(key);
const stripPeriod = (text: string): string => text.trim().replace(/\.$/, '');

function result(
  check: CompiledCheck,
  outcome: Outcome,
  message: string,
  actual: Record<string, unknown>,
  judged: readonly EvidenceKey[] = check.evidenceKeys,
): CheckResult {
  return {
    checkId: check.id,
    checkVersion: check.version,
    title: check.title,
    capabilities: [...check.capabilities],
    severity: check.severity,
    outcome,
    message,
    actual,
    evidenceKeys: [...judged],
    remediation: check.remediation,
  };
}
