/**
 * Area levels from capability results.
 *
 * level: the highest L in 200..500 such that, at every level 200..L, the statements met reach
 * the threshold (by default all of them); 100 (the floor) otherwise. maxLevel: the same,
 * counting indicated and unknown as possibly met (only not_met blocks). The range says how far
 * the unanswered statements could take the area.
 */
import { AREAS, LEVELS, type AreaScore, type Capability, type CapabilityResult, type Level } from './types.js';

const SCORED_LEVELS = LEVELS.filter((level) => level > 100);

export interface ScoringOptions {
  /**
   * The share of a level's statements that must be met for the level to count (0 < t <= 1).
   * 1, the default, is the model's reading: every statement of the level. An organization that
   * scores "mostly there" as reached sets e.g. 0.8.
   */
  threshold?: number;
}

/** How many of `total` statements must be met at `threshold` (rounded up, never more than all). */
export function requiredMet(total: number, threshold: number): number {
  return Math.min(total, Math.ceil(total * threshold - 1e-9));
}

/** Scores each area that has statements in the catalogue, in the model's area order. */
export function scoreAreas(catalogue: readonly Capability[], capabilityResults: readonly CapabilityResult[], options: ScoringOptions = {}): AreaScore[] {
  const threshold = options.threshold ?? 1;
  const byId = new Map(capabilityResults.map((r) => [r.capabilityId, r]));
  return AREAS.filter((area) => catalogue.some((c) => c.area === area)).map((area) => {
    const scored = catalogue.filter((c) => c.area === area && !c.floor);
    const statusOf = (c: Capability) => byId.get(c.id)?.status ?? 'unknown';
    const level = highestLevel(scored, (c) => statusOf(c) === 'met', threshold);
    const maxLevel = highestLevel(scored, (c) => statusOf(c) !== 'not_met', threshold);
    const met = scored.filter((c) => statusOf(c) === 'met').length;
    const undecided = scored.filter((c) => statusOf(c) === 'unknown' || statusOf(c) === 'indicated').length;
    const between = scored.filter((c) => c.level > level && c.level <= maxLevel && statusOf(c) !== 'met');
    return {
      area,
      level,
      maxLevel,
      met,
      total: scored.length,
      unknown: undecided,
      summary: summarize(level, maxLevel, between.map(statusOf)),
    };
  });
}

/** The highest level at which, and at every lower scored level, enough statements satisfy `ok`. */
function highestLevel(statements: readonly Capability[], ok: (c: Capability) => boolean, threshold: number): Level {
  let reached: Level = 100;
  for (const level of SCORED_LEVELS) {
    const atLevel = statements.filter((c) => c.level === level);
    if (atLevel.filter(ok).length < requiredMet(atLevel.length, threshold)) break;
    reached = level;
  }
  return reached;
}

/** "200" or "200; up to 300 if the 2 unknown statements are met". */
function summarize(level: Level, maxLevel: Level, between: readonly string[]): string {
  if (maxLevel === level) return String(level);
  const kinds = [...new Set(between)].sort();
  const kind = kinds.length === 1 ? kinds[0] : 'unknown or indicated';
  const count = between.length;
  return `${level}; up to ${maxLevel} if the ${count} ${kind} ${count === 1 ? 'statement is' : 'statements are'} met`;
}
