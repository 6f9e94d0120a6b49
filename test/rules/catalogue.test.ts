/**
 * Catalogue-wide meta-tests: the model catalogue holds every statement of the maturity model
 * exactly once and nothing else, every check has its cases, ids are unique and resolve.
 * The model is parsed from a copy of Microsoft Learn's "Power Platform adoption maturity model -
 * Detailed capabilities" (MicrosoftDocs/power-platform, guidance/adoption/maturity-model-details.md)
 * in test/fixtures: one table per area, one row per level, one `<li>` per statement. Each
 * catalogue statement names its model sentence in `source`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EVIDENCE_KEYS } from '../../src/evidence/schemas.js';
import { loadCases } from '../../src/rules/load-cases.js';
import { AREAS_FILE } from '../../src/rules/load-model.js';
import { CASES_SUFFIX, isCheckFile, loadRuleSet } from '../../src/rules/load-rules.js';
import { statementsFileSchema } from '../../src/rules/rule-schema.js';
import { AREAS, LEVELS } from '../../src/scoring/types.js';

const RULES_DIR = path.resolve(import.meta.dirname, '../../rules');
const CHECKS_DIR = path.join(RULES_DIR, 'checks');
const MODEL_DIR = path.join(RULES_DIR, 'model');
const MODEL_TEXT = readFileSync(path.resolve(import.meta.dirname, '../fixtures/maturity-model.md'), 'utf8');
const ruleSet = await loadRuleSet(RULES_DIR);

interface ModelStatement {
  area: string;
  level: number;
  text: string;
}

/**
 * The statements of the model's tables. A `## <area name>` heading (names as in areas.yaml,
 * case aside) opens an area; a row `| 300: Defined | <ul><li>...</li></ul> |` holds a level's
 * statements. The Markdown is loose (a `<li>` without `</li>`, an empty `<li>`, a stray `</a>`),
 * so items are split on `<li>` and every tag dropped; links keep their text.
 */
function parseModel(markdown: string, areaNames: ReadonlyMap<string, string>): ModelStatement[] {
  const statements: ModelStatement[] = [];
  let area: string | undefined;
  for (const line of markdown.split('\n')) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) {
      area = areaNames.get(heading[1]!.trim().toLowerCase());
      continue;
    }
    const row = /^\|\s*(\d{3}):[^|]*\|(.*)\|\s*$/.exec(line);
    if (!row || !area) continue;
    for (const item of row[2]!.split('<li>')) {
      const text = item
        .replace(/<[^>]*>/g, '')
        .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
        .replace(/&amp;/g, '&')
        .replace(/\s+/g, ' ')
        .trim();
      if (text) statements.push({ area, level: Number(row[1]), text });
    }
  }
  return statements;
}

/** Wording compared without case, typographic quotes, spacing or a final full stop. */
const normalize = (text: string) =>
  text
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201C\u201D]/g, '"')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\.$/, '')
    .toLowerCase();
const keyOf = (s: { area: string; level: number }, text: string) => `${s.area} ${s.level}: ${normalize(text)}`;

/** `a` minus `b`, counting duplicates (the model repeats a sentence at two levels of one area). */
function without(a: readonly string[], b: readonly string[]): string[] {
  const rest = [...b];
  return a.filter((x) => {
    const i = rest.indexOf(x);
    if (i < 0) return true;
    rest.splice(i, 1);
    return false;
  });
}

const model = parseModel(MODEL_TEXT, new Map(ruleSet.areas.map((a) => [a.name.toLowerCase(), a.id])));
const catalogueFiles = readdirSync(MODEL_DIR)
  .filter((name) => name.endsWith('.yaml') && name !== AREAS_FILE)
  .map((name) => statementsFileSchema.parse(parse(readFileSync(path.join(MODEL_DIR, name), 'utf8'))));
const catalogue = catalogueFiles.flatMap((file) => file.statements.map((s) => ({ ...s, area: file.area })));

/** Statements per level 100..500, counted by hand from the model's tables (guards the parser). */
const COUNTS: Record<string, number[]> = {
  strategy: [4, 3, 5, 3, 4],
  'business-value': [2, 2, 3, 3, 3],
  security: [4, 5, 5, 5, 7],
  governance: [3, 2, 6, 7, 2],
  operations: [3, 3, 4, 4, 2],
  community: [2, 3, 4, 6, 4],
  'responsible-ai': [6, 6, 6, 6, 6],
  automation: [1, 1, 3, 3, 2],
  'fusion-teams': [2, 2, 3, 3, 2],
};

