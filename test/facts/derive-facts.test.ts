import { describe, expect, it } from 'vitest';
import type { EvidenceSnapshot } from '../../src/evidence/snapshot.js';
import { ROLE_TEMPLATES } from '../../src/evidence/graph.schemas.js';
import { deriveFacts, factOptionalEvidence, factRequirements, FACT_DEFINITIONS, type AdminRolesFact } from '../../src/facts/index.js';
import { caPolicy, env, policy, user } from './fixtures.js';

const at = '2025-01-01T00:00:00Z';
const environments = { key: 'environments' as const, status: 'ok' as const, data: { environments: [env('a')] }, collectedAt: at };
const dlp = { key: 'dlpPolicies' as const, status: 'ok' as const, data: { policies: [policy('p', 'AllEnvironments')] }, collectedAt: at };
const isolation = { key: 'tenantIsolation' as const, status: 'ok' as const, data: { configured: true, enabled: true, allowedTenants: [] }, collectedAt: at };
const ca = { key: 'conditionalAccess' as const, status: 'ok' as const, data: { policies: [caPolicy('c')] }, collectedAt: at };
const PP_ADMIN = ROLE_TEMPLATES.powerPlatformAdministrator;
const roles = {
  key: 'roleAssignments' as const,
  status: 'ok' as const,
  data: { roles: [{ roleTemplateId: PP_ADMIN, displayName: 'PPA', assignments: [{ principal: user('Adele'), directoryScopeId: '/' }] }] },
  collectedAt: at,
};
const pimOk = {
  key: 'pimSchedules' as const,
  status: 'ok' as const,
  data: { roles: [{ roleTemplateId: PP_ADMIN, displayName: 'PPA', eligible: [{ principal: user('Alex'), startDateTime: null, endDateTime: null }], active: [] }] },
  collectedAt: at,
};
const pimUnavailable = { key: 'pimSchedules' as const, status: 'unavailable' as const, reason: '403: no Entra ID P2', collectedAt: at };

describe('deriveFacts', () => {
  it.each([
    ['environments and DLP ok', { environments, dlpPolicies: dlp }, ['almEnvironments', 'dlp', 'environments', 'managedSettings', 'sharing']],
    ['tenant isolation ok too', { environments, dlpPolicies: dlp, tenantIsolation: isolation }, ['almEnvironments', 'dlp', 'environments', 'managedSettings', 'securityScore', 'sharing']],
    [
      'DLP policies unavailable',
      { environments, tenantIsolation: isolation, dlpPolicies: { key: 'dlpPolicies' as const, status: 'unavailable' as const, reason: '403', collectedAt: at } },
      ['almEnvironments', 'environments', 'managedSettings', 'sharing'],
    ],
    ['environments failed', { environments: { key: 'environments' as const, status: 'error' as const, reason: 'boom', collectedAt: at }, dlpPolicies: dlp }, []],
    ['nothing collected', {}, []],
    ['Graph evidence ok', { conditionalAccess: ca, roleAssignments: roles, pimSchedules: pimOk }, ['adminAccess', 'adminRoles']],
    ['PIM unavailable (optional for adminRoles)', { roleAssignments: roles, pimSchedules: pimUnavailable }, ['adminRoles']],
    ['role assignments missing, PIM ok', { pimSchedules: pimOk }, []],
  ])('with %s derives %j', (_name, evidence, expected) => {
    const snapshot: EvidenceSnapshot = { tenantId: 't', collectedAt: at, evidence };
    expect(Object.keys(deriveFacts(snapshot)).sort()).toEqual(expected);
  });

  it('gives plain JSON', () => {
    const facts = deriveFacts({ tenantId: 't', collectedAt: at, evidence: { environments, dlpPolicies: dlp } });
    expect(JSON.parse(JSON.stringify(facts))).toEqual(facts);
  });

  it('declares the evidence of every fact', () => {
    expect(Object.fromEntries(Object.keys(FACT_DEFINITIONS).map((name) => [name, factRequirements(name as keyof typeof FACT_DEFINITIONS)]))).toEqual({
      dlp: ['environments', 'dlpPolicies'],
      sharing: ['environments'],
      environments: ['environments'],
      almEnvironments: ['environments'],
      managedSettings: ['environments'],
      securityScore: ['environments', 'tenantIsolation', 'dlpPolicies'],
      adminAccess: ['conditionalAccess'],
      adminRoles: ['roleAssignments'],
      inventory: ['inventory'],
    });
    expect(factOptionalEvidence('adminRoles')).toEqual(['pimSchedules']);
    expect(factOptionalEvidence('dlp')).toEqual([]);
  });

  it('reads optional evidence only when it is ok', () => {
    const derive = (pimSchedules: typeof pimOk | typeof pimUnavailable) =>
      deriveFacts({ tenantId: 't', collectedAt: at, evidence: { roleAssignments: roles, pimSchedules } }).adminRoles as AdminRolesFact;
    expect(derive(pimOk)).toMatchObject({ pimReadable: true, ppAdmin: { holderCount: 2, eligibleCount: 1 } });
    expect(derive(pimUnavailable)).toMatchObject({ pimReadable: false, ppAdmin: { holderCount: 1, eligibleCount: 0 } });
  });
});
