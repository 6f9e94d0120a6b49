/**
 * A small scanner of HTML as a browser tokenizes it (WHATWG "data" state, raw-text elements,
 * comments, quoted and unquoted attributes), for tests that must say which elements and
 * attributes a generated document holds. Not a validator: enough to see that no string
 * escaped its text and became markup.
 */

export interface ScannedElement {
  name: string;
  attributes: [string, string][];
}

export interface ScannedHtml {
  elements: ScannedElement[];
  /** Text outside tags, comments and raw-text elements, character references decoded. */
  text: string;
  /** The raw contents of each `<script>` and `<style>`, in order. */
  rawText: { element: string; content: string }[];
}

const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript']);
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#X')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number(ref.slice(1)));
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

export function scanHtml(html: string): ScannedHtml {
  const elements: ScannedElement[] = [];
  const rawText: ScannedHtml['rawText'] = [];
  let text = '';
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt === -1) {
      text += decodeEntities(html.slice(i));
      break;
    }
    text += decodeEntities(html.slice(i, lt));
    const next = html[lt + 1] ?? '';
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end === -1 ? html.length : end + 3;
    } else if (next === '!' || next === '?') {
      const end = html.indexOf('>', lt);
      i = end === -1 ? html.length : end + 1;
    } else if (next === '/' && /[a-z]/i.test(html[lt + 2] ?? '')) {
      const end = html.indexOf('>', lt);
      i = end === -1 ? html.length : end + 1;
    } else if (/[a-z]/i.test(next)) {
      const { element, end } = readTag(html, lt + 1);
      elements.push(element);
      i = end;
      if (RAW_TEXT.has(element.name)) {
        const close = html.toLowerCase().indexOf(`</${element.name}`, i);
        const stop = close === -1 ? html.length : close;
        if (element.name === 'title' || element.name === 'textarea') text += decodeEntities(html.slice(i, stop));
        else rawText.push({ element: element.name, content: html.slice(i, stop) });
        i = stop;
      }
    } else {
      // A `<` that starts no tag is text.
      text += '<';
      i = lt + 1;
    }
  }
  return { elements, text, rawText };
}

function readTag(html: string, start: number): { element: ScannedElement; end: number } {
  let i = start;
  while (i < html.length && !/[\s/>]/.test(html[i]!)) i += 1;
  const name = html.slice(start, i).toLowerCase();
  const attributes: [string, string][] = [];
  for (;;) {
    while (i < html.length && /[\s/]/.test(html[i]!)) i += 1;
    if (i >= html.length || html[i] === '>') return { element: { name, attributes }, end: i + 1 };
    const nameStart = i;
    while (i < html.length && !/[\s/>=]/.test(html[i]!)) i += 1;
    const attribute = html.slice(nameStart, i).toLowerCase();
    while (i < html.length && /\s/.test(html[i]!)) i += 1;
    let value = '';
    if (html[i] === '=') {
      i += 1;
      while (i < html.length && /\s/.test(html[i]!)) i += 1;
      const quote = html[i];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, i + 1);
        value = html.slice(i + 1, close === -1 ? html.length : close);
        i = close === -1 ? html.length : close + 1;
      } else {
        const valueStart = i;
        while (i < html.length && !/[\s>]/.test(html[i]!)) i += 1;
        value = html.slice(valueStart, i);
      }
    }
    attributes.push([attribute, decodeEntities(value)]);
  }
}
