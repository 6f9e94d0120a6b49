/**
 * Content addressing of evidence: the sha256 of the canonical JSON (RFC 8785, JCS).
 * Canonical form makes the hash independent of key order, so a document that did not
 * change between scans hashes the same and is stored once.
 */
import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';

// canonicalize is CommonJS (`module.exports = fn`) but its types declare an ES default export.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

export interface CanonicalDocument {
  hash: string;
  json: string;
  bytes: number;
}

export function canonicalDocument(value: unknown): CanonicalDocument {
  const json = canonicalize(value);
  if (json === undefined) throw new TypeError('Evidence must be a JSON value, got undefined.');
  return { hash: createHash('sha256').update(json).digest('hex'), json, bytes: Buffer.byteLength(json) };
}
