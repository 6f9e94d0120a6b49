/**
 * API answers with characters PostgreSQL cannot store (U+0000, unpaired surrogates) become
 * storable when parsed: the scan that stores them does not fail, and nothing else changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalDocument } from '../../src/evidence/content-hash.js';
import { parseStorableJson, storableText } from '../../src/http/storable-json.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

const hostile = String.raw`{"value":[{"name":"a\u0000b","displayName":"lone \ud800 high, lone \udc00 low","emoji":"\ud83d\ude00 ok","k\u0000ey":1}]}`;

describe('parseStorableJson', () => {
  it('replaces U+0000 and unpaired surrogates in strings and keys by U+FFFD, and keeps pairs', () => {
    expect(parseStorableJson(hostile)).toEqual({ value: [{ name: 'a\uFFFDb', displayName: 'lone \uFFFD high, lone \uFFFD low', emoji: '\u{1F600} ok', 'k\uFFFDey': 1 }] });
  });

  it('parses ordinary JSON exactly as JSON.parse does', () => {
    const text = '{"a":[1,2.5,null,true,"x\\u00e9\\n"],"b":{"c":"\\ud83d\\ude00"}}';
    expect(parseStorableJson(text)).toEqual(JSON.parse(text));
    expect(storableText('plain')).toBe('plain');
  });

  it('still refuses text that is not JSON', () => {
    expect(() => parseStorableJson('{"a":')).toThrow(SyntaxError);
  });
});

describe('storing what was parsed', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it('PostgreSQL refuses the raw answer and stores the parsed one', async () => {
    const insert = (json: string) => db.pool.query('SELECT $1::jsonb AS doc', [json]);
    const { rows } = await insert(canonicalDocument(parseStorableJson(hostile)).json);
    expect(rows[0].doc.value[0].name).toBe('a\uFFFDb');
    await expect(insert(canonicalDocument(JSON.parse(hostile)).json)).rejects.toThrow();
  });
});
