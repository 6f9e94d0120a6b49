/**
 * DLP policies between two scans: deleted and added policies, policies whose scope narrowed or
 * widened over the environments both scans saw, the default environment left without any
 * policy, and connectors moved between the business, non-business and blocked groups.
 *
 * Scope semantics are the DLP coverage fact's (`policyCovers`, `deriveDlpCoverage`), never
 * re-implemented here. Coverage changes need the environment list of both scans; without it,
 * only what the policies alone say is compared.
 */
import type { DlpPolicy, Environment } from '../../evidence/schemas.js';
import { deriveDlpCoverage, policyCovers } from '../../facts/dlp-coverage.fact.js';
import { byNameThenId, compareText, count, indexById, quoted, type Change, type ChangeSeverity, type FamilyPair } from './change.js';

type ConnectorGroup = 'business' | 'non-business' | 'blocked';

/** `defaultConnectorsClassification` as sent, mapped to the group a connector no policy lists falls into. */
const CLASSIFICATION_GROUP: Readonly<Record<string, ConnectorGroup>> = { Confidential: 'business', General: 'non-business', Blocked: 'blocked' };

export function diffDlpPolicies(dlp: FamilyPair<'dlpPolicies'>, environments: FamilyPair<'environments'> | null): Change[] {
  const before = indexById(dlp.before.dlpPolicies.policies, (p) => p.id);
  const after = indexById(dlp.after.dlpPolicies.policies, (p) => p.id);
  const names = {
    before: environmentNames(environments?.before.environments.environments ?? []),
    after: environmentNames(environments?.after.environments.environments ?? []),
  };
  const changes: Change[] = [];
  for (const [id, policy] of sorted(before)) {
    if (!after.has(id)) changes.push(deleted(policy, names.before));
  }
  for (const [id, policy] of sorted(after)) {
    const old = before.get(id);
    if (!old) {
      changes.push(added(policy, names.after));
      continue;
    }
    changes.push(...connectorMoves(old, policy));
    if (environments) changes.push(...scopeChanges(old, policy, environments, dlp.tenantId, names));
  }
  if (environments) changes.push(...defaultEnvironmentCoverage(dlp, environments));
  return changes;
}

function sorted(policies: Map<string, DlpPolicy>): [string, DlpPolicy][] {
  const order = byNameThenId<DlpPolicy>((p) => p.displayName);
  return [...policies.entries()].sort(([, a], [, b]) => order(a, b));
}

function deleted(policy: DlpPolicy, names: EnvironmentNames): Change {
  return {
    key: `dlpPolicies:${policy.id}:deleted`,
    severity: 'critical',
    direction: 'weaker',
    label: `DLP policy ${quoted(policy.displayName)} was deleted; it applied to ${scope(policy, names)}.`,
    before: scope(policy, names),
    after: 'deleted',
  };
}

function added(policy: DlpPolicy, names: EnvironmentNames): Change {
  return {
    key: `dlpPolicies:${policy.id}:added`,
    severity: 'critical',
    direction: 'stronger',
    label: `DLP policy ${quoted(policy.displayName)} was added; it applies to ${scope(policy, names)}.`,
    before: 'absent',
    after: scope(policy, names),
  };
}

/** Environments both scans listed that the policy covered and no longer covers (narrowed), or now covers (widened). */
function scopeChanges(
  old: DlpPolicy,
  now: DlpPolicy,
  environments: FamilyPair<'environments'>,
  tenantId: string,
  names: { before: EnvironmentNames; after: EnvironmentNames },
): Change[] {
  const existed = indexById(environments.before.environments.environments, (e) => e.id);
  const changes: Change[] = [];
  const envs = [...environments.after.environments.environments].sort(byNameThenId((e) => e.displayName));
  for (const env of envs) {
    if (!existed.has(env.id.toLowerCase())) continue;
    const was = policyCovers(old, env.id);
    const is = policyCovers(now, env.id);
    if (was === is) continue;
    const severity = environmentWeight(env, tenantId);
    const what = `environment ${quoted(env.displayName)}${env.isDefault ? ' (the default environment)' : ` (${env.type})`}`;
    changes.push(
      was
        ? {
            key: `dlpPolicies:${now.id}:uncovers:${env.id}`,
            severity,
            direction: 'weaker',
            label: `DLP policy ${quoted(now.displayName)} no longer covers ${what}.`,
            before: scope(old, names.before),
            after: scope(now, names.after),
          }
        : {
            key: `dlpPolicies:${now.id}:covers:${env.id}`,
            severity,
            direction: 'stronger',
            label: `DLP policy ${quoted(now.displayName)} now covers ${what}.`,
            before: scope(old, names.before),
            after: scope(now, names.after),
          },
    );
  }
  return changes;
}

/** The default environment and production environments hold the data that matters most. */
function environmentWeight(env: Environment, tenantId: string): ChangeSeverity {
  const isDefault = env.isDefault || env.id.toLowerCase() === `default-${tenantId}`.toLowerCase();
  return isDefault || env.type === 'Production' ? 'critical' : 'warning';
}

