/**
 * Who holds the admin roles that matter to Power Platform, and how: permanently, eligible
 * through Privileged Identity Management (PIM), or time-bound.
 *
 * Two sources, and the second is optional:
 * - `roleAssignments`: the standing (active) assignments. Needed: without it nothing is known.
 * - `pimSchedules`: eligible assignments, and whether each active one is a standing assignment
 *   (`assignmentType` `Assigned`) or a time-bound activation (`Activated`); an `endDateTime` of
 *   null means it never ends. Unreadable in tenants without Entra ID P2, so the fact is still
 *   derived without it (`pimReadable: false`): then nobody is known to be eligible, and every
 *   standing assignment counts as permanent, since nothing says it ends.
 * A standing assignment that PIM does not list as active is taken as permanent for the same reason,
 * and so is an active instance without an end whose `assignmentType` is not `Activated`.
 */
import { ROLE_TEMPLATES, type PimSchedulesEvidence, type Principal, type RoleAssignmentsEvidence } from '../evidence/graph.schemas.js';

/** `permanent`: a standing assignment that never ends; `eligible`: may activate through PIM; `timeBound`: active until a date, not eligible. */
export type HoldingKind = 'permanent' | 'eligible' | 'timeBound';

export interface RoleHolder {
  id: string;
  /** Display name, else user principal name, else id. */
  name: string;
  type: Principal['type'];
  /** The strongest way the principal holds the role: permanent, then eligible, then time-bound. */
  holding: HoldingKind;
}

export interface RoleHolders {
  roleTemplateId: string;
  /** Distinct principals holding the role in any way, by name. */
  holders: RoleHolder[];
  holderCount: number;
  /** Principals with a permanent standing assignment. */
  permanent: RoleHolder[];
  permanentCount: number;
  /** Principals eligible through PIM (0 when PIM is not readable). */
  eligibleCount: number;
  /** Distinct principals with an active assignment right now (standing or activated). */
  activeCount: number;
  /** Active time-bound assignments and activations, with when they end. */
  timeBound: { name: string; endDateTime: string }[];
}

export interface AdminRolesFact {
  /** True when the PIM schedules were read, so eligibility and permanence are known. */
  pimReadable: boolean;
  /** Power Platform Administrator (11648597-926c-4cf3-9c36-bcebb0ba8dcc). */
  ppAdmin: RoleHolders;
  /** Global Administrator. */
  globalAdmin: RoleHolders;
}

/** An activation of an eligible assignment; anything else active (`Assigned`, or not said) is a standing assignment. */
const ACTIVATED = 'activated';

const nameOf = (p: Principal): string => p.displayName ?? p.userPrincipalName ?? p.id;

/** Summarizes who holds one role. */
export function deriveRoleHolders(roleTemplateId: string, assignments: RoleAssignmentsEvidence, pim: PimSchedulesEvidence | null): RoleHolders {
  const standing = assignments.roles.filter((r) => r.roleTemplateId === roleTemplateId).flatMap((r) => r.assignments.map((a) => a.principal));
  const pimRole = pim?.roles.filter((r) => r.roleTemplateId === roleTemplateId) ?? [];
  const eligible = pimRole.flatMap((r) => r.eligible.map((e) => e.principal));
  const active = pimRole.flatMap((r) => r.active);
  const isPermanent = (a: (typeof active)[number]) => a.endDateTime === null && a.assignmentType?.toLowerCase() !== ACTIVATED;
  const permanentIds = new Set(active.filter(isPermanent).map((a) => a.principal.id));
  const listedActive = new Set(active.map((a) => a.principal.id));
  for (const p of standing) if (pim === null || !listedActive.has(p.id)) permanentIds.add(p.id);
  const eligibleIds = new Set(eligible.map((p) => p.id));

  const holders = new Map<string, RoleHolder>();
  for (const p of [...standing, ...active.map((a) => a.principal), ...eligible]) {
    if (holders.has(p.id)) continue;
    const holding: HoldingKind = permanentIds.has(p.id) ? 'permanent' : eligibleIds.has(p.id) ? 'eligible' : 'timeBound';
    holders.set(p.id, { id: p.id, name: nameOf(p), type: p.type, holding });
  }
  const sorted = [...holders.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const permanent = sorted.filter((h) => h.holding === 'permanent');
  return {
    roleTemplateId,
    holders: sorted,
    holderCount: sorted.length,
    permanent,
    permanentCount: permanent.length,
    eligibleCount: eligibleIds.size,
    activeCount: new Set([...standing.map((p) => p.id), ...active.map((a) => a.principal.id)]).size,
    timeBound: active.flatMap((a) => (a.endDateTime !== null ? [{ name: nameOf(a.principal), endDateTime: a.endDateTime }] : [])),
  };
}

/** Derives the holders of the Power Platform Administrator and Global Administrator roles; `pim` is null when PIM was not readable. */
export function deriveAdminRoles(assignments: RoleAssignmentsEvidence, pim: PimSchedulesEvidence | null): AdminRolesFact {
  return {
    pimReadable: pim !== null,
    ppAdmin: deriveRoleHolders(ROLE_TEMPLATES.powerPlatformAdministrator, assignments, pim),
    globalAdmin: deriveRoleHolders(ROLE_TEMPLATES.globalAdministrator, assignments, pim),
  };
}
