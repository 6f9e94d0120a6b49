/**
 * Catalogue-wide meta-tests: the model lists every Security and Governance statement of the
 * maturity model exactly once, every check has its cases, ids are unique and resolve.
 * The expected ids are written here (not parsed from the model's Markdown, which may move).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVIDENCE_KEYS } from '../../src/evidence/schemas.js';
import { loadCases } from '../../src/rules/load-cases.js';
import { CASES_SUFFIX, isCheckFile, loadRuleSet } from '../../src/rules/load-rules.js';
import { AREAS } from '../../src/scoring/types.js';

const RULES_DIR = path.resolve(import.meta.dirname, '../../rules');
const CHECKS_DIR = path.join(RULES_DIR, 'checks');
const ruleSet = await loadRuleSet(RULES_DIR);

/** The maturity model's Security and Governance statements, by level (counts from the model's tables). */
const EXPECTED: Record<string, Record<number, string[]>> = {
  security: {
    100: ['basic-entra-authentication', 'no-dlp-policies', 'no-activity-monitoring', 'compliance-not-understood'],
    200: ['dlp-default-environment', 'tenant-isolation', 'workload-compliance-awareness', 'sharing-limits', 'security-strategy-collaboration'],
    300: ['dlp-all-environments', 'conditional-access-admins', 'security-page-reviewed', 'secure-coding-practices', 'compliance-audits'],
    400: ['advanced-entra-access', 'environment-strategy-rbac', 'dataverse-fine-grained-access', 'advanced-dlp-network', 'siem-monitoring'],
    500: [
      'identity-governance',
      'advanced-data-security',
      'network-defense-in-depth',
      'advanced-threat-protection',
      'security-incident-process',
      'security-training',
      'threat-analysis-in-design',
    ],
  },
  governance: {
    100: ['all-users-create-environments', 'no-dlp-policies', 'no-sharing-limits'],
    200: ['pp-admin-role-assigned', 'tenant-analytics'],
    300: [
      'environment-dlp-request-strategy',
      'app-usage-monitored',
      'license-capacity-monitoring',
      'tiered-environments',
      'governance-framework-shared',
      'power-advisor-reviewed',
    ],
    400: [
      'overshared-unused-resources',
      'reactive-governance',
      'business-critical-telemetry',
      'tenant-hygiene',
      'maker-responsibilities-communicated',
      'advisor-automation',
      'environment-groups',
    ],
    500: ['agent-approvals', 'share-practices-externally'],
  },
};

const COUNTS = { security: [4, 5, 5, 5, 7], governance: [3, 2, 6, 7, 2] };

describe('model catalogue', () => {
  it.each(Object.entries(COUNTS))('%s has the model\'s statement counts per level', (area, counts) => {
    const levels = [100, 200, 300, 400, 500];
    expect(levels.map((level) => EXPECTED[area]?.[level]?.length)).toEqual(counts);
    expect(levels.map((level) => ruleSet.catalogue.filter((c) => c.area === area && c.level === level).length)).toEqual(counts);
  });

  it('holds every expected statement exactly once, and nothing else', () => {
    const expected = Object.entries(EXPECTED).flatMap(([area, byLevel]) =>
      Object.entries(byLevel).flatMap(([level, slugs]) => slugs.map((slug) => `${area}.${level}.${slug}`)),
    );
    expect(ruleSet.catalogue.map((c) => c.id).sort()).toEqual(expected.sort());
  });

  it('marks level-100 statements, and only they, as floor; hybrids have a signal', () => {
    for (const c of ruleSet.catalogue) {
      expect(c.floor === true, c.id).toBe(c.level === 100);
      expect(c.signal !== undefined, c.id).toBe(c.assessment === 'hybrid');
    }
  });

  it('lists the nine areas', () => {
    expect(ruleSet.areas.map((a) => a.id)).toEqual([...AREAS]);
  });
});

describe('checks', () => {
  const files = readdirSync(CHECKS_DIR);
  const checkFiles = files.filter(isCheckFile);
  const casesFiles = files.filter((f) => f.endsWith(CASES_SUFFIX));

  it('has the twenty-six checks of this build', () => {
    expect(ruleSet.checks.length).toBe(26);
  });

  it('reads every evidence family in some check, directly or through a fact', () => {
    const read = new Set(ruleSet.checks.flatMap((c) => c.evidenceKeys));
    // The organization names the tenant (display name, verified domains) beside its results; nothing judges it.
    const context = new Set(['organization']);
    expect(EVIDENCE_KEYS.filter((key) => !read.has(key) && !context.has(key))).toEqual([]);
  });

  it('gives every check a pass, a fail and a could-not-be-collected case', async () => {
    for (const name of casesFiles) {
      const cases = (await loadCases(path.join(CHECKS_DIR, name))).cases;
      const outcomes = new Set(cases.map((c) => c.outcome));
      expect(outcomes.has('pass') && outcomes.has('fail'), name).toBe(true);
      expect(cases.some((c) => c.outcome === 'unknown' && /^Unknown: .+ could not be collected \(.+\)\.$/.test(c.message)), name).toBe(true);
    }
  });

  it('gives every check a cases file', () => {
    const missing = checkFiles.filter((f) => !files.includes(f.replace(/\.yaml$/, CASES_SUFFIX)));
    expect(missing).toEqual([]);
  });

  it('has no orphan cases files', () => {
    const orphans = casesFiles.filter((f) => !files.includes(f.replace(CASES_SUFFIX, '.yaml')));
    expect(orphans).toEqual([]);
  });

  it('has unique ids that equal the file names', () => {
    const ids = ruleSet.checks.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.map((id) => `${id}.yaml`).sort()).toEqual([...checkFiles].sort());
  });

  it('points every check at existing, non-floor capabilities of its own area family', () => {
    const byId = new Map(ruleSet.catalogue.map((c) => [c.id, c]));
    for (const check of ruleSet.checks) {
      for (const id of check.capabilities) {
        expect(byId.get(id), `${check.id} -> ${id}`).toBeDefined();
        expect(byId.get(id)?.floor, `${check.id} -> ${id}`).toBeUndefined();
        expect(byId.get(id)?.assessment, `${check.id} -> ${id} is evidenced by a check`).not.toBe('attested');
      }
    }
  });

  it('covers every automated statement with a check (Graph included, so nothing automated waits for a person)', () => {
    const covered = new Set(ruleSet.checks.flatMap((c) => c.capabilities));
    const uncovered = ruleSet.catalogue.filter((c) => c.assessment === 'automated' && !c.floor && !covered.has(c.id)).map((c) => c.id);
    expect(uncovered).toEqual([]);
  });
});
