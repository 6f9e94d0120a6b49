/** A capability result joined with its statement from the model, as the API shows it. */
import type { z } from 'zod';
import type { Capability, CapabilityResult } from '../../scoring/types.js';
import type { capabilityView } from '../schemas/scan.schemas.js';

export type CapabilityView = z.infer<typeof capabilityView>;

export function toCapabilityView(result: CapabilityResult, statement: Capability | undefined): CapabilityView {
  return {
    id: result.capabilityId,
    area: result.area,
    level: result.level,
    // A scan judged by an older rule set may hold a statement the model no longer has.
    statement: statement?.statement ?? '(not in the current model)',
    assessment: statement?.assessment ?? 'automated',
    floor: statement?.floor === true,
    custom: statement?.custom === true,
    status: result.status,
    reason: result.reason,
    checks: result.checks,
    attestation: result.attestation ?? null,
  };
}
