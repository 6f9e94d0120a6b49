/**
 * Standing directory role assignments of the roles that administer Power Platform, one
 * filtered Graph list per role, with the principal expanded so rules can tell users from
 * groups and service principals.
 */
import { roleAssignmentsEvidenceSchema, type RoleAssignmentsEvidence } from '../evidence/graph.schemas.js';
import { GRAPH_PATHS } from '../http/graph-permissions.js';
import { mapWithConcurrency } from './concurrency.js';
import { DIRECTORY_ROLES, ROLE_REQUEST_CONCURRENCY, roleFilteredPath } from './directory-roles.js';
import { parseOrThrow } from './parse.js';
import { mapRoleAssignment } from './role-assignments.map.js';
import { rawRoleAssignmentListSchema } from './role-assignments.raw.js';
import type { Collector } from './types.js';

/** `GET /v1.0/roleManagement/directory/roleAssignments` (reference section 9; needs RoleManagement.Read.Directory). */
export const ROLE_ASSIGNMENTS_PATH = GRAPH_PATHS.roleAssignments;

/** Creates the role assignments collector. */
export function createRoleAssignmentsCollector(): Collector<'roleAssignments'> {
  return {
    key: 'roleAssignments',
    async collect(ctx): Promise<RoleAssignmentsEvidence> {
      let pages = 0;
      const roles = await mapWithConcurrency(DIRECTORY_ROLES, ROLE_REQUEST_CONCURRENCY, async (role) => {
        const url = roleFilteredPath(ROLE_ASSIGNMENTS_PATH, role.templateId);
        const items = await ctx.graph.list<unknown>(url, {
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          onPage: () => ctx.onProgress?.({ collector: 'roleAssignments', pages: (pages += 1), requests: ctx.graph.stats.requests }),
        });
        const raw = parseOrThrow(rawRoleAssignmentListSchema, items, { collector: 'roleAssignments', url, pathPrefix: ['value'] });
        return { roleTemplateId: role.templateId, displayName: role.displayName, assignments: raw.map(mapRoleAssignment) };
      });
      const evidence = parseOrThrow(roleAssignmentsEvidenceSchema, { roles }, { collector: 'roleAssignments', url: ROLE_ASSIGNMENTS_PATH });
      ctx.log.debug({ assignments: roles.map((r) => r.assignments.length) }, 'role assignments collected');
      return evidence;
    },
  };
}
