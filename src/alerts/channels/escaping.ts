/**
 * Turning untrusted strings into safe text for each channel's markup.
 *
 * Alert text carries names from the tenant's evidence, and any maker can name a flow, an app
 * or an environment `[Reset your password](https://evil.example)` or `<!channel>`. Each
 * channel therefore escapes every string for its own markup, after {@link plainText} has
 * removed what no markup can make safe: control characters, bidirectional overrides (a name
 * with U+202E reads backwards, "gnp.exe" shows as "exe.png") and invisible format characters,
 * and has capped the length so one name cannot crowd out the rest of the message.
 */

/** Longest name or sentence shown, in user-perceived characters (a message is for people, not a dump). */
export const MAX_TEXT_LENGTH = 200;

const ELLIPSIS = '…';
// Control characters and line/paragraph separators become spaces; runs of white space collapse.
const BREAKING = /[\p{Cc}\p{Zl}\p{Zp}]/gu;
// Format characters (bidi controls, zero-width space, BOM, soft hyphen, ...) are dropped, except
// the zero-width joiner and non-joiner that emoji sequences and Persian or Indic scripts need.
const INVISIBLE = /(?![\u200C\u200D])\p{Cf}/gu;
// A lone UTF-16 surrogate cannot be encoded in a message; it becomes the replacement character.
const LONE_SURROGATE = /\p{Cs}/gu;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * One line of plain text: no control, bidi or invisible characters, white space collapsed,
 * at most `max` graphemes (cut at a grapheme boundary so an emoji or accent is never split,
 * and ended with an ellipsis).
 */
export function plainText(value: string, max: number = MAX_TEXT_LENGTH): string {
  const clean = value.replace(LONE_SURROGATE, '\uFFFD').replace(BREAKING, ' ').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  // Segments are read lazily: a 5,000-character name costs `max` segments, not 5,000.
  let count = 0;
  let end = 0;
  for (const { index } of graphemes.segment(clean)) {
    if (count === max - 1) end = index;
    if (count === max) return `${clean.slice(0, end).trimEnd()}${ELLIPSIS}`;
    count += 1;
  }
  return clean;
}

// The Markdown of Adaptive Cards is a CommonMark subset: bold, italic, lists, links. Escaping
// the brackets is enough to stop a link; the emphasis, code and strike markers are escaped
// too. Parentheses and dots are left alone: names often hold them, and a renderer that
// ignored escapes would show a backslash before each.
const MARKDOWN_ACTIVE = /[\\*_[\]`~<>{}]/g;
// An entity such as `&amp;` would be decoded by the renderer; a bare `&` ("R&D") is kept.
const ENTITY = /&(?=#\d+;|#x[0-9a-f]+;|[a-z][a-z0-9]*;)/gi;
// At the start of a line these make a list, a heading or a quote.
const BLOCK_START = /^([-+#>])|^(\d+)([.)])/;

/**
 * Text for an Adaptive Card TextBlock or Fact: {@link plainText}, then every Markdown
 * control escaped with a backslash (CommonMark's escape), so `[x](http://evil)` shows as
 * typed instead of becoming a link and `**x**` is not bold.
 */
export function markdownText(value: string, max: number = MAX_TEXT_LENGTH): string {
  return plainText(value, max)
    .replace(MARKDOWN_ACTIVE, (char) => `\\${char}`)
    .replace(ENTITY, '\\&')
    .replace(BLOCK_START, (_match, marker: string | undefined, digits: string | undefined, dot: string | undefined) =>
      marker === undefined ? `${digits}\\${dot}` : `\\${marker}`,
    );
}

/**
 * Text for Slack `mrkdwn`: {@link plainText}, then `&`, `<` and `>` as entities, the three
 * characters Slack reserves for links and mentions (`<https://evil|click>`, `<!channel>`).
 * Slack has no escape for `*`, `_` or `~`, so those may still style a name; they cannot
 * link, mention or hide anything. Senders also set `verbatim: true` so bare URLs and
 * `@channel` are not parsed.
 */
export function slackText(value: string, max: number = MAX_TEXT_LENGTH): string {
  return plainText(value, max).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content or a quoted attribute: {@link plainText}, then the five HTML specials escaped. */
export function htmlText(value: string, max: number = MAX_TEXT_LENGTH): string {
  return plainText(value, max).replace(/[&<>"']/g, (char) => HTML_ENTITIES[char] ?? char);
}

/** The URL when it is an absolute http(s) URL, else undefined: a link never gets another scheme (`javascript:`). */
export function httpUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}
