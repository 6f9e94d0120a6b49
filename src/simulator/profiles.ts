/**
 * Demo tenant postures. Each profile is a bundle of governance knobs chosen so the
 * maturity levels come out clearly different: `initial` (nothing governed), `defined`
 * (the basics, with one deliberate DLP gap), `capable` (everything of defined, complete).
 */

export const SIMULATOR_PROFILES = ['initial', 'defined', 'capable'] as const;
export type SimulatorProfile = (typeof SIMULATOR_PROFILES)[number];

export type EnvironmentSku = 'Production' | 'Sandbox' | 'Trial' | 'Developer';

export interface ProfilePosture {
  /** SKUs of the first non-default environments, so each profile has the environments its story needs. */
  leadingSkus: EnvironmentSku[];
  /** Relative weights of the SKUs of the remaining environments. */
  skuWeights: Record<EnvironmentSku, number>;
  /** Tenant settings: only admins may create production/sandbox, trial and developer environments. */
  restrictEnvironmentCreation: boolean;
  disableShareWithEveryone: boolean;
  /** Also restrict Power Pages creation and connection sharing with everyone. */
  extraTenantHardening: boolean;
  /** Which environments are managed (`protectionLevel: "Standard"`). */
  managed: 'none' | 'productionOnly' | 'productionAndSandbox';
  solutionCheckerMode: 'none' | 'warn' | 'block';
  /** Share of Dataverse environments that are restricted to a security group. */
  securityGroupShare: number;
  /** none: no group; few: one production group without rules; most: a group per tier (production, sandbox, developer), each with rule sets. */
  environmentGroups: 'none' | 'few' | 'most';
  /** Resources per Power Advisor recommendation (Advisor refuses a tenant without managed environments anyway). */
  advisorBacklog: 'high' | 'low';
  dlp: 'none' | 'defined' | 'capable';
  /** Allowed tenants of tenant isolation; null = never configured (the API answers 404). */
  isolationAllowedTenants: number | null;
  vnetOnProduction: boolean;
  cmkOnFirstProduction: boolean;
  /** What the environments hold (apps, flows, agents, sites) and their Dataverse settings. */
  inventory: InventoryPosture;
}

/**
 * The inventory knobs of a profile. Shares are of the items of their kind (0..1); "stale"
 * means last modified more than 180 days before the model's `asOf` instant.
 */
export interface InventoryPosture {
  /** Makers deleted from Entra ID (their apps and flows are orphaned). */
  makerDeletedShare: number;
  makerDisabledShare: number;
  /** Canvas apps shared with Everyone (a `Tenant` principal). */
  everyoneShare: number;
  /** Canvas apps shared with some users or groups besides the owner. */
  sharedShare: number;
  /** Of the shared apps, the share that are shared with groups rather than (only) users. */
  groupSharingShare: number;
  /** Canvas apps and flows not modified for more than 180 days. */
  staleShare: number;
  /** Canvas apps that are solution-aware (`almMode: Solution`). */
  solutionAwareShare: number;
  premiumShare: number;
  /** Canvas apps whose DLP evaluation status is `Blocked` (the others are `Compliant`). */
  dlpBlockedShare: number;
  /** Cloud flows by state (the rest are `Started`). */
  stoppedFlowShare: number;
  suspendedFlowShare: number;
  /** Cloud flows with a co-owner or run-only user besides the creator. */
  flowSharedShare: number;
  /** Copilot Studio agents without authentication (`authenticationmode` 1). */
  agentNoAuthShare: number;
  /** Dataverse environments with Power Pages sites, and the share of sites that are public. */
  powerPagesEnvironmentShare: number;
  publicSiteShare: number;
  /** Solutions installed in the first production environment (CoE Starter Kit, Business value toolkit). */
  coeSolutions: readonly string[];
  /** none: no pipelines host; single: one pipeline with one stage, no approval; approved: two chained stages, production gated. */
  pipelines: 'none' | 'single' | 'approved';
  /** Dataverse auditing: nowhere, in production environments, or everywhere. */
  audit: 'off' | 'production' | 'everywhere';
  /** Dataverse IP firewall and cookie binding in production environments. */
  ipFirewallOnProduction: boolean;
  /** Content Security Policy (model-driven and canvas) everywhere. */
  csp: boolean;
  /** Share of the tenant's Dataverse capacity in use. */
  capacityUse: number;
}

export const COE_CORE = 'CenterofExcellenceCoreComponents';
export const COE_NURTURE = 'CenterofExcellenceNurtureComponents';
export const BUSINESS_VALUE_TOOLKIT = 'business_value_core';
export const COE_GOVERNANCE = 'CenterofExcellenceAuditComponents';
export const COE_INNOVATION_BACKLOG = 'CenterofExcellenceInnovationBacklog';
export const ALM_ACCELERATOR = 'CenterofExcellenceALMAccelerator';

