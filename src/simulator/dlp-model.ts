/**
 * The demo tenant's DLP policies per profile. `defined` leaves one sandbox uncovered on
 * purpose (an OnlyEnvironments policy for the default environment plus an
 * ExceptEnvironments policy that excludes one sandbox), so "DLP covers every environment"
 * fails there; `capable` adds an AllEnvironments policy with action and endpoint rules.
 */
import { rngAt, type Rng } from './prng.js';
import type { ProfilePosture } from './profiles.js';
import type { SimEnvironment } from './tenant-model.js';

export type DlpEnvironmentType = 'AllEnvironments' | 'ExceptEnvironments' | 'OnlyEnvironments';

export interface SimConnector {
  id: string;
  name: string;
}

export interface SimDlpPolicy {
  name: string;
  displayName: string;
  environmentType: DlpEnvironmentType;
  /** The environments listed by the policy (included or excluded, per the type). */
  environments: SimEnvironment[];
  defaultConnectorsClassification: 'General' | 'Confidential' | 'Blocked';
  groups: { Confidential: SimConnector[]; General: SimConnector[]; Blocked: SimConnector[] };
  actionRules: { connectorId: string; actionId: string; behavior: 'Allow' | 'Block' }[];
  endpointRules: { connectorId: string; endpoint: string; behavior: 'Allow' | 'Deny' }[];
  customPatterns: { order: number; classification: string; pattern: string }[];
  createdTime: string;
  lastModifiedTime: string;
}

function connector(apiName: string, name: string): SimConnector {
  return { id: `/providers/Microsoft.PowerApps/apis/${apiName}`, name };
}

const M365_CORE = [
  connector('shared_office365', 'Office 365 Outlook'),
  connector('shared_sharepointonline', 'SharePoint'),
  connector('shared_teams', 'Microsoft Teams'),
  connector('shared_onedriveforbusiness', 'OneDrive for Business'),
  connector('shared_commondataserviceforapps', 'Microsoft Dataverse'),
  connector('shared_approvals', 'Approvals'),
];
const DATA_SOURCES = [connector('shared_sql', 'SQL Server'), connector('shared_azureblob', 'Azure Blob Storage')];
const CONSUMER = [connector('shared_twitter', 'X (Twitter)'), connector('shared_dropbox', 'Dropbox'), connector('shared_gmail', 'Gmail')];
const HARMLESS = [connector('shared_msnweather', 'MSN Weather'), connector('shared_rss', 'RSS')];
/** The catch-all custom connector rule the admin center writes by default (reference 3b fixture). */
const IGNORE_ALL = { order: 1, classification: 'Ignore', pattern: '*' };

/** How many policies in all (null: the profile's own), and the seed of the extra ones. */
export interface DlpSizeOptions {
  total: number | null;
  seed: number;
}

/** Environments listed by each extra team policy (at most). */
const TEAM_POLICY_ENVIRONMENTS = 10;
const TEAM_POLICY_EPOCH_MS = Date.UTC(2024, 1, 5, 9, 0, 0);

/**
 * Builds the profile's DLP policies over the given environments. With a `total`, the profile's
 * policies come first (cut to `total` when fewer are asked for); extra ones are team policies
 * (OnlyEnvironments over a few non-default environments), drawn from a generator of their own.
 * They never list the sandbox the profile leaves uncovered, so the coverage story holds.
 */