describe('maturity model', () => {
  it('parses into 165 statements over the nine areas and five levels', () => {
    expect(model).toHaveLength(165);
    expect(Object.keys(COUNTS)).toEqual([...AREAS]);
    for (const area of AREAS) {
      expect(LEVELS.map((level) => model.filter((s) => s.area === area && s.level === level).length), area).toEqual(COUNTS[area]);
    }
  });
});

describe('model catalogue', () => {
  it.each(Object.entries(COUNTS))("%s has the model's statement counts per level", (area, counts) => {
    expect(LEVELS.map((level) => ruleSet.catalogue.filter((c) => c.area === area && c.level === level).length)).toEqual(counts);
  });

  it('names the model sentence of every statement in `source`', () => {
    expect(catalogue.filter((s) => s.source === undefined).map((s) => s.id)).toEqual([]);
    expect(catalogue.map((s) => s.id).sort()).toEqual(ruleSet.catalogue.map((c) => c.id).sort());
  });

  it('holds every statement of the model exactly once, at its area and level, and nothing else', () => {
    const expected = model.map((s) => keyOf(s, s.text));
    const actual = catalogue.map((s) => keyOf(s, s.source ?? s.statement));
    expect({ missing: without(expected, actual), notInModel: without(actual, expected) }).toEqual({ missing: [], notInModel: [] });
  });

  it('marks level-100 statements, and only they, as floor; hybrids have a signal', () => {
    for (const c of ruleSet.catalogue) {
      expect(c.floor === true, c.id).toBe(c.level === 100);
      expect(c.signal !== undefined, c.id).toBe(c.assessment === 'hybrid');
    }
  });

  it('lists the nine areas, each with its statements file', () => {
    expect(ruleSet.areas.map((a) => a.id)).toEqual([...AREAS]);
    expect(catalogueFiles.map((f) => f.area).sort()).toEqual([...AREAS].sort());
  });

  // Checks written against these ids elsewhere; a rename would orphan them.
  it.each([
    ['business-value.400.business-value-toolkit', 'hint'],
    ['operations.300.pipelines-automate-deployment', 'hint'],
    ['operations.400.deployment-stages-approvals', 'hint'],
    ['community.300.nurture-adopted', 'hint'],
    ['automation.300.apps-deployed-with-solutions', 'hint'],
    ['fusion-teams.200.pro-devs-pilot', 'hint'],
    ['fusion-teams.300.shared-components-connectors', 'hint'],
    ['strategy.400.coe-team-established', 'hint'],
  ])('has %s, hybrid with a %s signal', (id, signal) => {
    expect(ruleSet.catalogue.find((c) => c.id === id)).toMatchObject({ assessment: 'hybrid', signal });
  });
});

describe('checks', () => {
  const files = readdirSync(CHECKS_DIR);
  const checkFiles = files.filter(isCheckFile);
  const casesFiles = files.filter((f) => f.endsWith(CASES_SUFFIX));

  // A hybrid or automated statement without a check is attested in all but name.
  it('backs every automated and hybrid statement with at least one check', () => {
    const evidenced = new Set(ruleSet.checks.flatMap((c) => c.capabilities));
    const unbacked = ruleSet.catalogue.filter((c) => !c.floor && c.assessment !== 'attested' && !evidenced.has(c.id)).map((c) => c.id);
    expect(unbacked).toEqual([]);
  });

  it('loads one check per check file, and every check file', () => {
    expect(ruleSet.checks.map((c) => c.id).sort()).toEqual(checkFiles.map((f) => f.slice(0, -'.yaml'.length)).sort());
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

  it('points every inverseOf at an existing floor statement', () => {
    const byId = new Map(ruleSet.catalogue.map((c) => [c.id, c]));
    for (const check of ruleSet.checks) {
      for (const id of check.inverseOf) expect(byId.get(id)?.floor, `${check.id} inverseOf ${id}`).toBe(true);
    }
  });

  it('covers every automated statement with a check (Graph included, so nothing automated waits for a person)', () => {
    const covered = new Set(ruleSet.checks.flatMap((c) => c.capabilities));
    const uncovered = ruleSet.catalogue.filter((c) => c.assessment === 'automated' && !c.floor && !covered.has(c.id)).map((c) => c.id);
    expect(uncovered).toEqual([]);
  });
});
