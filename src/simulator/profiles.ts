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
}

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
  },
};
