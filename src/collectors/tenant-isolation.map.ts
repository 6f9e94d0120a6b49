/** Raw tenant isolation policy → normalized evidence. Pure. */
import type { TenantIsolationEvidence } from '../evidence/schemas.js';
import type { RawTenantIsolation } from './tenant-isolation.raw.js';

/** The evidence when the tenant never configured isolation (404, null or empty body: reference pitfall 3). */
export function notConfigured(): TenantIsolationEvidence {
  return { configured: false, enabled: false, allowedTenants: [] };
}

/**
 * Maps the policy body. `null` (a 404 or an empty body) and a body without any policy
 * field mean "never configured". Isolation is on only when `isDisabled` is exactly false
 * (ScubaGear and Microsoft365DSC read it the same way); a missing direction flag is false.
 */
export function mapTenantIsolation(raw: RawTenantIsolation): TenantIsolationEvidence {
  if (raw === null) return notConfigured();
  const policy = raw.properties ?? raw;
  const isConfigured = typeof policy.isDisabled === 'boolean' || Array.isArray(policy.allowedTenants);
  if (!isConfigured) return notConfigured();
  return {
    configured: true,
    enabled: policy.isDisabled === false,
    allowedTenants: (policy.allowedTenants ?? []).map((tenant) => ({
      tenantId: tenant.tenantId,
      inbound: tenant.direction?.inbound === true,
      outbound: tenant.direction?.outbound === true,
    })),
  };
}
