/**
 * Raw BAP environment → normalized {@link Environment}. Pure, so it is tested with
 * literal payloads and every quirk has a test.
 */
import type { Environment, SharingLimit } from '../evidence/schemas.js';
import type { RawEnterprisePolicySlot, RawEnvironment } from './environments.raw.js';
import { wireBoolean, wireNumber, wireString } from './wire-values.js';

/** `governanceConfiguration.protectionLevel` of a managed environment (terraform `PROTECTION_LEVEL_STANDARD`, reference 1a). */
export const MANAGED_PROTECTION_LEVEL = 'Standard';

/**
 * `extendedSettings` keys per resource kind. Agents and solution cloud flows use hyphenated
 * prefixes (reference section 5: `bot-…`, `solutionCloudFlows-…`).
 */
export const EXTENDED_SETTING_KEYS = {
  canvasApps: { mode: 'limitSharingMode', maxUsers: 'maxLimitUserSharing', groupSharingDisabled: 'isGroupSharingDisabled' },
  solutionCloudFlows: { mode: 'solutionCloudFlows-limitSharingMode', maxUsers: 'solutionCloudFlows-maxLimitUserSharing' },
  agents: { mode: 'bot-limitSharingMode', maxUsers: 'bot-maxLimitUserSharing', authoringSharingDisabled: 'bot-authoringSharingDisabled' },
  solutionCheckerMode: 'solutionCheckerMode',
  excludedFromAnalysis: 'excludeEnvironmentFromAnalysis',
  /** Maker welcome content (reference section 5; terraform managed environment DTO). */
  makerOnboarding: ['makerOnboardingUrl', 'makerOnboardingMarkdown'],
} as const;

/**
 * `linkStatus` values that mean "not in force". The full enum is UNCONFIRMED (reference 8c
 * names only the field), so a present link counts unless its status says otherwise.
 */
const NOT_LINKED_STATUSES = new Set(['unlinked', 'notlinked', 'unlinking', 'failed']);

type ExtendedSettings = Record<string, unknown>;

function sharingLimit(settings: ExtendedSettings, keys: { mode: string; maxUsers: string }): SharingLimit {
  return { mode: wireString(settings[keys.mode]), maxUsers: wireNumber(settings[keys.maxUsers]) };
}

/**
 * Whether makers see welcome content: set when the URL or the Markdown is; not set when the API
 * sent them empty (it sends `""` for settings never set); unknown when it sent neither key.
 */
export function makerWelcomeContent(settings: ExtendedSettings): boolean | null {
  const values = EXTENDED_SETTING_KEYS.makerOnboarding.map((key) => settings[key]);
  if (values.some((value) => wireString(value) !== null)) return true;
  return values.some((value) => typeof value === 'string') ? false : null;
}

/** True when at least one enterprise policy of the kind is linked (present and not marked unlinked). */
export function isEnterprisePolicyLinked(slot: RawEnterprisePolicySlot): boolean {
  if (slot === null || slot === undefined) return false;
  const links = Array.isArray(slot) ? slot : [slot];
  return links.some((link) => {
    const status = link.linkStatus?.trim().toLowerCase();
    const identified = Boolean(link.policyId || link.id || status);
    return identified && !(status && NOT_LINKED_STATUSES.has(status));
  });
}

/** Maps one raw environment item to its normalized evidence. */
export function mapEnvironment(raw: RawEnvironment): Environment {
  const p = raw.properties;
  const settings: ExtendedSettings = p.governanceConfiguration?.settings?.extendedSettings ?? {};
  const protectionLevel = wireString(p.governanceConfiguration?.protectionLevel);
  const keys = EXTENDED_SETTING_KEYS;
  return {
    id: raw.name,
    displayName: p.displayName ?? raw.name,
    type: p.environmentSku ?? 'Unknown',
    isDefault: p.isDefault === true,
    region: wireString(p.azureRegion) ?? wireString(raw.location),
    createdTime: wireString(p.createdTime),
    hasDataverse: wireString(p.linkedEnvironmentMetadata?.instanceUrl) !== null,
    capacity:
      p.capacity?.map((c) => ({
        type: c.capacityType ?? 'Unknown',
        actual: c.actualConsumption ?? null,
        rated: c.ratedConsumption ?? null,
        unit: c.capacityUnit ?? null,
        updatedOn: wireString(c.updatedOn),
      })) ?? null,
    dataverseUrl: (wireString(p.linkedEnvironmentMetadata?.instanceApiUrl) ?? wireString(p.linkedEnvironmentMetadata?.instanceUrl))?.replace(/\/+$/, '') ?? null,
    securityGroupId: wireString(p.linkedEnvironmentMetadata?.securityGroupId),
    environmentGroupId: wireString(p.parentEnvironmentGroup?.id),
    protectionLevel,
    managed: protectionLevel === MANAGED_PROTECTION_LEVEL,
    sharing: {
      canvasApps: { ...sharingLimit(settings, keys.canvasApps), groupSharingDisabled: wireBoolean(settings[keys.canvasApps.groupSharingDisabled]) },
      solutionCloudFlows: sharingLimit(settings, keys.solutionCloudFlows),
      agents: { ...sharingLimit(settings, keys.agents), authoringSharingDisabled: wireBoolean(settings[keys.agents.authoringSharingDisabled]) },
    },
    solutionCheckerMode: wireString(settings[keys.solutionCheckerMode]),
    excludedFromAnalysis: wireBoolean(settings[keys.excludedFromAnalysis]),
    makerWelcomeContent: makerWelcomeContent(settings),
    enterprisePolicies: {
      vnet: isEnterprisePolicyLinked(p.enterprisePolicies?.vnets),
      customerManagedKey: isEnterprisePolicyLinked(p.enterprisePolicies?.customerManagedKeys),
    },
  };
}
