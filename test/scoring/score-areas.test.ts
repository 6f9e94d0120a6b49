/**
 * Area level and range: the level is the highest all-met prefix of 200..500; the range counts
 * unknown and indicated as possibly met.
 */
import { describe, expect, it } from 'vitest';
import type { CompiledCheck } from '../../src/rules/rule-set.js';
import type { CheckResult, Outcome } from '../../src/rules/types.js';
import { roadmap } from '../../src/scoring/roadmap.js';
import { scoreAreas } from '../../src/scoring/score-areas.js';
import type { Capability, CapabilityResult, CapabilityStatus, Level } from '../../src/scoring/types.js';

/** Two statements per level 200..500, plus a floor statement. */
const catalogue: Capability[] = [
  { id: 'security.100.floor', area: 'security', level: 100, statement: 'f', assessment: 'automated', floor: true },
  ...([200, 300, 400, 500] as Level[]).flatMap((level) =>
    ['a', 'b'].map((s): Capability => ({ id: `security.${level}.${s}`, area: 'security', level, statement: `${level}${s}`, assessment: 'attested' })),
  ),
];

/** Statuses written as 8 letters: 200a 200b 300a 300b 400a 400b 500a 500b; m=met, n=not_met, u=unknown, i=indicated. */
function results(code: string): CapabilityResult[] {
  const map: Record<string, CapabilityStatus> = { m: 'met', n: 'not_met', u: 'unknown', i: 'indicated' };
  return catalogue
    .filter((c) => !c.floor)
    .map((c, index) => ({ capabilityId: c.id, area: c.area, level: c.level, status: map[code[index] ?? 'u'] ?? 'unknown', reason: '', checks: [] }));
}

describe('scoreAreas', () => {
  it.each([
    ['nothing known', 'uuuuuuuu', 100, 500, '100; up to 500 if the 8 unknown statements are met'],
    ['everything met', 'mmmmmmmm', 500, 500, '500'],
    ['200 met, 300 not met', 'mmnmuuuu', 200, 200, '200'],
    ['200 met, 300 unknown', 'mmuuuuuu', 200, 500, '200; up to 500 if the 6 unknown statements are met'],
    ['300 met, 400 has a not_met', 'mmmmunuu', 300, 300, '300'],
    ['200 met, 300 has one unknown, 400 a not_met', 'mmmunmuu', 200, 300, '200; up to 300 if the 1 unknown statement is met'],
    ['indicated counts for the range only', 'mmiimmnm', 200, 400, '200; up to 400 if the 2 indicated statements are met'],
    ['mixed unknown and indicated', 'mmiummnm', 200, 400, '200; up to 400 if the 2 unknown or indicated statements are met'],
    ['a gap: 300 not met, 400 met', 'mmnmmmmm', 200, 200, '200'],
    ['200 not met', 'nmmmmmmm', 100, 100, '100'],
    ['200 partly unknown', 'umnmmmmm', 100, 200, '100; up to 200 if the 1 unknown statement is met'],
  ])('%s', (_name, code, level, maxLevel, summary) => {
    const [score] = scoreAreas(catalogue, results(code));
    expect(score).toMatchObject({ area: 'security', level, maxLevel, summary, total: 8 });
  });

  // At 0.5, one of the two statements of each level is enough; at 0.75, both (ceil(1.5) = 2).
  it.each([
    ['half of each level met', 'mnmnmnmn', 0.5, 500, 500],
    ['half met up to 300, then none', 'nmmnnnuu', 0.5, 300, 300],
    ['half met at 200, 300 unknown', 'mnuuuuuu', 0.5, 200, 500],
    ['0.75 needs both of two', 'mnmnmnmn', 0.75, 100, 100],
    ['1 is every statement', 'mmmmmmmn', 1, 400, 400],
  ])('with a threshold: %s', (_name, code, threshold, level, maxLevel) => {
    const [score] = scoreAreas(catalogue, results(code), { threshold });
    expect(score).toMatchObject({ level, maxLevel });
  });

  it('counts met and undecided statements', () => {
    expect(scoreAreas(catalogue, results('mmiunmuu'))[0]).toMatchObject({ met: 3, unknown: 4, total: 8 });
  });

  it('scores only areas with statements, in the model order, and treats a missing result as unknown', () => {
    const both: Capability[] = [
      ...catalogue,
      { id: 'governance.200.a', area: 'governance', level: 200, statement: 'g', assessment: 'attested' },
    ];
    const scores = scoreAreas(both, results('mmmmmmmm'));
    expect(scores.map((s) => [s.area, s.level, s.maxLevel])).toEqual([
      ['security', 500, 500],
      ['governance', 100, 500],
    ]);
  });
});

