/** Labels and formats shared by the views: one place for the words the dashboard uses. */

/** Capability statuses: a word and a glyph, so status never rests on colour alone. */
export const STATUS = {
  met: { label: 'Met', glyph: '✓', description: 'every check passed, or a person attested it' },
  indicated: { label: 'Indicated', glyph: '◐', description: 'a signal suggests it; a person should confirm it' },
  not_met: { label: 'Not met', glyph: '✗', description: 'a check failed' },
  unknown: { label: 'Unknown', glyph: '?', description: 'evidence missing or an attestation is due' },
};

/** Check outcomes (pass, fail, unknown, not_applicable, attested). */
export const OUTCOME = {
  pass: { label: 'Pass', glyph: '✓', tone: 'met' },
  attested: { label: 'Attested', glyph: '✓', tone: 'met' },
  fail: { label: 'Fail', glyph: '✗', tone: 'not_met' },
  unknown: { label: 'Unknown', glyph: '?', tone: 'unknown' },
  not_applicable: { label: 'Not applicable', glyph: '–', tone: 'neutral' },
};

export const LEVEL_NAMES = { 100: 'Initial', 200: 'Repeatable', 300: 'Defined', 400: 'Capable', 500: 'Efficient' };

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** "27 Nov 2025, 02:00" in the reader's time zone; "—" for nothing. */
export function formatDateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : dateTime.format(d);
}

export function formatDate(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : dateOnly.format(d);
}

const calendarDay = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

/** A calendar day (an expiry, a target date: YYYY-MM-DD or UTC midnight), shown as that same day in every time zone. */
export function formatDay(iso) {
  if (!iso) return '—';
  const d = new Date(String(iso).length === 10 ? `${iso}T00:00:00Z` : iso);
  return Number.isNaN(d.getTime()) ? String(iso) : calendarDay.format(d);
}

export function levelLabel(level) {
  return level === null || level === undefined ? '—' : `${level} ${LEVEL_NAMES[level] ?? ''}`.trim();
}

export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}
