/** Raw admin-RP connector → normalized {@link CustomConnector}. Pure. */
import type { CustomConnector } from '../../evidence/inventory.schemas.js';
import { wireString } from '../wire-values.js';
import type { RawCustomConnector } from './custom-connectors.raw.js';
import { mapPrincipalRef } from './principal-ref.js';

/** A connector counts as custom unless the API says it is not (`isCustomApi: false`): absent is not false. */
export function isCustomConnector(raw: RawCustomConnector): boolean {
  return raw.properties.isCustomApi !== false;
}

/** Maps one connector: its creator is its owner, its `changedTime` its last modification. */
export function mapCustomConnector(raw: RawCustomConnector): CustomConnector {
  const p = raw.properties;
  return {
    id: raw.name,
    displayName: wireString(p.displayName) ?? raw.name,
    owner: mapPrincipalRef(p.createdBy),
    createdTime: wireString(p.createdTime),
    lastModifiedTime: wireString(p.changedTime),
  };
}
