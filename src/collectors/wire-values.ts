/**
 * Readers for the admin APIs' stringly-typed values: `extendedSettings` sends numbers and
 * booleans as strings (`"-1"`, `"true"`; reference section 1a and pitfall 4). A value
 * that is absent, empty or unparsable becomes null, because unknown is not false.
 */

/** `"20"` → 20, `"-1"` → -1, a number as is; anything else → null. */
export function wireNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : null;
}

/** `"true"`/`"false"` (any case) or a boolean; anything else → null. */
export function wireBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return null;
  const text = value.trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  return null;
}

/** A non-empty string, else null (the API sends `""` for settings that were never set). */
export function wireString(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}
