/**
 * Who is calling the API, and what they may do. Every way in (an API token, an Entra ID
 * bearer token, a browser session) ends as one {@link Principal}, so routes check one shape.
 */

/** ppmat's roles, weakest first: each one may do everything the ones before it may. */
export const ROLES = ['viewer', 'attester', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** How the caller authenticated. */
  kind: 'token' | 'entra' | 'session';
  /** Stable: the API token's id, or the Entra object id (`oid`). */
  id: string;
  /** For people and logs: the token's name, or the user's sign-in name. */
  name: string;
  role: Role;
  /** The tenants it may see; null: every tenant. */
  tenants: string[] | null;
}

/** Whether `have` includes `need` (admin ⊃ attester ⊃ viewer). */
export function roleAllows(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** Whether the principal may see (and, role permitting, change) the tenant. */
export function tenantAllowed(principal: Principal, tenantId: string): boolean {
  return principal.tenants === null || principal.tenants.includes(tenantId);
}

/** Whether a string is one of ppmat's roles. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
