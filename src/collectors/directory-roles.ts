/**
 * The directory roles ppmat reads from Graph, in the order evidence lists them, and the
 * `$filter` that selects one role. Built-in role definition ids equal their template ids
 * (Entra built-in roles: "the template ID ... is the same as the role definition ID"), so
 * `roleDefinitionId eq '{templateId}'` works in every tenant.
 */
import { ROLE_TEMPLATES } from '../evidence/graph.schemas.js';

export interface DirectoryRole {
  templateId: string;
  displayName: string;
}

/** Display names as the Entra admin center shows them. */
export const DIRECTORY_ROLES: readonly DirectoryRole[] = [
  { templateId: ROLE_TEMPLATES.powerPlatformAdministrator, displayName: 'Power Platform Administrator' },
  { templateId: ROLE_TEMPLATES.globalAdministrator, displayName: 'Global Administrator' },
  { templateId: ROLE_TEMPLATES.dynamics365Administrator, displayName: 'Dynamics 365 Administrator' },
];

/** Role requests in flight at once: few roles, gentle on Graph throttling. */
export const ROLE_REQUEST_CONCURRENCY = 3;

/** `{path}?$filter=roleDefinitionId eq '{id}'&$expand=principal`, the filter value URL-encoded. */
export function roleFilteredPath(path: string, templateId: string): string {
  return `${path}?$filter=${encodeURIComponent(`roleDefinitionId eq '${templateId}'`)}&$expand=principal`;
}
