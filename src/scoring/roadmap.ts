/**
 * The roadmap to the next level: for each scored area, the statements not yet met at the
 * levels up to the next one, so a report can say what to work on (and what to attest).
 */
import type { AreaScore, Capability, CapabilityResult, CapabilityStatus, Level } from './types.js';

export interface RoadmapStep {
  area: AreaScore['area'];
  currentLevel: Level;
  /** null when the area is already at 500. */
  nextLevel: Level | null;
  missing: { capabilityId: string; level: Level; statement: string; status: CapabilityStatus; reason: string }[];
}

/** The statements missing for each area's next level. */
export function roadmap(catalogue: readonly Capability[], results: readonly CapabilityResult[], areas: readonly AreaScore[]): RoadmapStep[] {
  const byId = new Map(results.map((r) => [r.capabilityId, r]));
  return areas.map((score) => {
    const nextLevel = score.level < 500 ? ((score.level + 100) as Level) : null;
    const missing =
      nextLevel === null
        ? []
        : catalogue
            .filter((c) => c.area === score.area && !c.floor && c.level <= nextLevel)
            .map((c) => ({ c, r: byId.get(c.id) }))
            .filter(({ r }) => r?.status !== 'met')
            .map(({ c, r }) => ({
              capabilityId: c.id,
              level: c.level,
              statement: c.statement,
              status: r?.status ?? 'unknown',
              reason: r?.reason ?? 'Not scored.',
            }));
    return { area: score.area, currentLevel: score.level, nextLevel, missing };
  });
}
