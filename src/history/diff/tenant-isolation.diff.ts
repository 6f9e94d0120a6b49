/**
 * Tenant isolation between two scans: switched off or on, and, while it stays on, the tenants
 * it allows connections with (an added tenant opens a path for data, a removed one closes it).
 */
import type { TenantIsolationEvidence } from '../../evidence/schemas.js';
import { compareText, count, type Change, type FamilyPair } from './change.js';

type AllowedTenant = TenantIsolationEvidence['allowedTenants'][number];

export function diffTenantIsolation({ before, after }: FamilyPair<'tenantIsolation'>): Change[] {
  const was = before.tenantIsolation;
  const now = after.tenantIsolation;
  if (was.enabled && !now.enabled) {
    return [
      {
        key: 'tenantIsolation:disabled',
        severity: 'critical',
        direction: 'weaker',
        label: `Tenant isolation was switched off${now.configured ? '' : ' (it is no longer configured)'}, so makers can connect to any other tenant.`,
        before: describe(was),
        after: describe(now),
      },
    ];
  }
  if (!was.enabled && now.enabled) {
    return [
      {
        key: 'tenantIsolation:enabled',
        severity: 'critical',
        direction: 'stronger',
        label: `Tenant isolation was switched on; ${count(now.allowedTenants.length, 'tenant is', 'tenants are')} allowed.`,
        before: describe(was),
        after: describe(now),
      },
    ];
  }
  return now.enabled ? allowedTenantChanges(was.allowedTenants, now.allowedTenants) : [];
}

function allowedTenantChanges(before: readonly AllowedTenant[], after: readonly AllowedTenant[]): Change[] {
  const was = new Map(before.map((t) => [t.tenantId.toLowerCase(), t]));
  const now = new Map(after.map((t) => [t.tenantId.toLowerCase(), t]));
  const changes: Change[] = [];
  for (const [id, tenant] of now) {
    const old = was.get(id);
    if (!old) {
      changes.push({
        key: `tenantIsolation:allowedTenants:${tenant.tenantId}:added`,
        severity: 'warning',
        direction: 'weaker',
        label: `Tenant isolation now allows tenant ${tenant.tenantId} (${directions(tenant)}).`,
        after: directions(tenant),
      });
    } else if (old.inbound !== tenant.inbound || old.outbound !== tenant.outbound) {
      const opened = (!old.inbound && tenant.inbound) || (!old.outbound && tenant.outbound);
      changes.push({
        key: `tenantIsolation:allowedTenants:${tenant.tenantId}:directions`,
        severity: 'warning',
        direction: opened ? 'weaker' : 'stronger',
        label: `Tenant isolation changed the connections allowed with tenant ${tenant.tenantId} from ${directions(old)} to ${directions(tenant)}.`,
        before: directions(old),
        after: directions(tenant),
      });
    }
  }
  for (const [id, tenant] of was) {
    if (now.has(id)) continue;
    changes.push({
      key: `tenantIsolation:allowedTenants:${tenant.tenantId}:removed`,
      severity: 'warning',
      direction: 'stronger',
      label: `Tenant isolation no longer allows tenant ${tenant.tenantId} (it allowed ${directions(tenant)}).`,
      before: directions(tenant),
    });
  }
  return changes.sort((a, b) => compareText(a.key, b.key));
}

function describe(isolation: TenantIsolationEvidence): string {
  if (!isolation.configured) return 'not configured';
  if (!isolation.enabled) return 'off';
  return `on, ${count(isolation.allowedTenants.length, 'allowed tenant')}`;
}

function directions(tenant: AllowedTenant): string {
  if (tenant.inbound && tenant.outbound) return 'inbound and outbound';
  if (tenant.inbound) return 'inbound only';
  if (tenant.outbound) return 'outbound only';
  return 'no direction';
}
