/**
 * Cloud profiles: the base URL and token scope of every API surface, and the Entra
 * authority, per Microsoft cloud. Sovereign values disagree between public sources
 * (reference section 0), so every value can be overridden by config through
 * {@link resolveEndpoints}; the ones in doubt say so beside them.
 */
import type { ApiSurface } from '../http/types.js';

export const CLOUD_NAMES = ['public', 'gcc', 'gcchigh', 'dod', 'china'] as const;
export type CloudName = (typeof CLOUD_NAMES)[number];

export interface CloudProfile {
  name: CloudName;
  /** Entra ID authority host for @azure/identity credentials. */
  authorityHost: string;
  baseUrls: Record<ApiSurface, string>;
  scopes: Record<ApiSurface, string>;
  /** Dataverse requests go through this URL (see the HTTP client's `dataverseProxy`); none by default. */
  dataverseProxy?: string;
}

/**
 * Sources: public and Power Platform API hosts from the terraform provider constants
 * (reference S8) and the old admin module (S13); Graph national-cloud hosts from Microsoft
 * Graph's national cloud deployments documentation.
 */
export const CLOUDS: Readonly<Record<CloudName, CloudProfile>> = {
  public: {
    name: 'public',
    authorityHost: 'https://login.microsoftonline.com',
    baseUrls: {
      bap: 'https://api.bap.microsoft.com',
      powerApps: 'https://api.powerapps.com',
      flow: 'https://api.flow.microsoft.com',
      powerPlatform: 'https://api.powerplatform.com',
      graph: 'https://graph.microsoft.com',
    },
    scopes: {
      bap: 'https://service.powerapps.com/.default',
      powerApps: 'https://service.powerapps.com/.default',
      flow: 'https://service.flow.microsoft.com/.default',
      powerPlatform: 'https://api.powerplatform.com/.default',
      graph: 'https://graph.microsoft.com/.default',
    },
  },
  gcc: {
    name: 'gcc',
    // GCC tenants sign in through the commercial authority (S8 USGOV_OAUTH_AUTHORITY_URL).
    authorityHost: 'https://login.microsoftonline.com',
    baseUrls: {
      bap: 'https://gov.api.bap.microsoft.us',
      powerApps: 'https://gov.api.powerapps.us',
      // UNCONFIRMED: Flow host from the old admin module (S13) only.
      flow: 'https://gov.api.flow.microsoft.us',
      powerPlatform: 'https://api.gov.powerplatform.microsoft.us',
      graph: 'https://graph.microsoft.com',
    },
    scopes: {
      // DISPUTED: S13 and ScubaGear (S6) use gov.service.powerapps.us; terraform (S8) uses service.powerapps.us.
      bap: 'https://gov.service.powerapps.us/.default',
      powerApps: 'https://gov.service.powerapps.us/.default',
      // UNCONFIRMED: derived from S13's audience pattern.
      flow: 'https://gov.service.flow.microsoft.us/.default',
      powerPlatform: 'https://api.gov.powerplatform.microsoft.us/.default',
      graph: 'https://graph.microsoft.com/.default',
    },
  },
  gcchigh: {
    name: 'gcchigh',
    authorityHost: 'https://login.microsoftonline.us',
    baseUrls: {
      bap: 'https://high.api.bap.microsoft.us',
      powerApps: 'https://high.api.powerapps.us',
      // UNCONFIRMED: Flow host from the old admin module (S13) only.
      flow: 'https://high.api.flow.microsoft.us',
      // DISPUTED: the terraform table comment says api.high.powerplatform.microsoft.us; its constant (and the reference) say api.appsplatform.us.
      powerPlatform: 'https://api.appsplatform.us',
      graph: 'https://graph.microsoft.us',
    },
    scopes: {
      // DISPUTED: S13 and S6 use high.service.powerapps.us; terraform (S8) uses high.service.apps.appsplatform.us.
      bap: 'https://high.service.powerapps.us/.default',
      powerApps: 'https://high.service.powerapps.us/.default',
      // UNCONFIRMED: derived from S13's audience pattern.
      flow: 'https://high.service.flow.microsoft.us/.default',
      powerPlatform: 'https://api.appsplatform.us/.default',
      graph: 'https://graph.microsoft.us/.default',
    },
  },
  dod: {
    name: 'dod',
    authorityHost: 'https://login.microsoftonline.us',
    baseUrls: {
      // DISPUTED: S8 and S13 use api.bap.appsplatform.us; ScubaGear (S6) uses api.appsplatform.us.
      bap: 'https://api.bap.appsplatform.us',
      powerApps: 'https://api.apps.appsplatform.us',
      // UNCONFIRMED: Flow host from the old admin module (S13) only.
      flow: 'https://api.flow.appsplatform.us',
      powerPlatform: 'https://api.appsplatform.us',
      graph: 'https://dod-graph.microsoft.us',
    },
    scopes: {
      bap: 'https://service.apps.appsplatform.us/.default',
      powerApps: 'https://service.apps.appsplatform.us/.default',
      // UNCONFIRMED: derived from S13's audience pattern.
      flow: 'https://service.flow.appsplatform.us/.default',
      powerPlatform: 'https://api.appsplatform.us/.default',
      graph: 'https://dod-graph.microsoft.us/.default',
    },
  },
  china: {
    name: 'china',
    authorityHost: 'https://login.chinacloudapi.cn',
    baseUrls: {
      bap: 'https://api.bap.partner.microsoftonline.cn',
      powerApps: 'https://api.powerapps.cn',
      // UNCONFIRMED: no source in the reference; Power Automate in China is operated by 21Vianet.
      flow: 'https://api.powerautomate.cn',
      powerPlatform: 'https://api.powerplatform.partner.microsoftonline.cn',
      graph: 'https://microsoftgraph.chinacloudapi.cn',
    },
    scopes: {
      bap: 'https://service.powerapps.cn/.default',
      powerApps: 'https://service.powerapps.cn/.default',
      // UNCONFIRMED: no source in the reference.
      flow: 'https://service.powerautomate.cn/.default',
      powerPlatform: 'https://api.powerplatform.partner.microsoftonline.cn/.default',
      graph: 'https://microsoftgraph.chinacloudapi.cn/.default',
    },
  },
};

/** Config overrides: any base URL, scope or the authority may be replaced one by one. */
export interface EndpointOverrides {
  baseUrls?: Partial<Record<ApiSurface, string>>;
  scopes?: Partial<Record<ApiSurface, string>>;
  authorityHost?: string;
  dataverseProxy?: string;
}

/** The endpoints to use: the cloud's profile with config overrides applied (trailing slashes of base URLs removed). */
export function resolveEndpoints(cloud: CloudName, overrides: EndpointOverrides = {}): CloudProfile {
  const profile = CLOUDS[cloud];
  const baseUrls = { ...profile.baseUrls };
  for (const [surface, url] of Object.entries(overrides.baseUrls ?? {}) as [ApiSurface, string | undefined][]) {
    if (url) baseUrls[surface] = url.replace(/\/+$/, '');
  }
  const scopes = { ...profile.scopes };
  for (const [surface, scope] of Object.entries(overrides.scopes ?? {}) as [ApiSurface, string | undefined][]) {
    if (scope) scopes[surface] = scope;
  }
  return {
    name: profile.name,
    authorityHost: overrides.authorityHost ?? profile.authorityHost,
    baseUrls,
    scopes,
    ...(overrides.dataverseProxy ? { dataverseProxy: overrides.dataverseProxy.replace(/\/+$/, '') } : {}),
  };
}
