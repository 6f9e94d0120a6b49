/**
 * Coverage per area: of the scored statements (levels 200-500), how many a machine decided
 * (a check passed or failed), how many a person stated (an attestation in force), and how many
 * neither — the share of a level that rests on evidence, on someone's word, or on nothing yet.
 */
import { AREAS, type Area, type Capability, type CapabilityResult } from './types.js';

export interface AreaCoverage {
  area: Area;
  statements: number;
  machine: number;
  attestation: number;
  neither: number;
  /** One line, e.g. "12 of 17 by machine evidence, 3 attested, 2 with neither". */
  summary: string;
}

const DECIDED = new Set(['pass', 'fail']);

export function areaCoverage(catalogue: readonly Capability[], results: readonly CapabilityResult[]): AreaCoverage[] {
  const byId = new Map(results.map((r) => [r.capabilityId, r]));
  const present = new Set(catalogue.map((c) => c.area));
  const areas = AREAS.filter((area) => present.has(area));
  return areas.map((area) => {
    const scored = catalogue.filter((c) => c.area === area && !c.floor);
    let machine = 0;
    let attestation = 0;
    for (const statement of scored) {
      const result = byId.get(statement.id);
      if (result?.attestation) attestation += 1;
      else if (result?.checks.some((c) => DECIDED.has(c.outcome))) machine += 1;
    }
    const neither = scored.length - machine - attestation;
    return {
      area,
      statements: scored.length,
      machine,
      attestation,
      neither,
      summary: `${machine} of ${scored.length} by machine evidence, ${attestation} attested, ${neither} with neither`,
    };
  });
}
