/**
 * Small, readable patches over an evidence fixture, so each case of a check states only
 * what differs from the base snapshot.
 *
 * - objects merge key by key;
 * - the string `$delete` as a value removes the key (a tenant setting that is absent);
 * - arrays whose items are objects with an `id` merge by id: a patch item updates the base
 *   item with the same id, `{ id, $delete: true }` removes it, an unknown id is appended;
 * - any other array, and any scalar, replaces the base value.
 * Nothing is mutated: the result is a new value.
 */

export const DELETE = '$delete';

type Json = unknown;

const isObject = (value: Json): value is Record<string, Json> => typeof value === 'object' && value !== null && !Array.isArray(value);
const hasId = (value: Json): value is Record<string, Json> & { id: Json } => isObject(value) && 'id' in value;

/** Applies `patch` to `base` (see the module comment for the rules). */
export function applyPatch(base: Json, patch: Json): Json {
  if (isObject(base) && isObject(patch)) {
    const out: Record<string, Json> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (value === DELETE) delete out[key];
      else out[key] = key in base ? applyPatch(base[key], value) : strip(value);
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(patch) && patch.length > 0 && patch.every(hasId) && base.every(hasId)) {
    const out: Json[] = [...base];
    for (const item of patch) {
      const index = out.findIndex((existing) => hasId(existing) && existing.id === item.id);
      if (item[DELETE] === true) {
        if (index >= 0) out.splice(index, 1);
      } else if (index >= 0) {
        out[index] = applyPatch(out[index], item);
      } else {
        out.push(strip(item));
      }
    }
    return out;
  }
  return strip(patch);
}

/** A patch value used as-is: drop `$delete` markers inside it. */
function strip(value: Json): Json {
  if (Array.isArray(value)) return value.map(strip);
  if (isObject(value)) {
    const out: Record<string, Json> = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== DELETE && key !== DELETE) out[key] = strip(member);
    }
    return out;
  }
  return value;
}
