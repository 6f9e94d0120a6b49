/**
 * Raw role assignment → normalized assignment of {@link RoleAssignmentsEvidence}. Pure.
 */
import type { RoleAssignmentsEvidence } from '../evidence/graph.schemas.js';
import { mapPrincipal } from './principal.map.js';
import type { RawRoleAssignment } from './role-assignments.raw.js';

export type RoleAssignment = RoleAssignmentsEvidence['roles'][number]['assignments'][number];

/** Graph omits `directoryScopeId` only for tenant-wide assignments in older answers; `/` is the tenant. */
export const TENANT_DIRECTORY_SCOPE = '/';

/** Maps one raw assignment. */
export function mapRoleAssignment(raw: RawRoleAssignment): RoleAssignment {
  return { principal: mapPrincipal(raw.principalId, raw.principal), directoryScopeId: raw.directoryScopeId ?? TENANT_DIRECTORY_SCOPE };
}
