/**
 * Tenant settings between two scans: the switches ppmat's checks judge (rules/checks/*.yaml
 * reading `tenantSettings`), flipped away from or back to the value the checks want.
 *
 * A setting missing from either answer is unknown, not a change (the API's key set grows and
 * shrinks), and so is a value that is not a boolean.
 */
import type { TenantSettingsEvidence } from '../../evidence/schemas.js';
import type { Change, FamilyPair } from './change.js';

interface CheckedSetting {
  /** Dotted path in the tenant settings document. */
  path: string;
  /** The value the checks want. */
  safe: boolean;
  /** What the other value means, as the end of "…: <weakened>". */
  weakened: string;
  strengthened: string;
}

/** The tenant settings the shipped checks read, with the value each wants. */
export const CHECKED_TENANT_SETTINGS: readonly CheckedSetting[] = [
  {
    path: 'disableEnvironmentCreationByNonAdminUsers',
    safe: true,
    weakened: 'environment creation was opened to every user',
    strengthened: 'only admins may create production and sandbox environments again',
  },
  {
    path: 'disableTrialEnvironmentCreationByNonAdminUsers',
    safe: true,
    weakened: 'trial environment creation was opened to every user',
    strengthened: 'only admins may create trial environments again',
  },
  {
    path: 'powerPlatform.governance.disableDeveloperEnvironmentCreationByNonAdminUsers',
    safe: true,
    weakened: 'developer environment creation was opened to every user',
    strengthened: 'only admins may create developer environments again',
  },
  {
    path: 'powerPlatform.powerApps.disableShareWithEveryone',
    safe: true,
    weakened: 'makers may share apps with Everyone',
    strengthened: 'makers can no longer share apps with Everyone',
  },
  {
    path: 'powerPlatform.governance.enableDefaultEnvironmentRouting',
    safe: true,
    weakened: 'new makers land in the default environment again instead of a developer environment of their own',
    strengthened: 'new makers are routed to a developer environment of their own',
  },
  {
    path: 'powerPlatform.governance.disableAdminDigest',
    safe: false,
    weakened: 'admins no longer receive the weekly usage digest',
    strengthened: 'admins receive the weekly usage digest',
  },
  {
    path: 'powerPlatform.licensing.enableTenantCapacityReportForEnvironmentAdmins',
    safe: true,
    weakened: 'environment admins no longer see the tenant capacity report',
    strengthened: 'environment admins see the tenant capacity report',
  },
];

export function diffTenantSettings({ before, after }: FamilyPair<'tenantSettings'>): Change[] {
  const changes: Change[] = [];
  for (const setting of CHECKED_TENANT_SETTINGS) {
    const was = valueAt(before.tenantSettings, setting.path);
    const now = valueAt(after.tenantSettings, setting.path);
    if (was === null || now === null || was === now) continue;
    const weaker = now !== setting.safe;
    const name = setting.path.split('.').pop() ?? setting.path;
    changes.push({
      // `off`: the safeguard the checks want is off; `on`: it is back.
      key: `tenantSettings:${setting.path}:${weaker ? 'off' : 'on'}`,
      severity: 'warning',
      direction: weaker ? 'weaker' : 'stronger',
      label: `Tenant setting ${name} changed from ${String(was)} to ${String(now)}: ${weaker ? setting.weakened : setting.strengthened}.`,
      before: String(was),
      after: String(now),
    });
  }
  return changes;
}

/** The boolean at a dotted path, or null when absent or not a boolean. */
function valueAt(settings: TenantSettingsEvidence, path: string): boolean | null {
  let node: unknown = settings;
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return null;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'boolean' ? node : null;
}
