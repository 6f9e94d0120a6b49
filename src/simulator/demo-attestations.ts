/**
 * What the demo tenant's people have attested, per simulator profile.
 *
 * The demo has no real organization behind it, so statements that only a person can evidence
 * would stay unknown and every area would sit at the floor. The attestations below cover exactly
 * those statements of levels 200-400: the attested and hybrid ones. Statements decided by a
 * check (automated ones, including the Microsoft Graph ones: Conditional Access for admins, the
 * Power Platform Administrator role holders, and environment groups with rule sets) are never
 * attested here, so the demo's levels still move with the simulated configuration. Each area
 * has its own attester (the CoE for Security and Governance), who says where they looked.
 * - initial: nothing attested, nothing configured (no Conditional Access policy, nobody holds
 *   the Power Platform Administrator role): every area 100.
 * - defined: attests Security and Governance up to 300, but DLP does not cover every
 *   environment, so both stop at 200 (their 300 statements with a necessary DLP signal fail).
 *   Operations up to 300 (the profile runs a one-stage pipeline), the other areas up to 200.
 * - capable: attests up to 400, Responsible AI and Fusion teams up to 300. With everything
 *   configured (Conditional Access and PIM for the role, which the hybrid
 *   security.400.advanced-entra-access needs besides the attestation) Security and Governance
 *   reach 400, up to 500 if the unanswered 500 statements are met.
 * Hybrid statements whose check fails (a necessary signal) stay not met whatever is attested.
 */
import { AREAS, type Area, type Attestation } from '../scoring/types.js';

export type DemoProfile = 'initial' | 'defined' | 'capable';

type AttestedLevel = 200 | 300 | 400;

export const DEMO_ATTESTER = 'demo-coe@contoso.example';

/** Who attests an area in the demo, and what they checked (the attestation's reason). */
export const DEMO_ATTESTERS: Record<Area, { by: string; evidence: string }> = {
  strategy: {
    by: 'patti.fernandez@contoso.example',
    evidence: 'the Power Platform product owner confirmed this at the steering committee; the vision, roadmap and RACI are on the CoE SharePoint site.',
  },
  'business-value': {
    by: 'lynne.robbins@contoso.example',
    evidence: 'the Finance business partner confirmed this from the quarterly value report that the steering committee reviews.',
  },
  security: { by: DEMO_ATTESTER, evidence: 'the CoE reviewed this in its quarterly governance review and confirms it is in place.' },
  governance: { by: DEMO_ATTESTER, evidence: 'the CoE reviewed this in its quarterly governance review and confirms it is in place.' },
  operations: {
    by: 'grady.archie@contoso.example',
    evidence: 'the IT service manager confirmed this against the support model and the change calendar in the service desk tool.',
  },
  community: {
    by: 'lidia.holloway@contoso.example',
    evidence: 'the maker community manager confirmed this from the champions programme plan and the events calendar of the maker community.',
  },
  'responsible-ai': {
    by: 'johanna.lorenz@contoso.example',
    evidence: 'the responsible AI lead confirmed this against the AI policy register and the minutes of the AI review board.',
  },
  automation: {
    by: 'nestor.wilke@contoso.example',
    evidence: 'the platform engineering lead confirmed this from the admin runbooks and the flows running in the CoE environment.',
  },
  'fusion-teams': {
    by: 'diego.siciliani@contoso.example',
    evidence: 'the pro-developer lead confirmed this from the fusion team charters and their sprint plans.',
  },
};

