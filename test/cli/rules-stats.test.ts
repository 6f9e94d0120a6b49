/** `ppmat rules stats`: the scored statements per area by assessment, and the share a scan speaks to. */
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatShare, renderRulesStats, rulesStats } from '../../src/cli/rules-stats.js';
import { loadRuleSet } from '../../src/rules/load-rules.js';
import type { Capability } from '../../src/scoring/types.js';
import { RULES_DIR } from '../../src/store/paths.js';
import { runPpmat } from '../support/cli-harness.js';

const statement = (id: string, assessment: Capability['assessment']): Capability => {
  const [area, level] = id.split('.') as [Capability['area'], string];
  return {
    id,
    area,
    level: Number(level) as Capability['level'],
    statement: id,
    assessment,
    ...(assessment === 'hybrid' ? { signal: 'hint' as const } : {}),
    ...(level === '100' ? { floor: true } : {}),
  };
};

const small = {
  areas: [
    { id: 'security' as const, name: 'Security' },
    { id: 'community' as const, name: 'Community' },
    { id: 'automation' as const, name: 'Automation' },
  ],
  catalogue: [
    statement('security.100.floor-a', 'automated'),
    statement('security.200.a', 'automated'),
    statement('security.300.b', 'hybrid'),
    statement('security.400.c', 'attested'),
    statement('security.500.d', 'attested'),
    statement('community.100.floor-b', 'attested'),
    statement('community.300.e', 'attested'),
  ],
};

describe('rulesStats', () => {
  const stats = rulesStats(small);

  it.each([
    ['Security', { statements: 4, automated: 1, hybrid: 1, attested: 2, share: 0.5 }],
    ['Community', { statements: 1, automated: 0, hybrid: 0, attested: 1, share: 0 }],
    ['Automation', { statements: 0, automated: 0, hybrid: 0, attested: 0, share: null }],
  ])('counts %s at levels 200-500 only: %j', (name, expected) => {
    expect(stats.areas.find((a) => a.name === name)).toMatchObject(expected);
  });

  it('keeps the order of areas.yaml and totals every area', () => {
    expect(stats.areas.map((a) => a.area)).toEqual(['security', 'community', 'automation']);
    expect(stats.overall).toEqual({ statements: 5, automated: 1, hybrid: 1, attested: 3, share: 0.4 });
  });

  it.each([
    [0.4, '40.0%'],
    [65 / 138, '47.1%'],
    [1, '100.0%'],
    [null, '-'],
  ] as const)('formats the share %s as %s', (share, text) => {
    expect(formatShare(share)).toBe(text);
  });

  it('renders a row per area, a total row and the overall share in a sentence', () => {
    expect(renderRulesStats(stats).split('\n')).toEqual([
      'Area        Statements  Automated  Hybrid  Attested  Automated or hybrid',
      '----------  ----------  ---------  ------  --------  -------------------',
      'Security             4          1       1         2                50.0%',
      'Community            1          0       0         1                 0.0%',
      'Automation           0          0       0         0                    -',
      '----------  ----------  ---------  ------  --------  -------------------',
      'All areas            5          1       1         3                40.0%',
      '',
      '2 of 5 statements of levels 200-500 (40.0%) are automated or hybrid: 1 automated, 1 hybrid, 3 attested.',
    ]);
  });
});

describe('the shipped catalogue', async () => {
  const stats = rulesStats(await loadRuleSet(RULES_DIR));
  const counts = (area: string) => {
    const a = stats.areas.find((s) => s.area === area)!;
    return [a.statements, a.automated, a.hybrid, a.attested];
  };

  it.each([
    ['strategy', [15, 0, 5, 10]],
    ['business-value', [11, 0, 3, 8]],
    ['security', [22, 4, 11, 7]],
    ['governance', [17, 2, 14, 1]],
    ['operations', [13, 0, 6, 7]],
    ['community', [17, 0, 6, 11]],
    ['responsible-ai', [24, 0, 1, 23]],
    ['automation', [9, 0, 8, 1]],
    ['fusion-teams', [10, 0, 3, 7]],
  ])('%s: statements, automated, hybrid, attested = %j', (area, expected) => {
    expect(counts(area)).toEqual(expected);
  });

  it("meets issue 4's bar: at least 45% of the statements of levels 200-500 are automated or hybrid", () => {
    expect(stats.overall.statements).toBe(138);
    expect(stats.overall.share).toBeGreaterThanOrEqual(0.45);
  });
});

describe('ppmat rules stats', () => {
  it('prints the table and the overall share of the shipped rules, and exits 0', async () => {
    const { code, stdout, stderr } = await runPpmat(['rules', 'stats'], { env: {}, cwd: os.tmpdir() });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^Rule set [0-9a-f]{12}: 165 capability statements, \d+ checks\.\n\nArea {17}Statements {2}Automated/);
    expect(stdout).toMatch(/^Responsible AI {15}24 {10}0 {7}1 {8}23 {17}4\.2%$/m);
    expect(stdout).toContain('\n63 of 138 statements of levels 200-500 (45.7%) are automated or hybrid: 6 automated, 57 hybrid, 75 attested.\n');
  });

  it('reads the folder given with --dir, and refuses an invalid one with exit 4', async () => {
    const { code, stderr } = await runPpmat(['rules', 'stats', '--dir', path.join(os.tmpdir(), 'ppmat-no-such-rules')], { env: {}, cwd: os.tmpdir() });
    expect(code).toBe(4);
    expect(stderr).toMatch(/^ppmat: PPMAT_E_\w+: /);
  });
});
