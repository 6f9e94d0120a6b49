import { describe, expect, it } from 'vitest';
import { targetProgress, targetsProgress } from '../../src/scoring/targets.js';

const now = new Date('2026-11-27T10:00:00Z');

describe('organization targets', () => {
  it.each([
    [{ area: 'governance', level: 300 }, { area: 'governance', level: 400, by: '2027-06-30' }, 'target 400 by 2027-06-30: 1 level to go, 215 days left', false],
    [{ area: 'security', level: 200 }, { area: 'security', level: 400, by: '2026-11-28' }, 'target 400 by 2026-11-28: 2 levels to go, 1 day left', false],
    [{ area: 'security', level: 200 }, { area: 'security', level: 300, by: '2026-10-31' }, 'target 300 by 2026-10-31: 1 level to go, 27 days overdue', false],
    [{ area: 'community', level: 400 }, { area: 'community', level: 300, by: '2026-10-31' }, 'target 300 by 2026-10-31: reached', true],
  ] as const)('%o against %o', (score, target, summary, reached) => {
    expect(targetProgress(score, target, now)).toMatchObject({ summary, reached, current: score.level });
  });

  it('reports only the areas that have a target', () => {
    const progress = targetsProgress([{ area: 'security', level: 200 }, { area: 'governance', level: 300 }], [{ area: 'governance', level: 300, by: '2027-01-31' }], now);
    expect(progress.map((p) => [p.area, p.reached])).toEqual([['governance', true]]);
  });
});