/** Statement ids a person attests in the demo, by area and level (checks decide the others). */
export const DEMO_ATTESTED_STATEMENTS: Record<Area, Record<AttestedLevel, readonly string[]>> = {
  strategy: {
    200: [
      'strategy.200.vision-metrics-goals',
      'strategy.200.common-vision-it-business',
      'strategy.200.demand-management',
    ],
    300: [
      'strategy.300.executive-sponsor',
      'strategy.300.product-owner',
      'strategy.300.bottom-up-top-down-innovation',
      'strategy.300.it-portfolio-role',
      'strategy.300.roles-responsibilities',
    ],
    400: [
      'strategy.400.coe-team-established',
      'strategy.400.delivery-efficiency',
      'strategy.400.business-plans-shared',
    ],
  },
  'business-value': {
    200: ['business-value.200.no-formal-assessment', 'business-value.200.business-cases-understood'],
    300: [
      'business-value.300.kpis-reviewed',
      'business-value.300.highest-value-ideas',
      'business-value.300.pain-points-quantified',
    ],
    400: [
      'business-value.400.precise-measures',
      'business-value.400.business-value-toolkit',
      'business-value.400.value-reports-shared',
    ],
  },
  security: {
    200: ['security.200.workload-compliance-awareness', 'security.200.security-strategy-collaboration'],
    300: [
      'security.300.dlp-all-environments',
      'security.300.security-page-reviewed',
      'security.300.secure-coding-practices',
      'security.300.compliance-audits',
    ],
    400: [
      'security.400.advanced-entra-access',
      'security.400.environment-strategy-rbac',
      'security.400.dataverse-fine-grained-access',
      'security.400.advanced-dlp-network',
      'security.400.siem-monitoring',
    ],
  },
  governance: {
    200: ['governance.200.tenant-analytics'],
    300: [
      'governance.300.environment-dlp-request-strategy',
      'governance.300.app-usage-monitored',
      'governance.300.license-capacity-monitoring',
      'governance.300.tiered-environments',
      'governance.300.governance-framework-shared',
      'governance.300.power-advisor-reviewed',
    ],
    400: [
      'governance.400.overshared-unused-resources',
      'governance.400.reactive-governance',
      'governance.400.business-critical-telemetry',
      'governance.400.tenant-hygiene',
      'governance.400.maker-responsibilities-communicated',
      'governance.400.advisor-automation',
    ],
  },
  operations: {
    200: [
      'operations.200.community-support',
      'operations.200.lifecycle-governance',
      'operations.200.manual-deployments',
    ],
    300: [
      'operations.300.custom-environments',
      'operations.300.pipelines-automate-deployment',
      'operations.300.helpdesk-support',
      'operations.300.risk-based-support',
    ],
    400: [
      'operations.400.dedicated-support-team',
      'operations.400.continuous-improvement',
      'operations.400.roles-responsibilities',
      'operations.400.deployment-stages-approvals',
    ],
  },
  community: {
    200: [
      'community.200.maker-onboarding',
      'community.200.hackathon-participation',
      'community.200.maker-ambassadors',
    ],
    300: [
      'community.300.pain-point-insights',
      'community.300.training-strategy',
      'community.300.champions-community',
      'community.300.nurture-adopted',
    ],
    400: [
      'community.400.champion-events',
      'community.400.regular-hackathons',
      'community.400.maker-assessments',
      'community.400.success-stories',
      'community.400.show-and-tell',
      'community.400.adoption-campaign',
    ],
  },
  'responsible-ai': {
    200: [
      'responsible-ai.200.leadership-recognizes-value',
      'responsible-ai.200.foundational-policies',
      'responsible-ai.200.some-training-resources',
      'responsible-ai.200.late-reviews',
      'responsible-ai.200.ad-hoc-risks',
      'responsible-ai.200.data-sources-documented',
    ],
    300: [
      'responsible-ai.300.leadership-allocates-resources',
      'responsible-ai.300.comprehensive-policy',
      'responsible-ai.300.training-developed',
      'responsible-ai.300.reviews-at-key-stages',
      'responsible-ai.300.impact-assessments',
      'responsible-ai.300.data-governance-formalized',
    ],
    400: [
      'responsible-ai.400.leadership-integrated',
      'responsible-ai.400.automated-governance',
      'responsible-ai.400.mandatory-training',
      'responsible-ai.400.regular-risk-reviews',
      'responsible-ai.400.risk-framework',
      'responsible-ai.400.automated-data-frameworks',
    ],
  },
  automation: {
    200: ['automation.200.standardized-manual-processes'],
    300: [
      'automation.300.request-automation',
      'automation.300.apps-deployed-with-solutions',
      'automation.300.maker-communication-automated',
    ],
    400: [
      'automation.400.central-alm',
      'automation.400.resource-cleanup-automated',
      'automation.400.compliance-gathering-automated',
    ],
  },
  'fusion-teams': {
    200: ['fusion-teams.200.peer-review', 'fusion-teams.200.pro-devs-pilot'],
    300: [
      'fusion-teams.300.plan-together-operate-independently',
      'fusion-teams.300.source-control-lifecycle',
      'fusion-teams.300.shared-components-connectors',
    ],
    400: [
      'fusion-teams.400.cross-functional-teams',
      'fusion-teams.400.collaborative-planning',
      'fusion-teams.400.common-data-model',
    ],
  },
};

/** The highest level each profile attests, per area: that area's statements of levels 200 up to it. */
export const DEMO_ATTESTED_UP_TO: Record<DemoProfile, Partial<Record<Area, AttestedLevel>>> = {
  initial: {},
  defined: {
    strategy: 200,
    'business-value': 200,
    security: 300,
    governance: 300,
    operations: 300,
    community: 200,
    'responsible-ai': 200,
    automation: 200,
    'fusion-teams': 200,
  },
  capable: {
    strategy: 400,
    'business-value': 400,
    security: 400,
    governance: 400,
    operations: 400,
    community: 400,
    'responsible-ai': 300,
    automation: 400,
    'fusion-teams': 300,
  },
};

const ATTESTED_LEVELS: readonly AttestedLevel[] = [200, 300, 400];

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/**
 * The demo tenant's attestations for a profile, in the model's area order, made at `now` and
 * valid for a year. Pure: the caller passes the clock, so demo scans are reproducible.
 */
export function demoAttestations(profile: DemoProfile, now: Date): Attestation[] {
  const at = now.toISOString();
  const expires = new Date(now.getTime() + YEAR_MS).toISOString();
  return AREAS.flatMap((area) => {
    const upTo = DEMO_ATTESTED_UP_TO[profile][area] ?? 100;
    const { by, evidence } = DEMO_ATTESTERS[area];
    return ATTESTED_LEVELS.filter((level) => level <= upTo).flatMap((level) =>
      DEMO_ATTESTED_STATEMENTS[area][level].map((capabilityId) => ({
        capabilityId,
        by,
        at,
        reason: `Demo tenant (${profile} profile): ${evidence}`,
        expires,
      })),
    );
  });
}
