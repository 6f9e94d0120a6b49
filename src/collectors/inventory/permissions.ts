/**
 * Sharing of canvas apps and cloud flows, from their role assignments (`.../permissions`,
 * reference 6a and 6c): one request per item, so on a large tenant it is most of the
 * inventory's cost. Hence reuse: an item that did not change since the last scan keeps the
 * sharing read then, and the request is counted as saved instead of sent.
 */
import { z } from 'zod';
import type { InventorySection, Sharing } from '../../evidence/inventory.schemas.js';
import type { RequestSurface } from '../../http/types.js';
import { mapWithConcurrency } from '../concurrency.js';
import { wireString } from '../wire-values.js';
import type { SectionContext } from './section.js';
import { listSection, parseSection } from './section-io.js';

/** Permission requests in flight at once per environment: N+1 over thousands of apps, gentle on throttling. */
export const DEFAULT_PERMISSION_CONCURRENCY = 8;

/** The principal type of a role assignment to the whole tenant, i.e. "Everyone" (S13 `CreateAppRoleAssignmentObject`). */
export const EVERYONE_PRINCIPAL_TYPE = 'Tenant';

/** The role the owner holds on their own app or flow; role value names are UNCONFIRMED (reference 6a). */
export const OWNER_ROLE = 'Owner';

/** A 404 on an item's permissions: the item was deleted between the list and this request. */
export const ITEM_GONE_STATUSES = [404] as const;

export const rawPermissionSchema = z.looseObject({
  properties: z.looseObject({
    roleName: z.string().nullish(),
    principal: z.looseObject({ id: z.string().nullish(), type: z.string().nullish() }).nullish(),
  }),
});
export type RawPermission = z.infer<typeof rawPermissionSchema>;

function same(a: string | null | undefined, b: string | null | undefined): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}

/**
 * Counts the distinct users and groups an item is shared with, and whether it is shared with
 * Everyone. The owner's own Owner assignment is not a share; a co-owner is.
 */
export function mapSharing(assignments: readonly RawPermission[], ownerId: string | null): Sharing {
  const users = new Set<string>();
  const groups = new Set<string>();
  let everyone = false;
  assignments.forEach((assignment, index) => {
    const { roleName, principal } = assignment.properties;
    const type = principal?.type ?? null;
    const id = wireString(principal?.id);
    if (same(type, EVERYONE_PRINCIPAL_TYPE)) {
      everyone = true;
      return;
    }
    if (same(roleName, OWNER_ROLE) && same(id, ownerId)) return;
    // An assignment without a principal id still counts, once.
    const key = id?.toLowerCase() ?? `#${index}`;
    if (same(type, 'User')) users.add(key);
    else if (same(type, 'Group')) groups.add(key);
  });
  return { users: users.size, groups: groups.size, everyone };
}

export interface ReadSharingOptions {
  section: InventorySection;
  surface: RequestSurface;
  /** The item's permissions URL. */
  url: string;
  ownerId: string | null;
}

/** Reads one item's permissions into a {@link Sharing}; null when the item is gone (404). */
export async function readSharing(ctx: SectionContext, options: ReadSharingOptions): Promise<Sharing | null> {
  const { section, surface, url } = options;
  const items = await listSection(ctx, { section, surface, url, noneStatuses: ITEM_GONE_STATUSES });
  if (items === null) return null;
  const assignments = parseSection(z.array(rawPermissionSchema), items, { section, environment: ctx.environment, url, pathPrefix: ['value'] });
  return mapSharing(assignments, options.ownerId);
}

/** An inventory item that carries sharing (a canvas app, a cloud flow). */
export interface SharedItem {
  id: string;
  sharing: Sharing | null;
}

export interface ResolveSharingOptions<T extends SharedItem> {
  /** False: sharing is not read at all and stays null. */
  enabled: boolean;
  concurrency: number;
  /** The section's items of the last scan, or null on a first scan. */
  previous: readonly T[] | null;
  /** True when `before`'s sharing still describes `current` (same id already checked). */
  unchanged(current: T, before: T): boolean;
  read(item: T): Promise<Sharing | null>;
}

/**
 * Fills in the sharing of every item: copied from the last scan when the item is unchanged
 * (counted with `ctx.reused()`), else read, at most `concurrency` reads at once.
 */
export async function resolveSharing<T extends SharedItem>(ctx: SectionContext, items: readonly T[], options: ResolveSharingOptions<T>): Promise<T[]> {
  if (!options.enabled) return items.map((item) => ({ ...item, sharing: null }));
  const before = new Map((options.previous ?? []).map((item) => [item.id, item]));
  return mapWithConcurrency(items, options.concurrency, async (item) => {
    const last = before.get(item.id);
    if (last && last.sharing !== null && options.unchanged(item, last)) {
      ctx.reused();
      return { ...item, sharing: last.sharing };
    }
    return { ...item, sharing: await options.read(item) };
  });
}
