/**
 * Raw PIM schedule instances → normalized eligible and active entries of
 * {@link PimSchedulesEvidence}. Pure.
 */
import type { PimSchedulesEvidence } from '../evidence/graph.schemas.js';
import type { RawAssignmentInstance, RawEligibilityInstance } from './pim-schedules.raw.js';
import { mapPrincipal } from './principal.map.js';

type PimRole = PimSchedulesEvidence['roles'][number];
export type EligibleInstance = PimRole['eligible'][number];
export type ActiveInstance = PimRole['active'][number];

/** Maps one eligibility instance. */
export function mapEligibleInstance(raw: RawEligibilityInstance): EligibleInstance {
  return { principal: mapPrincipal(raw.principalId, raw.principal), startDateTime: raw.startDateTime ?? null, endDateTime: raw.endDateTime ?? null };
}

/** Maps one active assignment instance; `assignmentType` tells standing (`Assigned`) from activated. */
export function mapActiveInstance(raw: RawAssignmentInstance): ActiveInstance {
  return { ...mapEligibleInstance(raw), assignmentType: raw.assignmentType ?? null };
}
