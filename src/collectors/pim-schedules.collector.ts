/**
 * Privileged Identity Management: per admin role, who is eligible and who is active
 * (standing or activated). Needs Entra ID P2 and the two schedule permissions; without
 * them Graph answers 403 and this evidence is unavailable, not empty.
 */
import { pimSchedulesEvidenceSchema, type PimSchedulesEvidence } from '../evidence/graph.schemas.js';
import { GRAPH_PATHS } from '../http/graph-permissions.js';
import { mapWithConcurrency } from './concurrency.js';
import { DIRECTORY_ROLES, ROLE_REQUEST_CONCURRENCY, roleFilteredPath } from './directory-roles.js';
import { parseOrThrow } from './parse.js';
import { mapActiveInstance, mapEligibleInstance } from './pim-schedules.map.js';
import { rawAssignmentInstanceListSchema, rawEligibilityInstanceListSchema } from './pim-schedules.raw.js';
import type { Collector } from './types.js';

/** `GET /v1.0/roleManagement/directory/roleEligibilityScheduleInstances` (needs RoleEligibilitySchedule.Read.Directory). */
export const ELIGIBILITY_INSTANCES_PATH = GRAPH_PATHS.roleEligibilityScheduleInstances;
/** `GET /v1.0/roleManagement/directory/roleAssignmentScheduleInstances` (needs RoleAssignmentSchedule.Read.Directory). */
export const ASSIGNMENT_INSTANCES_PATH = GRAPH_PATHS.roleAssignmentScheduleInstances;

/** Creates the PIM schedules collector. */
export function createPimSchedulesCollector(): Collector<'pimSchedules'> {
  return {
    key: 'pimSchedules',
    async collect(ctx): Promise<PimSchedulesEvidence> {
      let pages = 0;
      const list = (url: string): Promise<unknown[]> =>
        ctx.graph.list<unknown>(url, {
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          onPage: () => ctx.onProgress?.({ collector: 'pimSchedules', pages: (pages += 1), requests: ctx.graph.stats.requests }),
        });
      const roles = await mapWithConcurrency(DIRECTORY_ROLES, ROLE_REQUEST_CONCURRENCY, async (role) => {
        const eligibleUrl = roleFilteredPath(ELIGIBILITY_INSTANCES_PATH, role.templateId);
        const activeUrl = roleFilteredPath(ASSIGNMENT_INSTANCES_PATH, role.templateId);
        const eligible = parseOrThrow(rawEligibilityInstanceListSchema, await list(eligibleUrl), { collector: 'pimSchedules', url: eligibleUrl, pathPrefix: ['value'] });
        const active = parseOrThrow(rawAssignmentInstanceListSchema, await list(activeUrl), { collector: 'pimSchedules', url: activeUrl, pathPrefix: ['value'] });
        return { roleTemplateId: role.templateId, displayName: role.displayName, eligible: eligible.map(mapEligibleInstance), active: active.map(mapActiveInstance) };
      });
      const evidence = parseOrThrow(pimSchedulesEvidenceSchema, { roles }, { collector: 'pimSchedules', url: ELIGIBILITY_INSTANCES_PATH });
      ctx.log.debug({ eligible: roles.map((r) => r.eligible.length), active: roles.map((r) => r.active.length) }, 'PIM schedules collected');
      return evidence;
    },
  };
}

