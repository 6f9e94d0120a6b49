/**
 * Raw expanded principal → normalized {@link Principal}. Pure. A principal Graph did not
 * expand (deleted object, or no `$expand`) keeps its id and reads as `unknown`, never a guess.
 */
import type { Principal } from '../evidence/graph.schemas.js';
import type { RawPrincipal } from './principal.raw.js';

/** `@odata.type` values of the principals that can hold a directory role (Graph `directoryObject` subtypes). */
export const PRINCIPAL_ODATA_TYPES: Readonly<Record<string, Principal['type']>> = {
  '#microsoft.graph.user': 'user',
  '#microsoft.graph.group': 'group',
  '#microsoft.graph.serviceprincipal': 'servicePrincipal',
};

/** Maps the expanded principal of an item whose `principalId` is `principalId`. */
export function mapPrincipal(principalId: string, raw: RawPrincipal | null | undefined): Principal {
  const odataType = raw?.['@odata.type']?.toLowerCase() ?? '';
  const type = PRINCIPAL_ODATA_TYPES[odataType] ?? 'unknown';
  return {
    id: raw?.id || principalId,
    type,
    displayName: raw?.displayName ?? null,
    userPrincipalName: type === 'user' ? (raw?.userPrincipalName ?? null) : null,
  };
}
