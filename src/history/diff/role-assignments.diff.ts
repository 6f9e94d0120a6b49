/**
 * Admin role assignments between two scans: who was given, or lost, one of the directory roles
 * that administer Power Platform (Power Platform Administrator, Global Administrator,
 * Dynamics 365 Administrator).
 *
 * A new holder is a critical weakening: one more account can change every DLP policy and
 * environment. A time-bound PIM activation of an eligible assignment also shows up as an
 * active assignment; when the later scan's PIM schedules say so, it is reported as the
 * activation it is (info), not as a new standing admin.
 */
import { ROLE_TEMPLATES, type PimSchedulesEvidence, type Principal } from '../../evidence/graph.schemas.js';
import { compareText, quoted, type Change, type FamilyPair } from './change.js';

const ADMIN_ROLES: ReadonlySet<string> = new Set(Object.values(ROLE_TEMPLATES));
const ROLE_NAMES: Readonly<Record<string, string>> = {
  [ROLE_TEMPLATES.powerPlatformAdministrator]: 'Power Platform Administrator',
  [ROLE_TEMPLATES.globalAdministrator]: 'Global Administrator',
  [ROLE_TEMPLATES.dynamics365Administrator]: 'Dynamics 365 Administrator',
};
const ACTIVATED = 'activated';

interface Holding {
  roleTemplateId: string;
  roleName: string;
  principal: Principal;
}

/** `pim`: the later scan's PIM schedules when collected, to tell activations from new assignments. */
export function diffRoleAssignments({ before, after }: FamilyPair<'roleAssignments'>, pim: PimSchedulesEvidence | null): Change[] {
  const was = holdings(before.roleAssignments);
  const now = holdings(after.roleAssignments);
  const changes: Change[] = [];
  for (const [key, holding] of now) {
    if (was.has(key)) continue;
    const activation = activationEnd(pim, holding);
    changes.push(
      activation
        ? {
            key: `roleAssignments:${holding.roleTemplateId}:${holding.principal.id}:activated`,
            severity: 'info',
            direction: 'neutral',
            label: `${who(holding.principal)} activated the ${holding.roleName} role through PIM, until ${activation}.`,
            after: `activated until ${activation}`,
          }
        : {
            key: `roleAssignments:${holding.roleTemplateId}:${holding.principal.id}:added`,
            severity: 'critical',
            direction: 'weaker',
            label: `${who(holding.principal)} was assigned the ${holding.roleName} role.`,
            before: 'not assigned',
            after: 'assigned',
          },
    );
  }
  for (const [key, holding] of was) {
    if (now.has(key)) continue;
    changes.push({
      key: `roleAssignments:${holding.roleTemplateId}:${holding.principal.id}:removed`,
      severity: 'critical',
      direction: 'stronger',
      label: `${who(holding.principal)} no longer holds the ${holding.roleName} role.`,
      before: 'assigned',
      after: 'not assigned',
    });
  }
  return changes.sort((a, b) => compareText(a.label, b.label) || compareText(a.key, b.key));
}

function holdings(evidence: FamilyPair<'roleAssignments'>['before']['roleAssignments']): Map<string, Holding> {
  const map = new Map<string, Holding>();
  for (const role of evidence.roles) {
    if (!ADMIN_ROLES.has(role.roleTemplateId)) continue;
    const roleName = role.displayName || ROLE_NAMES[role.roleTemplateId] || role.roleTemplateId;
    for (const { principal } of role.assignments) map.set(`${role.roleTemplateId}:${principal.id}`, { roleTemplateId: role.roleTemplateId, roleName, principal });
  }
  return map;
}

/** When the holding is a time-bound PIM activation in the later scan: its end; otherwise null. */
function activationEnd(pim: PimSchedulesEvidence | null, holding: Holding): string | null {
  const role = pim?.roles.find((r) => r.roleTemplateId === holding.roleTemplateId);
  const instance = role?.active.find((a) => a.principal.id === holding.principal.id);
  if (!instance || instance.assignmentType?.toLowerCase() !== ACTIVATED || instance.endDateTime === null) return null;
  return instance.endDateTime;
}

/** `User 'Alex Wilber' (alex@contoso.com)`, `Group 'Helpdesk'`, with the id when the directory gave no name. */
function who(principal: Principal): string {
  const kind = { user: 'User', group: 'Group', servicePrincipal: 'Service principal', unknown: 'Principal' }[principal.type];
  const name = principal.displayName ?? principal.userPrincipalName ?? principal.id;
  const upn = principal.displayName && principal.userPrincipalName ? ` (${principal.userPrincipalName})` : '';
  return `${kind} ${quoted(name)}${upn}`;
}
