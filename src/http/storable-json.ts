/**
 * JSON from an admin API, made storable. PostgreSQL refuses U+0000 and unpaired UTF-16
 * surrogates in text and jsonb, and a name carrying one (an app called "a\u0000b", which the
 * APIs return as written) would fail the scan that stores it, every night. Such characters are
 * replaced by U+FFFD, as a decoder does with invalid bytes; nothing else changes.
 *
 * Both can only enter through a `\u` escape in the JSON text (JSON forbids raw control
 * characters in strings, and decoding UTF-8 already replaced invalid bytes), so text without
 * one is parsed as it is, at no cost.
 */

/** A `\u0000` escape, or an escaped surrogate (paired or not: the reviver tells them apart). */
const SUSPECT_ESCAPE = /\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})/;
/** U+0000, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what PostgreSQL refuses.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The string with every character PostgreSQL cannot store replaced by U+FFFD. */
export function storableText(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

/** `JSON.parse`, with unstorable characters in keys and strings replaced (see the module comment). */
export function parseStorableJson(text: string): unknown {
  if (!SUSPECT_ESCAPE.test(text)) return JSON.parse(text) as unknown;
  return JSON.parse(text, function revive(this: unknown, _key: string, value: unknown) {
    if (typeof value === 'string') return storableText(value);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      let renamed: Record<string, unknown> | null = null;
      for (const key of Object.keys(value)) {
        const clean = storableText(key);
        if (clean === key) continue;
        renamed ??= { ...(value as Record<string, unknown>) };
        delete renamed[key];
        renamed[clean] = (value as Record<string, unknown>)[key];
      }
      return renamed ?? value;
    }
    return value;
  });
}
