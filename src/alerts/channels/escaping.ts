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

/**
 * Code units allowed per user-perceived character by default. A grapheme is unbounded: a
 * letter with 10,000 stacked combining marks ("Zalgo" text) or a chain of emoji joined by
 * U+200D is one grapheme, so a cap in graphemes alone let a 30-character name weigh 36,000
 * characters and a message pass every channel's size limit. Eight covers an emoji family
 * sequence (👩‍👩‍👧 is 8 code units); channels with hard limits pass tighter budgets.
 */
export const UNITS_PER_GRAPHEME = 8;

const ELLIPSIS = '…';
// Control characters and line/paragraph separators become spaces; runs of white space collapse.
const BREAKING = /[\p{Cc}\p{Zl}\p{Zp}]/gu;
// Format characters (bidi controls, zero-width space, BOM, soft hyphen, ...) are dropped, except
// the zero-width joiner and non-joiner that emoji sequences and Persian or Indic scripts need.
const INVISIBLE = /(?![\u200C\u200D])\p{Cf}/gu;
// A lone UTF-16 surrogate cannot be encoded in a message; it becomes the replacement character.
const LONE_SURROGATE = /\p{Cs}/gu;
// Written text stacks a few combining marks on a letter (Vietnamese two, pointed Hebrew four or
// five); more is "Zalgo" decoration. Runs are cut to eight, so such a name keeps its letters
// within a budget instead of being cut to nothing.
const MARK_RUN = /(\p{M}{8})\p{M}+/gu;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * One line of plain text: no control, bidi or invisible characters, white space collapsed,
 * at most `max` graphemes and `maxUnits` UTF-16 code units (cut at a grapheme boundary so
 * an emoji or accent is never split, and ended with an ellipsis).
 */
export function plainText(value: string, max: number = MAX_TEXT_LENGTH, maxUnits: number = max * UNITS_PER_GRAPHEME): string {
  return clip(clean(value), max, maxUnits, (grapheme) => grapheme.length);
}

function clean(value: string): string {
  return value.replace(LONE_SURROGATE, '\uFFFD').replace(MARK_RUN, '$1').replace(BREAKING, ' ').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
}

/**
 * `text` cut to at most `max` graphemes whose widths (their length once escaped by the
 * caller, never less) add up to at most `maxUnits`, ellipsis included.
 *
 * Only the first `maxUnits + 1` code units are segmented: nothing past them can be kept, and
 * the boundaries before them do not depend on what follows (a grapheme cut at the end of the
 * slice ends past `maxUnits`, so it is refused either way). Segmenting a 100 KB name whole
 * cost V8 30 ms for 200 graphemes and 200 ms for 500; the slice costs a fraction of that.
 */
function clip(text: string, max: number, maxUnits: number, width: (grapheme: string) => number): string {
  let count = 0;
  let units = 0;
  // The longest prefix that still leaves room for the ellipsis (one unit, escaped as itself).
  let end = 0;
  const head = text.length > maxUnits + 1 ? text.slice(0, maxUnits + 1) : text;
  for (const { segment, index } of graphemes.segment(head)) {
    const w = width(segment);
    if (count + 1 > max || units + w > maxUnits) return `${text.slice(0, end).trimEnd()}${ELLIPSIS}`;
    count += 1;
    units += w;
    if (count <= max - 1 && units <= maxUnits - 1) end = index + segment.length;
  }
  return text;
}

/** The length of `grapheme` once each of its characters in `widths` is replaced (by an entity or an escape). */
function escapedWidth(widths: Readonly<Record<string, number>>): (grapheme: string) => number {
  return (grapheme) => {
    let w = 0;
    for (const char of grapheme) w += widths[char] ?? char.length;
    return w;
  };
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
// Every Markdown control takes a backslash; `&` may (before an entity-like run).
const MARKDOWN_WIDTH = escapedWidth(Object.fromEntries([...'\\*_[]`~<>{}&'].map((c) => [c, 2])));
/**
 * Adaptive Cards: a budget of 4 units per grapheme keeps the card's header (title, summary,
 * tenant, ids) under 18 KB in UTF-8, so the changes fit in Teams' 28 KB (see teams.channel.ts).
 */
const MARKDOWN_UNITS_PER_GRAPHEME = 4;

/**
 * Text for an Adaptive Card TextBlock or Fact: {@link plainText}, then every Markdown
 * control escaped with a backslash (CommonMark's escape), so `[x](http://evil)` shows as
 * typed instead of becoming a link and `**x**` is not bold.
 */
export function markdownText(value: string, max: number = MAX_TEXT_LENGTH, maxUnits: number = max * MARKDOWN_UNITS_PER_GRAPHEME): string {
  // One unit is kept for the backslash a list, heading or quote marker at the start gets.
  return clip(clean(value), max, maxUnits - 1, MARKDOWN_WIDTH)
    .replace(MARKDOWN_ACTIVE, (char) => `\\${char}`)
    .replace(ENTITY, '\\&')
    .replace(BLOCK_START, (_match, marker: string | undefined, digits: string | undefined, dot: string | undefined) =>
      marker === undefined ? `${digits}\\${dot}` : `\\${marker}`,
    );
}

const SLACK_WIDTH = escapedWidth({ '&': 5, '<': 4, '>': 4 });
/**
 * Slack refuses a section of more than 3,000 characters and a field of more than 2,000: at
 * 3.5 units per grapheme a change (four texts of 200 graphemes), the summary (500) and the
 * tenant field (two of 200) stay under them, entities included.
 */
const SLACK_UNITS_PER_GRAPHEME = 3.5;

/**
 * Text for Slack `mrkdwn`: {@link plainText}, then `&`, `<` and `>` as entities, the three
 * characters Slack reserves for links and mentions (`<https://evil|click>`, `<!channel>`).
 * Slack has no escape for `*`, `_` or `~`, so those may still style a name; they cannot
 * link, mention or hide anything. Senders also set `verbatim: true` so bare URLs and
 * `@channel` are not parsed.
 */
export function slackText(value: string, max: number = MAX_TEXT_LENGTH, maxUnits: number = Math.floor(max * SLACK_UNITS_PER_GRAPHEME)): string {
  return clip(clean(value), max, maxUnits, SLACK_WIDTH).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const HTML_WIDTH = escapedWidth(Object.fromEntries(Object.entries(HTML_ENTITIES).map(([c, entity]) => [c, entity.length])));

/** Text for HTML content or a quoted attribute: {@link plainText}, then the five HTML specials escaped. */
export function htmlText(value: string, max: number = MAX_TEXT_LENGTH, maxUnits: number = max * UNITS_PER_GRAPHEME): string {
  return clip(clean(value), max, maxUnits, HTML_WIDTH).replace(/[&<>"']/g, (char) => HTML_ENTITIES[char] ?? char);
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