export const PROFILE_POSTURES: Readonly<Record<SimulatorProfile, ProfilePosture>> = {
  initial: {
    leadingSkus: ['Trial', 'Developer', 'Developer', 'Trial'],
    skuWeights: { Production: 1, Sandbox: 1, Trial: 4, Developer: 4 },
    restrictEnvironmentCreation: false,
    disableShareWithEveryone: false,
    extraTenantHardening: false,
    managed: 'none',
    solutionCheckerMode: 'none',
    securityGroupShare: 0,
    environmentGroups: 'none',
    advisorBacklog: 'high',
    dlp: 'none',
    isolationAllowedTenants: null,
    vnetOnProduction: false,
    cmkOnFirstProduction: false,
    inventory: {
      makerDeletedShare: 0.15,
      makerDisabledShare: 0.05,
      everyoneShare: 0.2,
      sharedShare: 0.45,
      groupSharingShare: 0.1,
      staleShare: 0.45,
      solutionAwareShare: 0.05,
      premiumShare: 0.35,
      dlpBlockedShare: 0,
      stoppedFlowShare: 0.2,
      suspendedFlowShare: 0.08,
      flowSharedShare: 0.1,
      agentNoAuthShare: 0.5,
      powerPagesEnvironmentShare: 0.4,
      publicSiteShare: 0.8,
      coeSolutions: [],
      pipelines: 'none',
      audit: 'off',
      ipFirewallOnProduction: false,
      csp: false,
      capacityUse: 0.97,
    },
  },
  defined: {
    leadingSkus: ['Production', 'Sandbox', 'Production', 'Sandbox'],
    skuWeights: { Production: 3, Sandbox: 3, Trial: 1, Developer: 2 },
    restrictEnvironmentCreation: true,
    disableShareWithEveryone: true,
    extraTenantHardening: false,
    managed: 'productionOnly',
    solutionCheckerMode: 'warn',
    securityGroupShare: 0.5,
    environmentGroups: 'few',
    advisorBacklog: 'high',
    dlp: 'defined',
    isolationAllowedTenants: 2,
    vnetOnProduction: false,
    cmkOnFirstProduction: false,
    inventory: {
      makerDeletedShare: 0.08,
      makerDisabledShare: 0.03,
      everyoneShare: 0.03,
      sharedShare: 0.5,
      groupSharingShare: 0.4,
      staleShare: 0.25,
      solutionAwareShare: 0.4,
      premiumShare: 0.3,
      dlpBlockedShare: 0.03,
      stoppedFlowShare: 0.12,
      suspendedFlowShare: 0.03,
      flowSharedShare: 0.3,
      agentNoAuthShare: 0.2,
      powerPagesEnvironmentShare: 0.25,
      publicSiteShare: 0.4,
      coeSolutions: [COE_CORE],
      pipelines: 'single',
      audit: 'production',
      ipFirewallOnProduction: false,
      csp: false,
      capacityUse: 0.8,
    },
  },
  capable: {
    leadingSkus: ['Production', 'Sandbox', 'Production', 'Sandbox'],
    skuWeights: { Production: 3, Sandbox: 3, Trial: 1, Developer: 2 },
    restrictEnvironmentCreation: true,
    disableShareWithEveryone: true,
    extraTenantHardening: true,
    managed: 'productionAndSandbox',
    solutionCheckerMode: 'block',
    securityGroupShare: 1,
    environmentGroups: 'most',
    advisorBacklog: 'low',
    dlp: 'capable',
    isolationAllowedTenants: 2,
    vnetOnProduction: true,
    cmkOnFirstProduction: true,
    inventory: {
      makerDeletedShare: 0.02,
      makerDisabledShare: 0.01,
      everyoneShare: 0,
      sharedShare: 0.55,
      groupSharingShare: 0.75,
      staleShare: 0.08,
      solutionAwareShare: 0.85,
      premiumShare: 0.3,
      dlpBlockedShare: 0.01,
      stoppedFlowShare: 0.06,
      suspendedFlowShare: 0.01,
      flowSharedShare: 0.6,
      agentNoAuthShare: 0,
      powerPagesEnvironmentShare: 0.15,
      publicSiteShare: 0.2,
      coeSolutions: [COE_CORE, COE_NURTURE, BUSINESS_VALUE_TOOLKIT, COE_GOVERNANCE, COE_INNOVATION_BACKLOG, ALM_ACCELERATOR],
      pipelines: 'approved',
      audit: 'everywhere',
      ipFirewallOnProduction: true,
      csp: true,
      capacityUse: 0.55,
    },
  },
};
