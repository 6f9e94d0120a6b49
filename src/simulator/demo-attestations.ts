/**
 * What the demo tenant's Centre of Excellence has attested, per simulator profile.
 *
 * The demo has no Dataverse data, so statements that only a person can evidence would stay
 * unknown and every area would sit at the floor. The attestations below cover exactly those
 * statements of Security and Governance: the attested and hybrid ones. Statements decided by
 * a check (automated ones, including the Microsoft Graph ones: Conditional Access for admins,
 * the Power Platform Administrator role holders, and environment groups with rule sets) are never attested here, so the demo's
 * levels still move with the simulated configuration:
 * - initial: nothing attested, nothing configured (no Conditional Access policy, nobody holds
 *   the Power Platform Administrator role): Security 100, Governance 100.
 * - defined: attests levels 200-300; DLP does not cover every environment, so
 *   Security and Governance stop at 200 (their 300 statements with a necessary DLP signal fail).
 * - capable: attests levels 200-400; with everything configured (Conditional Access and PIM
 *   for the role, which the hybrid security.400.advanced-entra-access needs besides the
 *   attestation) both areas reach 400, up to 500 if the unanswered 500 statements are met.
 */
import type { Attestation } from '../scoring/types.js';

export type DemoProfile = 'initial' | 'defined' | 'capable';

export const DEMO_ATTESTER = 'demo-coe@contoso.example';

/** Statement ids a person attests in the demo, by level (checks decide the others). */
export const DEMO_ATTESTED_STATEMENTS: Record<200 | 300 | 400, readonly string[]> = {
  200: [
    'security.200.workload-compliance-awareness',
    'security.200.security-strategy-collaboration',
    'governance.200.tenant-analytics',
  ],
  300: [
    'security.300.dlp-all-environments',
    'security.300.security-page-reviewed',
    'security.300.secure-coding-practices',
    'security.300.compliance-audits',
    'governance.300.environment-dlp-request-strategy',
    'governance.300.app-usage-monitored',
    'governance.300.license-capacity-monitoring',
    'governance.300.tiered-environments',
    'governance.300.governance-framework-shared',
    'governance.300.power-advisor-reviewed',
  ],
  400: [
    'security.400.advanced-entra-access',
    'security.400.environment-strategy-rbac',
    'security.400.dataverse-fine-grained-access',
    'security.400.advanced-dlp-network',
    'security.400.siem-monitoring',
    'governance.400.overshared-unused-resources',
    'governance.400.reactive-governance',
    'governance.400.business-critical-telemetry',
    'governance.400.tenant-hygiene',
    'governance.400.maker-responsibilities-communicated',
    'governance.400.advisor-automation',
  ],
};

const LEVELS_BY_PROFILE: Record<DemoProfile, readonly (200 | 300 | 400)[]> = {
  initial: [],
  defined: [200, 300],
  capable: [200, 300, 400],
};

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/**
 * The demo CoE's attestations for a profile, made at `now` and valid for a year.
 * Pure: the caller passes the clock, so demo scans are reproducible.
 */
export function demoAttestations(profile: DemoProfile, now: Date): Attestation[] {
  const at = now.toISOString();
  const expires = new Date(now.getTime() + YEAR_MS).toISOString();
  return LEVELS_BY_PROFILE[profile].flatMap((level) =>
    DEMO_ATTESTED_STATEMENTS[level].map((capabilityId) => ({
      capabilityId,
      by: DEMO_ATTESTER,
      at,
      reason: `Demo tenant (${profile} profile): the CoE reviewed this in its quarterly governance review and confirms it is in place.`,
      expires,
    })),
  );
}
