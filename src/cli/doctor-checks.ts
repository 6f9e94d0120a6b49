/**
 * `ppmat doctor` checks: can this tenant's identity get a token for every API audience,
 * does BAP accept it as an admin management application, does the Power Platform API
 * answer it, and is every Graph endpoint ppmat reads readable? Each failed check carries the exact fix, because these set-up
 * mistakes otherwise only show up as *unavailable* evidence in a nightly scan.
 */
import type { TokenCredential } from '@azure/identity';
import type { CloudProfile } from '../auth/clouds.js';
import { ENVIRONMENT_GROUPS_PATH, NO_GROUPS_STATUSES } from '../collectors/environment-groups.collector.js';
import { ADVISOR_RECOMMENDATIONS_PATH, NO_RECOMMENDATIONS_STATUSES, noManagedEnvironmentError } from '../collectors/advisor-recommendations.collector.js';
import { ENVIRONMENTS_PATH } from '../collectors/environments.collector.js';
import { mapEnvironment } from '../collectors/environments.map.js';
import { rawEnvironmentSchema } from '../collectors/environments.raw.js';
import { DIRECTORY_OBJECTS_PERMISSION, directoryObjectPath } from '../collectors/directory-objects.js';
import { DIRECTORY_ROLES, roleFilteredPath } from '../collectors/directory-roles.js';
import { LICENCE_REFUSAL_PATTERN } from '../collectors/identity-governance.collector.js';
import { CollectionError } from '../collectors/types.js';
import type { GraphClient } from '../http/graph-client.js';
import { GRAPH_PATHS, GRAPH_PERMISSIONS } from '../http/graph-permissions.js';
import type { ApiSurface, HttpClient } from '../http/types.js';

export interface DoctorCheck {
  name: string;
  ok: boolean;
  /** What was seen: a count when it worked, the error when not. */
  detail: string;
  /** What to do about a failure. */
  fix?: string;
}

export interface DoctorDeps {
  endpoints: CloudProfile;
  credential: TokenCredential;
  http: HttpClient;
  graph: GraphClient;
  /** The app registration's client id, for the fixes; null when the credential has none (static, system managed identity). */
  clientId: string | null;
  signal?: AbortSignal;
}

/** The token audiences: BAP and Power Apps share one (`service.powerapps.com`). */
export const TOKEN_AUDIENCES: readonly { label: string; surface: ApiSurface }[] = [
  { label: 'bap/powerApps', surface: 'bap' },
  { label: 'flow', surface: 'flow' },
  { label: 'powerPlatform', surface: 'powerPlatform' },
  { label: 'graph', surface: 'graph' },
];

/**
 * Graph probes: the endpoints the collectors read. The role endpoints are probed with the
 * collectors' `$filter` (Power Platform Administrator), because the directory provider
 * requires one on roleAssignments. `licence` names what a licence refusal of the endpoint
 * means, so its fix is not "grant the permission" when the permission is there.
 */
