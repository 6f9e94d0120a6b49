/**
 * Raw Graph organization → normalized {@link OrganizationEvidence}. Pure. Graph's empty
 * strings (an unset country) are `null`, like absent values: unknown, never guessed.
 */
import type { OrganizationEvidence } from '../evidence/identity.schemas.js';
import type { RawOrganization } from './organization.raw.js';

const orNull = (value: string | null | undefined): string | null => (value === undefined || value === null || value.trim() === '' ? null : value);

/** Maps the organization; `displayName` falls back to the tenant id, which is never empty. */
export function mapOrganization(raw: RawOrganization): OrganizationEvidence {
  const domains = raw.verifiedDomains ?? [];
  return {
    id: raw.id,
    displayName: orNull(raw.displayName) ?? raw.id,
    verifiedDomains: domains.map((d) => d.name),
    defaultDomain: domains.find((d) => d.isDefault === true)?.name ?? null,
    countryLetterCode: orNull(raw.countryLetterCode),
    createdDateTime: orNull(raw.createdDateTime),
    tenantType: orNull(raw.tenantType),
  };
}

/**
 * The tenant's entry of the `/organization` collection: the one whose id is the scanned
 * tenant (compared without case, as GUIDs are), else the first. Graph answers exactly one
 * entry for an app-only token, but the collection shape allows more.
 */
export function pickOrganization<T extends { id: string }>(items: readonly T[], tenantId: string): T | undefined {
  return items.find((item) => item.id.toLowerCase() === tenantId.toLowerCase()) ?? items[0];
}
