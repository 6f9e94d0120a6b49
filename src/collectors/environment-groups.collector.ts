/**
 * Environment groups and the rule-based policies assigned to each, from the Power Platform
 * API: whether governance is applied to groups of environments rather than one by one.
 */
import { environmentGroupsEvidenceSchema, type EnvironmentGroupsEvidence } from '../evidence/governance.schemas.js';
import { mapWithConcurrency } from './concurrency.js';
import { mapEnvironmentGroup } from './environment-groups.map.js';
import { rawEnvironmentGroupSchema, rawPolicyAssignmentSchema } from './environment-groups.raw.js';
import { parseOrThrow } from './parse.js';
import { listAllowingNone } from './power-platform-list.js';
import type { Collector } from './types.js';
import { z } from 'zod';

/** api-version 2024-10-01 (reference 7a); 204 No Content means the tenant has no groups. */
export const ENVIRONMENT_GROUPS_PATH = '/environmentmanagement/environmentGroups?api-version=2024-10-01';

/** Statuses of the group list that mean "no groups". */
export const NO_GROUPS_STATUSES = [204] as const;

/** Statuses of a group's assignments that mean "no policy assigned" (the API answers either, reference 5). */
export const NO_ASSIGNMENTS_STATUSES = [204, 404] as const;

/** Assignment requests in flight at once, as for DLP details. */
export const DEFAULT_ASSIGNMENT_CONCURRENCY = 4;

/** The rule-based policy assignments of one group, with their rule set counts (terraform's POLICY_API_VERSION). */
export function groupAssignmentsPath(groupId: string): string {
  return `/governance/ruleBasedPolicies/environmentGroups/${encodeURIComponent(groupId)}/assignments?api-version=2024-10-01&includeRuleSetCounts=true`;
}

export interface EnvironmentGroupsCollectorOptions {
  assignmentConcurrency?: number;
}

/** Creates the environment groups collector. */
export function createEnvironmentGroupsCollector(options: EnvironmentGroupsCollectorOptions = {}): Collector<'environmentGroups'> {
  const concurrency = options.assignmentConcurrency ?? DEFAULT_ASSIGNMENT_CONCURRENCY;
  return {
    key: 'environmentGroups',
    async collect(ctx): Promise<EnvironmentGroupsEvidence> {
      let pages = 0;
      const progress = (): void => ctx.onProgress?.({ collector: 'environmentGroups', pages, requests: ctx.http.stats.requests });
      const onPage = (): void => {
        pages += 1;
        progress();
      };
      const items = await listAllowingNone(ctx, { collector: 'environmentGroups', url: ENVIRONMENT_GROUPS_PATH, noneStatuses: NO_GROUPS_STATUSES, onPage });
      const raw = parseOrThrow(z.array(rawEnvironmentGroupSchema), items, { collector: 'environmentGroups', url: ENVIRONMENT_GROUPS_PATH, pathPrefix: ['value'] });
      const groups = await mapWithConcurrency(raw, concurrency, async (group) => {
        const url = groupAssignmentsPath(group.id);
        const assignments = await listAllowingNone(ctx, { collector: 'environmentGroups', url, noneStatuses: NO_ASSIGNMENTS_STATUSES, onPage });
        return mapEnvironmentGroup(group, parseOrThrow(z.array(rawPolicyAssignmentSchema), assignments, { collector: 'environmentGroups', url, pathPrefix: ['value'] }));
      });
      const evidence = parseOrThrow(environmentGroupsEvidenceSchema, { groups }, { collector: 'environmentGroups', url: ENVIRONMENT_GROUPS_PATH });
      ctx.log.debug({ groups: groups.length }, 'environment groups collected');
      return evidence;
    },
  };
}
