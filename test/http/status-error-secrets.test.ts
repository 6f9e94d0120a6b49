/** An API that quotes the bearer token it refused: the error keeps its words, never the token. */
import { describe, expect, it } from 'vitest';
import { statusError } from '../../src/http/http-errors.js';

const TOKEN = 'opaque-access-token-4c1d2e3f';
const JWT = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL3NlcnZpY2UifQ.c2lnbmF0dXJlLXBhcnQ';

describe('statusError', () => {
  it.each([
    ['the token sent', { error: { code: 'InvalidAuthenticationToken', message: `The token '${TOKEN}' is expired.` } }, "InvalidAuthenticationToken: The token '[redacted]' is expired."],
    ['any JWT', { message: `Bearer ${JWT} was rejected` }, 'Bearer [redacted] was rejected'],
  ])('replaces %s in the API text', (_name, body, said) => {
    const error = statusError({ surface: 'bap', method: 'GET', url: 'https://api.bap.microsoft.com/x', status: 401, body: JSON.stringify(body), secrets: [TOKEN] });
    expect(error.message).toContain(`The API said: ${said}`);
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).not.toContain(JWT.slice(0, 40));
  });
});