const PROBE_ROLE = DIRECTORY_ROLES[0]!.templateId;
const GOVERNANCE_LICENCE = 'a Microsoft Entra ID P2 or ID Governance licence (without it, ppmat reports this part of identity governance as unreadable)';
export const GRAPH_PROBES: readonly { label: string; path: string; permission: string; licence?: string }[] = [
  { label: 'Conditional Access policies', path: GRAPH_PATHS.conditionalAccessPolicies, permission: GRAPH_PERMISSIONS[GRAPH_PATHS.conditionalAccessPolicies] },
  { label: 'directory role assignments', path: roleFilteredPath(GRAPH_PATHS.roleAssignments, PROBE_ROLE), permission: GRAPH_PERMISSIONS[GRAPH_PATHS.roleAssignments] },
  {
    label: 'PIM eligible assignments',
    path: roleFilteredPath(GRAPH_PATHS.roleEligibilityScheduleInstances, PROBE_ROLE),
    permission: GRAPH_PERMISSIONS[GRAPH_PATHS.roleEligibilityScheduleInstances],
  },
  {
    label: 'PIM active assignments',
    path: roleFilteredPath(GRAPH_PATHS.roleAssignmentScheduleInstances, PROBE_ROLE),
    permission: GRAPH_PERMISSIONS[GRAPH_PATHS.roleAssignmentScheduleInstances],
  },
  { label: 'organization', path: `${GRAPH_PATHS.organization}?$select=id`, permission: GRAPH_PERMISSIONS[GRAPH_PATHS.organization] },
  {
    label: 'access review definitions',
    path: `${GRAPH_PATHS.accessReviewDefinitions}?$select=id`,
    permission: GRAPH_PERMISSIONS[GRAPH_PATHS.accessReviewDefinitions],
    licence: GOVERNANCE_LICENCE,
  },
  {
    label: 'entitlement management access packages',
    path: `${GRAPH_PATHS.accessPackages}?$select=id`,
    permission: GRAPH_PERMISSIONS[GRAPH_PATHS.accessPackages],
    licence: GOVERNANCE_LICENCE,
  },
];

/**
 * Owner lookups (orphan detection) read single directory objects, not a list, so they are
 * probed with the lookup of a made-up id: 404 proves the lookup is allowed (Graph checks the
 * permission first), 403 that it is not. Not the nil GUID, which directories may refuse as
 * an invalid identifier (400) instead of looking it up.
 */
export const OWNER_LOOKUP_PROBE_ID = '0d0c7012-9a7e-4b3c-8d5f-6e1f2a3b4c5d';
export const OWNER_LOOKUP_PROBE = { label: 'directory object lookups (owners)', path: directoryObjectPath(OWNER_LOOKUP_PROBE_ID), permission: DIRECTORY_OBJECTS_PERMISSION };

/** Runs every check in order; never throws for a failed check (only for cancellation). */
export async function runDoctorChecks(deps: DoctorDeps): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  for (const audience of TOKEN_AUDIENCES) checks.push(await tokenCheck(deps, audience.label, audience.surface));
  checks.push(await bapCheck(deps));
  checks.push(await powerPlatformApiCheck(deps));
  checks.push(await advisorCheck(deps));
  checks.push(await dataverseCheck(deps));
  for (const probe of GRAPH_PROBES) checks.push(await graphCheck(deps, probe));
  checks.push(await ownerLookupCheck(deps));
  return checks;
}

async function tokenCheck(deps: DoctorDeps, label: string, surface: ApiSurface): Promise<DoctorCheck> {
  const scope = deps.endpoints.scopes[surface];
  const name = `token for ${label} (${scope})`;
  try {
    const token = await deps.credential.getToken(scope, deps.signal ? { abortSignal: deps.signal } : undefined);
    if (token?.token) return { name, ok: true, detail: 'obtained' };
    return { name, ok: false, detail: 'the credential returned no token', fix: credentialFix() };
  } catch (error) {
    deps.signal?.throwIfAborted();
    return { name, ok: false, detail: error instanceof Error ? error.message : String(error), fix: credentialFix() };
  }
}

function credentialFix(): string {
  return 'check the tenant credential in the configuration (tenant id, client id, secret or certificate) and that the app registration exists in this tenant';
}

/**
 * One endpoint probe: `read` returns what was seen; a failure becomes a ✗ with the fix that
 * `fixFor` gives for its HTTP status (403 and 401 need different fixes; anything else is reach).
 */