function defaultEnvironmentCoverage(dlp: FamilyPair<'dlpPolicies'>, environments: FamilyPair<'environments'>): Change[] {
  const was = deriveDlpCoverage(environments.before.environments, dlp.before.dlpPolicies).defaultEnvironment;
  const now = deriveDlpCoverage(environments.after.environments, dlp.after.dlpPolicies).defaultEnvironment;
  if (!was || !now || was.covered === now.covered) return [];
  const names = (policies: string[]) => policies.map(quoted).join(', ');
  return [
    was.covered
      ? {
          key: 'dlpPolicies:default-environment:uncovered',
          severity: 'critical',
          direction: 'weaker',
          label: `The default environment ${quoted(now.displayName)} is no longer covered by any DLP policy (it was covered by ${names(was.policies)}).`,
          before: `covered by ${names(was.policies)}`,
          after: 'not covered',
        }
      : {
          key: 'dlpPolicies:default-environment:covered',
          severity: 'critical',
          direction: 'stronger',
          label: `The default environment ${quoted(now.displayName)} is now covered by ${names(now.policies)}.`,
          before: 'not covered',
          after: `covered by ${names(now.policies)}`,
        },
  ];
}

/** Connectors whose group changed (listed, or falling into the policy's default group), and the default group itself. */
function connectorMoves(old: DlpPolicy, now: DlpPolicy): Change[] {
  const changes: Change[] = [];
  const wasDefault = CLASSIFICATION_GROUP[old.defaultConnectorsClassification ?? ''];
  const isDefault = CLASSIFICATION_GROUP[now.defaultConnectorsClassification ?? ''];
  if (wasDefault && isDefault && wasDefault !== isDefault) {
    changes.push({
      key: `dlpPolicies:${now.id}:default-group`,
      severity: 'warning',
      direction: moveDirection(wasDefault, isDefault),
      label: `DLP policy ${quoted(now.displayName)} now puts connectors it does not list in the ${isDefault} group (was ${wasDefault}).`,
      before: wasDefault,
      after: isDefault,
    });
  }
  const connectors = [...new Set([...listed(old), ...listed(now)])].sort(compareText);
  for (const connector of connectors) {
    const from = groupOf(old, connector);
    const to = groupOf(now, connector);
    if (!from || !to || from === to) continue;
    changes.push({
      key: `dlpPolicies:${now.id}:connectors:${connectorName(connector)}:${to}`,
      severity: 'warning',
      direction: moveDirection(from, to),
      label: `DLP policy ${quoted(now.displayName)} moved connector ${quoted(connectorName(connector))} from ${from} to ${to}.`,
      before: from,
      after: to,
    });
  }
  return changes;
}

/** Out of blocked opens a connector, into blocked closes it; business and non-business only regroup it. */
function moveDirection(from: ConnectorGroup, to: ConnectorGroup): Change['direction'] {
  if (from === 'blocked') return 'weaker';
  if (to === 'blocked') return 'stronger';
  return 'neutral';
}

function listed(policy: DlpPolicy): string[] {
  const { business, nonBusiness, blocked } = policy.connectorGroups;
  return [...business, ...nonBusiness, ...blocked];
}

function groupOf(policy: DlpPolicy, connector: string): ConnectorGroup | null {
  const { business, nonBusiness, blocked } = policy.connectorGroups;
  if (blocked.includes(connector)) return 'blocked';
  if (business.includes(connector)) return 'business';
  if (nonBusiness.includes(connector)) return 'non-business';
  return CLASSIFICATION_GROUP[policy.defaultConnectorsClassification ?? ''] ?? null;
}

/** `shared_twitter` of `/providers/Microsoft.PowerApps/apis/shared_twitter`. */
function connectorName(id: string): string {
  return id.split('/').filter(Boolean).pop() ?? id;
}

/** Display names of environments by lower-cased id. */
type EnvironmentNames = ReadonlyMap<string, string>;

function environmentNames(environments: readonly Environment[]): EnvironmentNames {
  return new Map(environments.map((e) => [e.id.toLowerCase(), e.displayName]));
}

/** Listed environments shown by name (when the scan listed them), at most this many. */
const NAMED_ENVIRONMENTS = 3;

/** What a policy applies to, in words: `all environments`, `all environments except 'HR Sandbox'`, `only 'Contoso (default)'`. */
function scope(policy: DlpPolicy, names: EnvironmentNames): string {
  const listing = (): string => {
    const shown = policy.environments.slice(0, NAMED_ENVIRONMENTS).map((id) => quoted(names.get(id.toLowerCase()) ?? id));
    const more = policy.environments.length - shown.length;
    return more > 0 ? `${shown.join(', ')} and ${count(more, 'other')}` : shown.join(', ');
  };
  switch (policy.environmentType) {
    case 'AllEnvironments':
      return 'all environments';
    case 'ExceptEnvironments':
      return policy.environments.length === 0 ? 'all environments' : `all environments except ${listing()}`;
    case 'OnlyEnvironments':
      return policy.environments.length === 0 ? 'no environment' : `only ${listing()}`;
  }
}
