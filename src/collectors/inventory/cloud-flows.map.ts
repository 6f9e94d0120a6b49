/** Raw admin-RP cloud flow → normalized {@link CloudFlow} (sharing not read yet). Pure. */
import type { CloudFlow, PrincipalRef } from '../../evidence/inventory.schemas.js';
import { wireString } from '../wire-values.js';
import type { RawCloudFlow } from './cloud-flows.raw.js';

/** The creator `userType` of an Entra user: the flow's owner is then of type `User`, like an app's owner. */
export const ENTRA_USER_TYPE = 'ActiveDirectory';

/** The flow's maker as its owner: flows carry no single owner field (reference 6c). */
export function mapFlowOwner(creator: RawCloudFlow['properties']['creator']): PrincipalRef {
  const userType = wireString(creator?.userType);
  return {
    id: wireString(creator?.objectId),
    displayName: null,
    type: userType === ENTRA_USER_TYPE ? 'User' : userType,
  };
}

/** Maps one listed flow; `sharing` stays null until its permissions are read or reused. */
export function mapCloudFlow(raw: RawCloudFlow): CloudFlow {
  const p = raw.properties;
  return {
    id: raw.name,
    displayName: wireString(p.displayName) ?? raw.name,
    state: wireString(p.state),
    owner: mapFlowOwner(p.creator),
    createdTime: wireString(p.createdTime),
    lastModifiedTime: wireString(p.lastModifiedTime),
    sharing: null,
  };
}

/** True when the last scan's sharing still holds: same, known `lastModifiedTime`. */
export function cloudFlowUnchanged(current: CloudFlow, before: CloudFlow): boolean {
  return current.lastModifiedTime !== null && current.lastModifiedTime === before.lastModifiedTime;
}
