/**
 * Organization targets: the model asks each organization to set, per area, the level it aims
 * for and by when. Progress against a target is what the CoE reports upward.
 */
import type { Area, AreaScore, Level } from './types.js';

export interface AreaTarget {
  area: Area;
  level: Level;
  /** ISO date (YYYY-MM-DD). */
  by: string;
}

export interface TargetProgress extends AreaTarget {
  current: Level;
  reached: boolean;
  /** Levels between the current one and the target (0 once reached). */
  levelsToGo: number;
  /** Calendar days until `by` (UTC; negative once past). */
  daysLeft: number;
  /** One sentence, e.g. "target 400 by 2027-06-30: 1 level to go, 215 days left". */
  summary: string;
}

const DAY_MS = 86_400_000;

/** Progress of one area against its target, as of `now`. */
export function targetProgress(score: Pick<AreaScore, 'area' | 'level'>, target: AreaTarget, now: Date): TargetProgress {
  const levelsToGo = Math.max(0, (target.level - score.level) / 100);
  // Calendar days, in UTC: due tomorrow is 1 day left, whatever the hour.
  const today = Date.parse(now.toISOString().slice(0, 10));
  const daysLeft = Math.round((Date.parse(target.by) - today) / DAY_MS);
  const reached = levelsToGo === 0;
  const days = Math.abs(daysLeft) === 1 ? 'day' : 'days';
  const levels = levelsToGo === 1 ? 'level' : 'levels';
  const summary = reached
    ? `target ${target.level} by ${target.by}: reached`
    : daysLeft >= 0
      ? `target ${target.level} by ${target.by}: ${levelsToGo} ${levels} to go, ${daysLeft} ${days} left`
      : `target ${target.level} by ${target.by}: ${levelsToGo} ${levels} to go, ${-daysLeft} ${days} overdue`;
  return { ...target, current: score.level, reached, levelsToGo, daysLeft, summary };
}

/** The progress of every area that has a target. */
export function targetsProgress(scores: readonly Pick<AreaScore, 'area' | 'level'>[], targets: readonly AreaTarget[], now: Date): TargetProgress[] {
  return targets.flatMap((target) => {
    const score = scores.find((s) => s.area === target.area);
    return score ? [targetProgress(score, target, now)] : [];
  });
}