describe('roadmap', () => {
  it('lists the statements missing up to the next level', () => {
    const scored = results('mmmunmuu');
    const [step] = roadmap({ catalogue, checks: [], checkResults: [], capabilityResults: scored, areaScores: scoreAreas(catalogue, scored) });
    expect(step).toMatchObject({ area: 'security', currentLevel: 200, nextLevel: 300 });
    expect(step?.missing.map((m) => [m.capabilityId, m.status])).toEqual([['security.300.b', 'unknown']]);
    expect(step?.missing[0]?.actions.map((a) => a.kind)).toEqual(['attest']);
  });

  it('says what would flip each missing statement: the fix of a failing check, the missing evidence, or an attestation', () => {
    const cat: Capability[] = [
      { id: 'security.200.auto', area: 'security', level: 200, statement: 'automated one', assessment: 'automated' },
      { id: 'security.200.hyb', area: 'security', level: 200, statement: 'hybrid one', assessment: 'hybrid', signal: 'hint' },
      { id: 'security.200.gap', area: 'security', level: 200, statement: 'unknown one', assessment: 'automated' },
    ];
    const check = (id: string, capability: string) => ({ id, capabilities: [capability], remediation: `do ${id}`, references: [`https://example.com/${id}`] }) as unknown as CompiledCheck;
    const checkResult = (checkId: string, outcome: Outcome, message: string) => ({ checkId, outcome, message }) as CheckResult;
    const scored: CapabilityResult[] = [
      { capabilityId: 'security.200.auto', area: 'security', level: 200, status: 'not_met', reason: 'x', checks: [] },
      { capabilityId: 'security.200.hyb', area: 'security', level: 200, status: 'indicated', reason: 'x', checks: [] },
      { capabilityId: 'security.200.gap', area: 'security', level: 200, status: 'unknown', reason: 'x', checks: [] },
    ];
    const [step] = roadmap({
      catalogue: cat,
      checks: [check('c.fail', 'security.200.auto'), check('c.pass', 'security.200.hyb'), check('c.unknown', 'security.200.gap')],
      checkResults: [checkResult('c.fail', 'fail', 'It fails.'), checkResult('c.pass', 'pass', 'It passes.'), checkResult('c.unknown', 'unknown', 'Unknown: no token.')],
      capabilityResults: scored,
      areaScores: scoreAreas(cat, scored),
    });
    expect(step?.missing.map((m) => [m.capabilityId, m.actions.map((a) => `${a.kind}: ${a.text.split(':')[0]}`)])).toEqual([
      ['security.200.auto', ['fix: do c.fail']],
      ['security.200.hyb', ['attest: A CoE member can confirm it']],
      ['security.200.gap', ['collect: Unknown']],
    ]);
    expect(step?.missing[0]).toMatchObject({ checks: [{ checkId: 'c.fail', outcome: 'fail', message: 'It fails.' }], actions: [{ references: ['https://example.com/c.fail'] }] });
  });

  it('has no next level at 500', () => {
    const scored = results('mmmmmmmm');
    expect(roadmap({ catalogue, checks: [], checkResults: [], capabilityResults: scored, areaScores: scoreAreas(catalogue, scored) })[0]).toMatchObject({ nextLevel: null, missing: [] });
  });
});