async function probe(
  deps: DoctorDeps,
  name: string,
  read: () => Promise<string>,
  fixFor: (httpStatus: number | undefined, message: string) => string,
): Promise<DoctorCheck> {
  try {
    return { name, ok: true, detail: await read() };
  } catch (error) {
    deps.signal?.throwIfAborted();
    const failure = describe(error);
    return { name, ok: false, detail: failure.message, fix: fixFor(failure.httpStatus, failure.message) };
  }
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
const signalOf = (deps: DoctorDeps) => (deps.signal ? { signal: deps.signal } : {});
const appName = (deps: DoctorDeps) => (deps.clientId ? `app ${deps.clientId}` : 'the app registration');

function bapCheck(deps: DoctorDeps): Promise<DoctorCheck> {
  const clientId = deps.clientId ?? '<client id>';
  return probe(
    deps,
    'BAP admin environments list',
    async () => {
      const response = await deps.http.request<{ value?: unknown[] }>({ surface: 'bap', url: ENVIRONMENTS_PATH, ...signalOf(deps) });
      return `readable (${plural(Array.isArray(response.data?.value) ? response.data.value.length : 0, 'environment')} on the first page)`;
    },
    (status) =>
      status === 403
        ? `register the app as a Power Platform admin management application: PUT ${deps.endpoints.baseUrls.bap}/providers/Microsoft.BusinessAppPlatform/adminApplications/${clientId}?api-version=2020-10-01 (as a Power Platform administrator) or New-PowerAppManagementApp -ApplicationId ${clientId}`
        : status === 401
          ? 'the token was rejected: check the tenant id and the bap scope of this cloud'
          : 'check that the BAP endpoint of this cloud is reachable from here',
  );
}

/** The Power Platform API (environment groups, Advisor): the identity must be a Power Platform administrator. */
function powerPlatformApiCheck(deps: DoctorDeps): Promise<DoctorCheck> {
  return probe(
    deps,
    'Power Platform API environment groups',
    async () => {
      const response = await deps.http.request<{ value?: unknown[] }>({
        surface: 'powerPlatform',
        url: ENVIRONMENT_GROUPS_PATH,
        acceptStatus: [...NO_GROUPS_STATUSES],
        ...signalOf(deps),
      });
      return `readable (${plural(Array.isArray(response.data?.value) ? response.data.value.length : 0, 'environment group')} on the first page)`;
    },
    (status) =>
      status === 403
        ? `give ${appName(deps)} the Power Platform Administrator role (Entra admin center > Roles and administrators), or the Power Platform API permission with admin consent`
        : status === 401
          ? 'the token was rejected: check the tenant id and the powerPlatform scope of this cloud'
          : 'check that the Power Platform API endpoint of this cloud is reachable from here',
  );
}

/** Power Advisor: readable, or not yet available because no environment is managed (an answer about the tenant, not a set-up error). */
function advisorCheck(deps: DoctorDeps): Promise<DoctorCheck> {
  return probe(
    deps,
    'Power Platform API Advisor recommendations',
    async () => {
      try {
        const response = await deps.http.request<{ value?: unknown[] }>({
          surface: 'powerPlatform',
          url: ADVISOR_RECOMMENDATIONS_PATH,
          acceptStatus: [...NO_RECOMMENDATIONS_STATUSES],
          ...signalOf(deps),
        });
        return `readable (${plural(Array.isArray(response.data?.value) ? response.data.value.length : 0, 'recommendation')})`;
      } catch (error) {
        if (noManagedEnvironmentError(error)) return 'not available until at least one environment is managed (the scan reports it so, without failing)';
        throw error;
      }
    },
    (status) =>
      status === 403
        ? `give ${appName(deps)} the Power Platform Administrator role, or the Power Platform API permission with admin consent`
        : 'check that the Power Platform API endpoint of this cloud is reachable from here',
  );
}

/**
 * Dataverse: a token for the first environment's own Dataverse URL, and its `organizations`
 * row, which needs the app to be an application user of that environment. Every other
 * environment needs the same; a scan reports each one that refuses.
 */
async function dataverseCheck(deps: DoctorDeps): Promise<DoctorCheck> {
  let environment: { name: string; displayName: string; url: string } | null;
  try {
    environment = await firstDataverseEnvironment(deps);
  } catch (error) {
    deps.signal?.throwIfAborted();
    return { name: 'Dataverse', ok: false, detail: describe(error).message, fix: 'fix the BAP admin environments list first: the Dataverse URLs come from it' };
  }
  if (environment === null) return { name: 'Dataverse', ok: true, detail: 'no environment on the first page has a Dataverse database' };
  const { name, displayName, url } = environment;
  return probe(
    deps,
    `Dataverse of '${displayName}' (token for ${new URL(url).origin}/.default, application user)`,
    async () => {
      await deps.http.request({ surface: 'dataverse', url: `${url}/api/data/v9.2/organizations?$select=organizationid&$top=1`, ...signalOf(deps) });
      return 'readable';
    },
    (status, message) =>
      /PPMAT_E_AUTH_TOKEN/.test(message)
        ? `${appName(deps)} could not get a token for this Dataverse organization: check that the Dynamics CRM API (00000007-0000-0000-c000-000000000000) is not blocked for the app`
        : status === 403 || status === 401
          ? `add ${appName(deps)} as an application user with a read role in environment '${displayName}' (${name}) and every other environment ppmat should read (Power Platform admin center > Environment > Settings > Users + permissions > Application users)`
          : 'check that the Dataverse organization is reachable from here',
  );
}

async function firstDataverseEnvironment(deps: DoctorDeps): Promise<{ name: string; displayName: string; url: string } | null> {
  const response = await deps.http.request<{ value?: unknown[] }>({ surface: 'bap', url: ENVIRONMENTS_PATH, ...signalOf(deps) });
  for (const item of Array.isArray(response.data?.value) ? response.data.value : []) {
    const parsed = rawEnvironmentSchema.safeParse(item);
    if (!parsed.success) continue;
    const environment = mapEnvironment(parsed.data);
    if (environment.dataverseUrl) return { name: environment.id, displayName: environment.displayName, url: environment.dataverseUrl };
  }
  return null;
}

function graphCheck(deps: DoctorDeps, graphProbe: (typeof GRAPH_PROBES)[number]): Promise<DoctorCheck> {
  return probe(
    deps,
    `Graph ${graphProbe.label} (${graphProbe.permission})`,
    async () => `readable (${(await deps.graph.firstPage(graphProbe.path, signalOf(deps))).length} on the first page)`,
    (status, message) =>
      graphProbe.licence !== undefined && LICENCE_REFUSAL_PATTERN.test(message)
        ? `the tenant lacks ${graphProbe.licence}`
        : status === 403
          ? graphPermissionFix(deps, graphProbe.permission)
          : 'check that the Graph endpoint of this cloud is reachable from here',
  );
}

function graphPermissionFix(deps: DoctorDeps, permission: string): string {
  return `grant ${appName(deps)} the Microsoft Graph application permission ${permission}, then grant admin consent (Entra admin center > App registrations > API permissions)`;
}

function ownerLookupCheck(deps: DoctorDeps): Promise<DoctorCheck> {
  const { label, path, permission } = OWNER_LOOKUP_PROBE;
  return probe(
    deps,
    `Graph ${label} (${permission})`,
    async () => {
      try {
        await deps.graph.request('GET', path, signalOf(deps));
        return 'readable';
      } catch (error) {
        if (error instanceof CollectionError && error.details.httpStatus === 404) return 'readable (a lookup of an unknown id answered 404, as expected)';
        throw error;
      }
    },
    (status) => (status === 403 ? graphPermissionFix(deps, permission) : 'check that the Graph endpoint of this cloud is reachable from here'),
  );
}

function describe(error: unknown): { message: string; httpStatus: number | undefined } {
  if (error instanceof CollectionError) return { message: `${error.code}: ${error.message}`, httpStatus: error.details.httpStatus };
  return { message: error instanceof Error ? error.message : String(error), httpStatus: undefined };
}
