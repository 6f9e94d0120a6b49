/** The guard that keeps a bearer token on the API it was issued for. */
import { CollectionError } from '../collectors/types.js';
import { redactUrl } from './redact.js';

/**
 * Refuses an absolute URL (a `nextLink` from a response) that leaves the API's host or its
 * subdomains (regional hosts such as `europe.api.bap.microsoft.com`), or changes protocol,
 * so the access token is never sent elsewhere.
 */
export function assertSameApiHost(url: string, baseUrl: string, apiName: string): void {
  const target = new URL(url);
  const home = new URL(baseUrl);
  const sameHost = target.host === home.host || target.hostname.endsWith(`.${home.hostname}`);
  if (!sameHost || target.protocol !== home.protocol) {
    throw new CollectionError(
      'error',
      'PPMAT_E_MALFORMED_RESPONSE',
      `The link ${redactUrl(url)} points outside the ${apiName} API (${home.origin}); the request was refused so the access token is not sent elsewhere.`,
      { url: redactUrl(url) },
    );
  }
}
