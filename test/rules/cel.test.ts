/**
 * The CEL adapter over plain JSON: has(), size(), all(), exists(), map(), ints vs doubles, names(), listing().
 */
import { describe, expect, it } from 'vitest';
import { CelCompileError, compileCel, createCelEnv, formatListing, formatNames, fromCel, toCelInput } from '../../src/rules/cel.js';

const env = createCelEnv();
const data = {
  doc: {
    count: 2,
    ratio: 0.5,
    flag: true,
    missing: null,
    items: [
      { name: 'a', value: 1 },
      { name: 'b', value: 3 },
    ],
    nested: { key: 'x' },
  },
};

const run = (source: string) => compileCel(env, source, new Set(['doc'])).run(data);

describe('compileCel on plain JSON', () => {
  it.each([
    ['has(doc.count)', true],
    ['has(doc.absent)', false],
    ['has(doc.nested.key)', true],
    ['doc.items.size()', 2],
    ['doc.items.size() == doc.count', true],
    ['doc.count + 1', 3],
    ['doc.ratio * 2.0', 1],
    ['doc.count > 1.5', true],
    ['doc.count == 2.0', true],
    ['doc.items.all(i, i.value > 0)', true],
    ['doc.items.exists(i, i.name == "b")', true],
    ['doc.items.map(i, i.name)', ['a', 'b']],
    ['doc.items.filter(i, i.value > 1).map(i, i.name)', ['b']],
    ['doc.nested', { key: 'x' }],
    ['doc.missing == null', true],
    ["'key' in doc.nested", true],
    ['doc.items.map(i, i.name).join("+")', 'a+b'],
    ['names(doc.items.map(i, i.name))', "'a' and 'b'"],
    ['names(["a", "b", "c"], 2)', "'a', 'b' and 1 more"],
    ['listing(["is off", "is old", "is wrong"])', 'is off, is old and is wrong'],
    ['string(doc.count)', '2'],
  ])('%s gives %j', (source, expected) => {
    expect(run(source)).toEqual({ ok: true, value: expected });
  });

  it('reports a runtime error instead of throwing', () => {
    const result = run('doc.absent.key');
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toMatch(/absent/);
  });

  it.each([
    ['doc.count >', /does not parse/],
    ['nope(doc)', /unknown function 'nope'/],
    ['other.count', /reads 'other'/],
  ])('refuses %s at compile time', (source, reason) => {
    expect(() => compileCel(env, source, new Set(['doc']))).toThrow(CelCompileError);
    expect(() => compileCel(env, source, new Set(['doc']))).toThrow(reason);
  });

  it('allows comprehension variables and reports the facts it reads', () => {
    const compiled = compileCel(env, 'facts.dlp.uncovered.all(e, e.id != "") && facts.sharing.managedCount > 0', new Set(['facts']));
    expect(compiled.facts.sort()).toEqual(['dlp', 'sharing']);
    expect(compiled.roots).toEqual(['facts']);
  });
});

describe('JSON conversion', () => {
  it('turns integral numbers into ints and back', () => {
    expect(toCelInput({ a: 1, b: 1.5, c: [2], d: undefined })).toEqual({ a: 1n, b: 1.5, c: [2n] });
    expect(fromCel(3n)).toBe(3);
  });

  it.each([
    [[], ''],
    [['a'], "'a'"],
    [['a', 'b', 'c'], "'a', 'b' and 'c'"],
  ])('formatNames(%j) is %j', (items, expected) => {
    expect(formatNames(items)).toBe(expected);
  });

  it.each([
    [[], ''],
    [['a'], 'a'],
    [['a', 'b'], 'a and b'],
    [['a', 'b', 'c'], 'a, b and c'],
    [Array.from({ length: 23 }, (_, i) => `p${i}`), `${Array.from({ length: 20 }, (_, i) => `p${i}`).join(', ')} and 3 more`],
  ])('formatListing(%j) is %j', (items, expected) => {
    expect(formatListing(items)).toBe(expected);
  });
});

describe('countAbove(histogram, threshold)', () => {
  const histogram = { doc: { buckets: [ { value: 0, count: 4 }, { value: 30, count: 2 }, { value: 365, count: 1 } ], days: 30, share: 0.5 } };
  const count = (source: string) => compileCel(env, source, new Set(['doc'])).run(histogram);
  it.each([
    ['countAbove(doc.buckets, 0)', 3],
    ['countAbove(doc.buckets, doc.days)', 1],
    ['countAbove(doc.buckets, 29)', 3],
    ['countAbove(doc.buckets, 1000)', 0],
    ['countAbove(doc.buckets, -1)', 7],
    ['countAbove(doc.buckets, doc.share)', 3],
    ['countAbove([], 5)', 0],
  ])('%s is %j', (source, expected) => {
    expect(count(source)).toEqual({ ok: true, value: expected });
  });

  it('fails with the bucket it cannot read', () => {
    const result = count('countAbove([1, 2], 0)');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/countAbove\(\) needs a list of \{value, count\} buckets, got 1/);
  });
});