export function buildDlpPolicies(rng: Rng, posture: ProfilePosture, environments: SimEnvironment[], timestamp: () => string, size: DlpSizeOptions = { total: null, seed: 0 }): SimDlpPolicy[] {
  const base = profilePolicies(rng, posture, environments, timestamp);
  if (size.total === null) return base;
  if (size.total <= base.length) return base.slice(0, size.total);
  const extra = rngAt(size.seed, 0xd1b);
  const uncovered = posture.dlp === 'none' ? null : environments.find((env) => env.sku === 'Sandbox');
  const candidates = environments.filter((env) => !env.isDefault && env !== uncovered);
  const policies = [...base];
  for (let k = 0; policies.length < size.total; k += 1) {
    const start = (k * TEAM_POLICY_ENVIRONMENTS) % Math.max(1, candidates.length);
    const listed = candidates.slice(start, start + TEAM_POLICY_ENVIRONMENTS);
    const createdTime = new Date(TEAM_POLICY_EPOCH_MS + extra.int(0, 400) * 86_400_000).toISOString();
    policies.push({
      name: extra.guid(),
      displayName: `Team policy ${k + 1}${listed[0] ? ` (${listed[0].displayName})` : ''}`,
      environmentType: 'OnlyEnvironments',
      environments: listed,
      defaultConnectorsClassification: 'General',
      groups: { Confidential: [...M365_CORE, ...DATA_SOURCES], General: HARMLESS, Blocked: CONSUMER },
      actionRules: [],
      endpointRules: [],
      customPatterns: [IGNORE_ALL],
      createdTime,
      lastModifiedTime: createdTime,
    });
  }
  return policies;
}

function profilePolicies(rng: Rng, posture: ProfilePosture, environments: SimEnvironment[], timestamp: () => string): SimDlpPolicy[] {
  if (posture.dlp === 'none') return [];
  const defaultEnv = environments.find((env) => env.isDefault);
  const excludedSandbox = environments.find((env) => env.sku === 'Sandbox');
  const policy = (fields: Omit<SimDlpPolicy, 'name' | 'createdTime' | 'lastModifiedTime' | 'actionRules' | 'endpointRules'> & Partial<SimDlpPolicy>): SimDlpPolicy => {
    const createdTime = timestamp();
    return { name: rng.guid(), createdTime, lastModifiedTime: createdTime, actionRules: [], endpointRules: [], ...fields };
  };
  const policies: SimDlpPolicy[] = [
    policy({
      displayName: 'Default environment - Microsoft 365 only',
      environmentType: 'OnlyEnvironments',
      environments: defaultEnv ? [defaultEnv] : [],
      defaultConnectorsClassification: 'Blocked',
      groups: { Confidential: M365_CORE, General: [], Blocked: CONSUMER },
      customPatterns: [IGNORE_ALL],
    }),
    policy({
      displayName: excludedSandbox ? `Tenant baseline (except ${excludedSandbox.displayName})` : 'Tenant baseline',
      environmentType: 'ExceptEnvironments',
      environments: excludedSandbox ? [excludedSandbox] : [],
      defaultConnectorsClassification: 'General',
      groups: { Confidential: [...M365_CORE, ...DATA_SOURCES], General: HARMLESS, Blocked: CONSUMER },
      customPatterns: [IGNORE_ALL],
    }),
  ];
  if (posture.dlp === 'capable') {
    policies.push(
      policy({
        displayName: 'Organization-wide guardrails',
        environmentType: 'AllEnvironments',
        environments: [],
        defaultConnectorsClassification: 'Blocked',
        groups: { Confidential: [...M365_CORE, ...DATA_SOURCES], General: HARMLESS, Blocked: CONSUMER },
        actionRules: [
          { connectorId: DATA_SOURCES[1]?.id ?? '', actionId: 'DeleteFile', behavior: 'Block' },
          { connectorId: DATA_SOURCES[0]?.id ?? '', actionId: 'ExecutePassThroughNativeQuery_V2', behavior: 'Block' },
        ],
        endpointRules: [
          { connectorId: DATA_SOURCES[0]?.id ?? '', endpoint: 'contoso-sql.database.windows.net', behavior: 'Allow' },
          { connectorId: DATA_SOURCES[0]?.id ?? '', endpoint: '*', behavior: 'Deny' },
        ],
        customPatterns: [
          { order: 1, classification: 'Confidential', pattern: 'https://*.contoso.com' },
          { order: 2, classification: 'Blocked', pattern: '*' },
        ],
      }),
    );
  }
  return policies;
}
