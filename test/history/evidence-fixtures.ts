/**
 * A small tenant's evidence for the history tests: every family the differs read, `ok`, and a
 * way to derive the "after" snapshot by patching a copy, or to fail a family in either scan.
 */
import { ROLE_TEMPLATES } from '../../src/evidence/graph.schemas.js';
import type { EvidenceDataByKey, EvidenceKey } from '../../src/evidence/schemas.js';
import type { EvidenceItem, EvidenceSnapshot } from '../../src/evidence/snapshot.js';
import { caPolicy, env, policy, user } from '../facts/fixtures.js';

export const TENANT = 'tenant-1';
export const TWITTER = '/providers/Microsoft.PowerApps/apis/shared_twitter';
export const OUTLOOK = '/providers/Microsoft.PowerApps/apis/shared_office365';
export const PARTNER = 'partner-tenant';
export const ALEX = user('Alex Wilber');
export const BREAK_GLASS = user('Break-glass admin', { userPrincipalName: null });

export type EvidenceData = { [K in EvidenceKey]?: EvidenceDataByKey[K] };

/** The tenant before anything changed. */
export function baseData(): EvidenceData {
  return {
    environments: {
      environments: [
        env(`Default-${TENANT}`, { displayName: 'Contoso (default)', type: 'Default', isDefault: true, hasDataverse: false }),
        env('env-fin', { displayName: 'Finance Prod', type: 'Production', managed: true, protectionLevel: 'Standard', securityGroupId: 'sg-finance' }),
        env('env-hr', { displayName: 'HR Sandbox', type: 'Sandbox' }),
      ],
    },
    dlpPolicies: {
      policies: [
        policy('p-contoso', 'ExceptEnvironments', [], {
          displayName: 'Contoso default',
          defaultConnectorsClassification: 'General',
          connectorGroups: { business: [OUTLOOK], nonBusiness: [], blocked: [TWITTER] },
        }),
        policy('p-default', 'OnlyEnvironments', [`Default-${TENANT}`], { displayName: 'Default environment only' }),
      ],
    },
    tenantIsolation: { configured: true, enabled: true, allowedTenants: [{ tenantId: PARTNER, inbound: true, outbound: true }] },
    tenantSettings: {
      disableEnvironmentCreationByNonAdminUsers: true,
      powerPlatform: { powerApps: { disableShareWithEveryone: true }, governance: { disableAdminDigest: false } },
    },
    conditionalAccess: {
      policies: [
        caPolicy('ca-admins', {
          displayName: 'Require MFA for administrators',
          users: { includeRoles: [ROLE_TEMPLATES.powerPlatformAdministrator, ROLE_TEMPLATES.globalAdministrator] },
          applications: { include: ['All'] },
          grant: { operator: 'OR', builtInControls: ['mfa'] },
        }),
        caPolicy('ca-guests', { displayName: 'Guests need MFA', users: { include: ['GuestsOrExternalUsers'] }, applications: { include: ['All'] }, grant: { builtInControls: ['mfa'] } }),
      ],
    },
    roleAssignments: {
      roles: [
        { roleTemplateId: ROLE_TEMPLATES.powerPlatformAdministrator, displayName: 'Power Platform Administrator', assignments: [{ principal: ALEX, directoryScopeId: '/' }] },
        { roleTemplateId: ROLE_TEMPLATES.globalAdministrator, displayName: 'Global Administrator', assignments: [{ principal: BREAK_GLASS, directoryScopeId: '/' }] },
      ],
    },
    pimSchedules: { roles: [] },
  };
}

/** A snapshot of `data`, every family `ok` except the `failed` ones (collected with an error). */
export function snapshotOf(data: EvidenceData, failed: readonly EvidenceKey[] = []): EvidenceSnapshot {
  const evidence: Record<string, EvidenceItem> = {};
  for (const [key, value] of Object.entries(data) as [EvidenceKey, unknown][]) {
    evidence[key] = failed.includes(key)
      ? { key, status: 'error', reason: 'The API answered 503 after every retry.', errorCode: 'PPMAT_E_HTTP_STATUS', collectedAt: '2026-11-27T02:00:00Z' }
      : ({ key, status: 'ok', data: value, collectedAt: '2026-11-27T02:00:00Z' } as EvidenceItem);
  }
  return { tenantId: TENANT, collectedAt: '2026-11-27T02:00:00Z', evidence };
}

/** The base tenant with `patch` applied to a deep copy. */
export function patched(patch: (data: Required<EvidenceData>) => void): EvidenceData {
  const data = structuredClone(baseData()) as Required<EvidenceData>;
  patch(data);
  return data;
}
