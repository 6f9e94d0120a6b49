/** Raw admin-RP canvas app → normalized {@link CanvasApp} (sharing not read yet). Pure. */
import type { CanvasApp } from '../../evidence/inventory.schemas.js';
import { wireString } from '../wire-values.js';
import type { RawCanvasApp } from './canvas-apps.raw.js';
import { mapPrincipalRef } from './principal-ref.js';

/** Maps one listed app; `sharing` stays null until its permissions are read or reused. */
export function mapCanvasApp(raw: RawCanvasApp): CanvasApp {
  const p = raw.properties;
  return {
    id: raw.name,
    displayName: wireString(p.displayName) ?? raw.name,
    owner: mapPrincipalRef(p.owner),
    createdTime: wireString(p.createdTime),
    lastModifiedTime: wireString(p.lastModifiedTime),
    lastPublishTime: wireString(p.lastPublishTime),
    sharedUsersCount: p.sharedUsersCount ?? null,
    sharedGroupsCount: p.sharedGroupsCount ?? null,
    sharing: null,
    almMode: wireString(p.almMode),
    usesPremiumApi: p.usesPremiumApi ?? null,
    dlpStatus: wireString(p.executionRestrictions?.dataLossPreventionEvaluationResult?.status),
  };
}

/**
 * True when the last scan's sharing still holds: sharing an app does not change its
 * `lastModifiedTime` but does change its shared counts, so all three must match, and be known.
 */
export function canvasAppUnchanged(current: CanvasApp, before: CanvasApp): boolean {
  return (
    current.lastModifiedTime !== null &&
    current.lastModifiedTime === before.lastModifiedTime &&
    current.sharedUsersCount !== null &&
    current.sharedUsersCount === before.sharedUsersCount &&
    current.sharedGroupsCount !== null &&
    current.sharedGroupsCount === before.sharedGroupsCount
  );
}
