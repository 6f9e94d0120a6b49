/**
 * Replaces known secret values in text that leaves ppmat (an error message from a library, a
 * body an upstream echoed): the last line of defence when the text cannot be kept free of
 * them by construction. A secret is searched in the forms it travels in: as is, URL-encoded
 * (a form body or query string), base64, JSON-escaped (a PEM's line breaks) and, for a
 * multi-line value such as a private key, line by line.
 */

/** Pieces shorter than this are not searched: they would match ordinary text. */
export const MIN_SCRUBBED_LENGTH = 8;

export const SCRUBBED = '[redacted]';

/** The forms `secret` may take in transit, longest first. */
export function secretForms(secret: string): string[] {
  if (secret.length < MIN_SCRUBBED_LENGTH) return [];
  const forms = new Set<string>([
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    Buffer.from(secret, 'utf8').toString('base64'),
    Buffer.from(secret, 'utf8').toString('base64url'),
    JSON.stringify(secret).slice(1, -1),
  ]);
  if (/[\r\n]/.test(secret)) {
    for (const line of secret.split(/\r?\n/)) {
      const trimmed = line.trim();
      if (trimmed.length >= 16 && !/^-----/.test(trimmed)) forms.add(trimmed);
    }
  }
  return [...forms].filter((form) => form.length >= MIN_SCRUBBED_LENGTH).sort((a, b) => b.length - a.length);
}

/** A function replacing every form of every secret by `[redacted]`. */
export function createScrubber(secrets: readonly string[]): (text: string) => string {
  const forms = [...new Set(secrets.flatMap(secretForms))].sort((a, b) => b.length - a.length);
  if (forms.length === 0) return (text) => text;
  return (text) => (forms.some((form) => text.includes(form)) ? forms.reduce((out, form) => out.split(form).join(SCRUBBED), text) : text);
}

/** A JSON Web Token (header.payload.signature, base64url): an access token or client assertion. */
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;

/** The text with every JWT replaced by `[redacted]`: a quoted token is never copied, whoever sent it. */
export function scrubJwts(text: string): string {
  return text.replace(JWT, SCRUBBED);
}
