import { describe, expect, it } from 'vitest';
import { fullJitterDelayMs, parseRetryAfterMs } from '../../src/http/backoff.js';
import { redactUrl } from '../../src/http/redact.js';
import { apiErrorMessage } from '../../src/http/http-errors.js';

describe('fullJitterDelayMs', () => {
  it.each([
    [0, 0.999, 499],
    [1, 0.999, 999],
    [3, 0.5, 2000],
    [10, 0.999, 29_970],
    [0, 0, 0],
  ])('attempt %i with random %f gives %i ms (base 500, cap 30000)', (attempt, random, expected) => {
    expect(fullJitterDelayMs(attempt, 500, 30_000, () => random)).toBe(expected);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.UTC(2025, 5, 1, 10, 0, 0);
  it.each<[string | undefined, number | null]>([
    ['7', 7000],
    [' 2 ', 2000],
    ['0.5', 500],
    [new Date(now + 4000).toUTCString(), 4000],
    [new Date(now - 4000).toUTCString(), 0],
    ['soon', null],
    ['', null],
    [undefined, null],
  ])('%s → %s', (header, expected) => {
    expect(parseRetryAfterMs(header, now)).toBe(expected);
  });
});

describe('redactUrl', () => {
  it.each([
    ['https://h/p?api-version=1', 'https://h/p?api-version=1'],
    ['https://h/p?api-version=1&sig=s3cr3t', 'https://h/p?api-version=1&sig=REDACTED'],
    ['https://h/p?$skiptoken=abc&x=1#frag', 'https://h/p?$skiptoken=REDACTED&x=1'],
    ['https://h/p?client_secret=a&code=b', 'https://h/p?client_secret=REDACTED&code=REDACTED'],
    ['https://h/p', 'https://h/p'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('apiErrorMessage', () => {
  it.each<[string, string | null]>([
    ['{"error":{"code":"Forbidden","message":"no"}}', 'Forbidden: no'],
    ['{"error":{"code":"Forbidden"}}', 'Forbidden'],
    ['{"message":"plain"}', 'plain'],
    ['{"error":"invalid_client","error_description":"x"}', 'invalid_client'],
    ['busy', 'busy'],
    ['<html></html>', null],
    ['', null],
    ['{}', null],
  ])('%s → %s', (body, expected) => {
    expect(apiErrorMessage(body)).toBe(expected);
  });
});
