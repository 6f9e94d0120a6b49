/**
 * Raw access review definitions and access packages → the entries of
 * {@link IdentityGovernanceEvidence}. Pure.
 */
import type { AccessPackage, AccessReviewDefinition } from '../evidence/identity.schemas.js';
import type { RawAccessPackage, RawAccessReviewDefinition, RawAccessReviewScope } from './identity-governance.raw.js';

/**
 * A scope query that reads directory role holders: `/roleManagement/directory/roleDefinitions/{id}`,
 * `.../roleAssignmentScheduleInstances?...`, `.../roleEligibilityScheduleInstances?...` (Graph
 * "Configure the scope of your access review definition", examples 11 and 12), with or
 * without a version segment in front.
 */
const DIRECTORY_ROLE_QUERY = /(^|\/)roleManagement\/directory\//i;

/** Every query of a scope: its own, then its principal and resource scopes'. */
function scopeQueries(scope: RawAccessReviewScope | null | undefined): string[] {
  if (!scope) return [];
  const nested = [...(scope.principalScopes ?? []), ...(scope.resourceScopes ?? [])];
  return [scope.query, ...nested.map((s) => s.query)].filter((q): q is string => typeof q === 'string' && q.trim() !== '');
}

/** The query that says what is reviewed: `scope.query`, else the resource scopes' queries joined by `; `. */
function scopeQuery(scope: RawAccessReviewScope | null | undefined): string | null {
  if (!scope) return null;
  if (typeof scope.query === 'string' && scope.query.trim() !== '') return scope.query;
  const resources = (scope.resourceScopes ?? []).map((s) => s.query).filter((q): q is string => typeof q === 'string' && q.trim() !== '');
  return resources.length > 0 ? resources.join('; ') : null;
}

/** Maps one access review definition. */
export function mapAccessReviewDefinition(raw: RawAccessReviewDefinition): AccessReviewDefinition {
  return {
    id: raw.id,
    displayName: raw.displayName ?? raw.id,
    status: raw.status ?? null,
    scopeQuery: scopeQuery(raw.scope),
    recurrence: raw.settings?.recurrence?.pattern?.type ?? null,
    coversDirectoryRoles: scopeQueries(raw.scope).some((q) => DIRECTORY_ROLE_QUERY.test(q)),
  };
}

/** Maps one access package. */
export function mapAccessPackage(raw: RawAccessPackage): AccessPackage {
  return { id: raw.id, displayName: raw.displayName ?? raw.id };
}
