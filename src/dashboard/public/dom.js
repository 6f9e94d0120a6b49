/**
 * DOM helpers. Every piece of text goes in through text nodes (never innerHTML), and
 * invisible bidirectional controls are made visible, so hostile strings from evidence
 * can neither inject markup nor reorder what the reader sees.
 */

/** Bidirectional overrides, embeddings, isolates and marks: they can make text read backwards. */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** Replaces bidi controls with a visible `<U+202E>` marker. */
export function visible(text) {
  return String(text).replace(BIDI_CONTROLS, (c) => `<U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}>`);
}

/**
 * Creates an element. `attrs` keys: `class`, `dataset` (object), `on` (event map), `hidden`,
 * boolean/string attributes; children: nodes, strings (as text), arrays, null/false (skipped).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (key === 'dataset') for (const [k, v] of Object.entries(value)) el.dataset[k] = String(v);
    else if (key === 'on') for (const [event, handler] of Object.entries(value)) el.addEventListener(event, handler);
    else if (key === 'text') el.textContent = visible(value);
    else if (value === true) el.setAttribute(key, '');
    else if (key === 'title' || key.startsWith('aria-')) el.setAttribute(key, visible(value));
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

/** Appends nodes, strings (as text nodes) and nested arrays; skips null, undefined and false. */
export function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(visible(child)));
  }
  return parent;
}

/** Empties a node and fills it again. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** Only http(s) links from data become clickable; anything else stays text. */
export function safeUrl(url) {
  try {
    const parsed = new URL(String(url), window.location.href);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** An external link from data (rel=noopener), or plain text when the URL is not http(s). */
export function externalLink(url, label = url) {
  const href = safeUrl(url);
  if (!href) return h('span', { class: 'mono' }, String(url));
  return h('a', { href, rel: 'noopener noreferrer', target: '_blank', class: 'external' }, label, h('span', { class: 'visually-hidden' }, ' (opens in a new tab)'));
}

/** Pretty JSON with bidi controls escaped the JSON way (\u202e), for `<pre>`. */
export function prettyJson(value) {
  return JSON.stringify(value, null, 2).replace(BIDI_CONTROLS, (c) => `\\u${c.codePointAt(0).toString(16).padStart(4, '0')}`);
}
