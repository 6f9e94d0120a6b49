/**
 * Characters that change what a reader sees without being seen. U+202E makes "Invoices
 * \u202Egpj.exe" read "Invoices exe.jpg"; U+0000 ends the text for tools written in C and is
 * a parse error in HTML and Markdown. The presentation formats (HTML, Markdown) show each
 * bidi control as a visible `<U+202E>` marker, as the dashboard does
 * (src/dashboard/public/dom.js), and U+0000 as U+FFFD, before escaping; the data formats
 * (JSON, CSV) keep the value as collected.
 */

/** Overrides, embeddings, isolates and marks: the characters that can reorder what a reader sees. */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** `text` with each bidi control replaced by `<U+XXXX>` and U+0000 by U+FFFD (still to be escaped for the format). */
export function visibleText(text: string): string {
  return text.replace(BIDI_CONTROLS, (c) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`).replaceAll('\u0000', '\uFFFD');
}
