import { describe, expect, it } from 'vitest';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { CLOUDS } from '../../src/auth/clouds.js';
import { formatCheck } from '../../src/cli/doctor.command.js';
import { runDoctorChecks, type DoctorDeps } from '../../src/cli/doctor-checks.js';
import { CollectionError } from '../../src/collectors/types.js';
import type { GraphClient } from '../../src/http/graph-client.js';
import type { HttpClient, HttpStats } from '../../src/http/types.js';

const stats = (): HttpStats => ({ requests: 0, retries: 0, throttled: 0, throttledMs: 0, bytes: 0, pages: 0 });
const forbidden = (url: string) => new CollectionError('unavailable', 'PPMAT_E_HTTP_FORBIDDEN', `GET ${url} answered 403.`, { httpStatus: 403, url });

function deps(overrides: Partial<DoctorDeps> = {}): DoctorDeps {
  const credential: TokenCredential = {
    getToken: async (scope): Promise<AccessToken | null> => {
      if (String(scope).includes('flow')) throw new Error('AADSTS500011: The resource principal named https://service.flow.microsoft.com was not found');
      return { token: 'tok-7f3a9c', expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
  const http: HttpClient = {
    request: async (options) => {
      throw forbidden(options.url);
    },
    paginate: async () => [],
    stats: stats(),
  };
  const graph: GraphClient = {
    list: async () => [],
    firstPage: async <T,>(path: string): Promise<T[]> => {
      if (path.startsWith('/identity/')) throw forbidden(path);
      if (path.startsWith('/identityGovernance/entitlementManagement/')) {
        throw new CollectionError('unavailable', 'PPMAT_E_HTTP_FORBIDDEN', `GET ${path} answered 403. The API said: NoLicense: Tenant does not meet license requirement!`, { httpStatus: 403, url: path });
      }
      return [{} as T];
    },
    // The doctor looks up an id that exists nowhere: 404 means the lookup is allowed.
    request: async (_method, path) => {
      throw new CollectionError('error', 'PPMAT_E_HTTP_NOT_FOUND', `GET ${path} answered 404.`, { httpStatus: 404, url: path });
    },
    stats: stats(),
  };
  return { endpoints: CLOUDS.public, credential, http, graph, clientId: '3c2a9b1e-2222-4d5e-8f90-abcdefabcdef', ...overrides };
}

describe('runDoctorChecks', () => {
  it('checks every audience, BAP, the Power Platform API and every Graph endpoint, with the fix of each failure', async () => {
    const checks = await runDoctorChecks(deps());
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['token for bap/powerApps (https://service.powerapps.com/.default)', true],
      ['token for flow (https://service.flow.microsoft.com/.default)', false],
      ['token for powerPlatform (https://api.powerplatform.com/.default)', true],
      ['token for graph (https://graph.microsoft.com/.default)', true],
      ['BAP admin environments list', false],
      ['Power Platform API environment groups', false],
      ['Power Platform API Advisor recommendations', false],
      // The Dataverse URL comes from the BAP list, which refused too.
      ['Dataverse', false],
      ['Graph Conditional Access policies (Policy.Read.All)', false],
      ['Graph directory role assignments (RoleManagement.Read.Directory)', true],
      ['Graph PIM eligible assignments (RoleEligibilitySchedule.Read.Directory)', true],
      ['Graph PIM active assignments (RoleAssignmentSchedule.Read.Directory)', true],
      ['Graph organization (Organization.Read.All)', true],
      ['Graph access review definitions (AccessReview.Read.All)', true],
      ['Graph entitlement management access packages (EntitlementManagement.Read.All)', false],
      ['Graph directory object lookups (owners) (Directory.Read.All)', true],
    ]);
    const byName = Object.fromEntries(checks.map((c) => [c.name.split(' (')[0], c]));
    expect(byName['token for flow']?.detail).toContain('AADSTS500011');
    expect(byName['BAP admin environments list']?.fix).toBe(
      'register the app as a Power Platform admin management application: PUT https://api.bap.microsoft.com/providers/Microsoft.BusinessAppPlatform/adminApplications/3c2a9b1e-2222-4d5e-8f90-abcdefabcdef?api-version=2020-10-01 (as a Power Platform administrator) or New-PowerAppManagementApp -ApplicationId 3c2a9b1e-2222-4d5e-8f90-abcdefabcdef',
    );
    expect(byName['Power Platform API environment groups']?.fix).toMatch(/^give app 3c2a9b1e-2222-4d5e-8f90-abcdefabcdef the Power Platform Administrator role/);
    expect(byName['Graph Conditional Access policies']?.fix).toMatch(/^grant app 3c2a9b1e-2222-4d5e-8f90-abcdefabcdef the Microsoft Graph application permission Policy\.Read\.All, then grant admin consent/);
    expect(byName['Graph entitlement management access packages']?.fix).toMatch(/^the tenant lacks a Microsoft Entra ID P2 or ID Governance licence/);
    expect(byName['Dataverse']?.fix).toBe('fix the BAP admin environments list first: the Dataverse URLs come from it');
    expect(byName['Graph directory object lookups']?.detail).toBe('readable (a lookup of an unknown id answered 404, as expected)');
    expect(checks.map((c) => `${c.detail} ${c.fix ?? ''}`).join('\n')).not.toContain('tok-7f3a9c');
  });

  it('formats ✓ and ✗ lines, the fix indented under a failure', () => {
    expect(formatCheck({ name: 'a', ok: true, detail: 'fine' })).toBe('✓ a: fine\n');
    expect(formatCheck({ name: 'b', ok: false, detail: 'broken', fix: 'do this' })).toBe('✗ b: broken\n    fix: do this\n');
  });
});
