/**
 * Conditional Access between two scans: enforced policies deleted, switched off or to
 * report-only, and policies that stopped protecting the admin roles while staying on.
 *
 * Only an enforced policy (`state == "enabled"`) protects anyone (admin-access.fact.ts), so a
 * policy that was not enforced can be deleted or changed without weakening anything. A change
 * to a policy that covered the admin roles (the Power Platform Administrator role as the
 * admin-access fact judges it, all users, or another admin role ppmat reads) is critical.
 */
import { ROLE_TEMPLATES, type ConditionalAccessPolicy } from '../../evidence/graph.schemas.js';
import { assessPolicy } from '../../facts/admin-access.fact.js';
import { byNameThenId, indexById, quoted, type Change, type ChangeSeverity, type FamilyPair } from './change.js';

const ENABLED = 'enabled';
const ADMIN_ROLES: readonly string[] = Object.values(ROLE_TEMPLATES);

export function diffConditionalAccess({ before, after }: FamilyPair<'conditionalAccess'>): Change[] {
  const order = byNameThenId<ConditionalAccessPolicy>((p) => p.displayName);
  const was = indexById(before.conditionalAccess.policies, (p) => p.id);
  const now = indexById(after.conditionalAccess.policies, (p) => p.id);
  const changes: Change[] = [];
  for (const old of [...was.values()].sort(order)) {
    if (now.has(old.id.toLowerCase()) || old.state !== ENABLED) continue;
    changes.push({
      key: `conditionalAccess:${old.id}:deleted`,
      severity: weight(old),
      direction: 'weaker',
      label: `Conditional Access policy ${quoted(old.displayName)} was deleted${coverage(old)}.`,
      before: old.state,
      after: 'deleted',
    });
  }
  for (const policy of [...now.values()].sort(order)) {
    const old = was.get(policy.id.toLowerCase());
    if (!old) {
      if (policy.state === ENABLED) {
        changes.push({
          key: `conditionalAccess:${policy.id}:added`,
          severity: weight(policy),
          direction: 'stronger',
          label: `Conditional Access policy ${quoted(policy.displayName)} was added and is enforced${coverage(policy, 'covers')}.`,
          before: 'absent',
          after: policy.state,
        });
      }
      continue;
    }
    changes.push(...policyChanges(old, policy));
  }
  return changes;
}

function policyChanges(old: ConditionalAccessPolicy, policy: ConditionalAccessPolicy): Change[] {
  if (old.state === ENABLED && policy.state !== ENABLED) {
    return [
      {
        key: `conditionalAccess:${policy.id}:disabled`,
        severity: weight(old),
        direction: 'weaker',
        label: `Conditional Access policy ${quoted(policy.displayName)} ${stateWords(policy.state)}${coverage(old)}.`,
        before: old.state,
        after: policy.state,
      },
    ];
  }
  if (old.state !== ENABLED && policy.state === ENABLED) {
    return [
      {
        key: `conditionalAccess:${policy.id}:enabled`,
        severity: weight(policy),
        direction: 'stronger',
        label: `Conditional Access policy ${quoted(policy.displayName)} is enforced now (it was ${old.state})${coverage(policy, 'covers')}.`,
        before: old.state,
        after: policy.state,
      },
    ];
  }
  if (policy.state !== ENABLED) return [];
  // Enforced in both scans: did it stop (or start) protecting the Power Platform Administrator role?
  const wasProtecting = assessPolicy(old).adminGaps.length === 0;
  const gaps = assessPolicy(policy).adminGaps;
  if (wasProtecting && gaps.length > 0) {
    return [
      {
        key: `conditionalAccess:${policy.id}:admin-protection:off`,
        severity: 'critical',
        direction: 'weaker',
        label: `Conditional Access policy ${quoted(policy.displayName)} no longer protects the Power Platform Administrator role: it ${gaps.join(', ')}.`,
        before: 'protects the role',
        after: gaps.join('; '),
      },
    ];
  }
  if (!wasProtecting && gaps.length === 0) {
    return [
      {
        key: `conditionalAccess:${policy.id}:admin-protection:on`,
        severity: 'critical',
        direction: 'stronger',
        label: `Conditional Access policy ${quoted(policy.displayName)} now protects the Power Platform Administrator role with ${assessPolicy(policy).strongAuthentication ?? 'strong authentication'}.`,
        before: assessPolicy(old).adminGaps.join('; '),
        after: 'protects the role',
      },
    ];
  }
  return [];
}

/** The Power Platform Administrator role as the admin-access fact judges it, or another admin role it includes and does not exclude. */
function coversAdmins(policy: ConditionalAccessPolicy): boolean {
  const { includeRoles, excludeRoles } = policy.users;
  return assessPolicy(policy).coversAdminRole || ADMIN_ROLES.some((role) => includeRoles.includes(role) && !excludeRoles.includes(role));
}

function weight(policy: ConditionalAccessPolicy): ChangeSeverity {
  return coversAdmins(policy) ? 'critical' : 'warning';
}

function coverage(policy: ConditionalAccessPolicy, verb: 'covered' | 'covers' = 'covered'): string {
  return coversAdmins(policy) ? `; it ${verb} the admin roles` : '';
}

function stateWords(state: string): string {
  if (state === 'enabledForReportingButNotEnforced') return 'was switched to report-only, so it no longer enforces anything';
  if (state === 'disabled') return 'was switched off';
  return `is no longer enforced (state ${state})`;
}
