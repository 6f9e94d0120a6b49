/**
 * URLs appear in error messages and logs; query values that may carry secrets
 * (SAS signatures, codes, tokens, skip tokens) are replaced so a message can be
 * pasted into a ticket safely.
 */

/** Query parameter names whose values are never printed. */
const SECRET_QUERY_NAME = /token|sig|secret|password|key|code|auth/i;

/** Returns the URL with the values of secret-looking query parameters replaced by `REDACTED`. */
export function redactUrl(url: string): string {
  const hashIndex = url.indexOf('#');
  const withoutHash = hashIndex === -1 ? url : url.slice(0, hashIndex);
  const queryIndex = withoutHash.indexOf('?');
  if (queryIndex === -1) return withoutHash;
  const base = withoutHash.slice(0, queryIndex);
  const query = withoutHash
    .slice(queryIndex + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // keep the raw name
      }
      return eq !== -1 && SECRET_QUERY_NAME.test(decoded) ? `${name}=REDACTED` : pair;
    })
    .join('&');
  return `${base}?${query}`;
}
