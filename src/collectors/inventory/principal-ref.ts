/**
 * The `{ id, displayName, type, ... }` principals of the PowerApps admin RP (`owner`,
 * `createdBy`; reference 6a) → {@link PrincipalRef}. Absent or empty values become null.
 */
import { z } from 'zod';
import type { PrincipalRef } from '../../evidence/inventory.schemas.js';
import { wireString } from '../wire-values.js';

export const rawPrincipalRefSchema = z.looseObject({
  id: z.string().nullish(),
  displayName: z.string().nullish(),
  type: z.string().nullish(),
});
export type RawPrincipalRef = z.infer<typeof rawPrincipalRefSchema>;

/** A principal nobody named: every field null, never a guess. */
export const UNKNOWN_PRINCIPAL: PrincipalRef = { id: null, displayName: null, type: null };

/** Maps an owner or creator; an absent one is {@link UNKNOWN_PRINCIPAL}. */
export function mapPrincipalRef(raw: RawPrincipalRef | null | undefined): PrincipalRef {
  if (!raw) return { ...UNKNOWN_PRINCIPAL };
  return { id: wireString(raw.id), displayName: wireString(raw.displayName), type: wireString(raw.type) };
}
