/**
 * `list + list` in ppmat's CEL: the same values as the standard library, immutable views,
 * and linear over the folds of `map` and `filter` (the library's nests a view per element).
 */
import { celList, isCelList, type CelList } from '@bufbuild/cel';
import { describe, expect, it } from 'vitest';
import { AppendableList, appendConcat } from '../../src/rules/cel-list-append.js';
import { compileCel, createCelEnv } from '../../src/rules/cel.js';

const env = createCelEnv();
const run = (source: string, data: Record<string, unknown>) => compileCel(env, source, new Set(Object.keys(data))).run(data);
const values = (list: CelList): unknown[] => [...list];

describe('list concatenation', () => {
  it.each([
    ['[1, 2] + [3]', [1, 2, 3]],
    ['[] + [1]', [1]],
    ['[1] + []', [1]],
    ['([1] + [2]) + ([3] + [4])', [1, 2, 3, 4]],
    ['doc.items.map(i, i * 2)', [2, 4, 6]],
    ['doc.items.filter(i, i != 2).map(i, string(i))', ['1', '3']],
    ['(doc.items + [4]).size()', 4],
    ['(doc.items + [4])[3]', 4],
    ['doc.items + [4] == [1, 2, 3, 4]', true],
    ['4 in doc.items + [4]', true],
  ])('%s gives %j', (source, expected) => {
    expect(run(source, { doc: { items: [1, 2, 3] } })).toEqual({ ok: true, value: expected });
  });

  it('never changes a list another expression still holds', () => {
    const base = appendConcat(celList([1n]), celList([2n])) as unknown as AppendableList;
    const longer = appendConcat(base as unknown as CelList, celList([3n]));
    // `base` no longer owns the tail of the shared array: appending to it again copies.
    const sibling = appendConcat(base as unknown as CelList, celList([9n]));
    expect(values(base as unknown as CelList)).toEqual([1n, 2n]);
    expect(values(longer)).toEqual([1n, 2n, 3n]);
    expect(values(sibling)).toEqual([1n, 2n, 9n]);
    expect(base.get(2)).toBeUndefined();
    expect(isCelList(longer)).toBe(true);
  });

  it('maps 20,000 environments in one pass, not a nested view per element', () => {
    const environments = Array.from({ length: 20_000 }, (_, i) => ({ id: `env-${i}`, type: i % 2 === 0 ? 'Production' : 'Sandbox' }));
    const result = run("inventory.filter(e, e.type == 'Production').map(e, e.id)", { inventory: environments });
    expect(result.ok && (result.value as unknown[]).length).toBe(10_000);
    // The fold's result is one flat list over one array: reading its last element touches no other view.
    const folded = Array.from({ length: 20_000 }).reduce<CelList>((list, _, i) => appendConcat(list, celList([BigInt(i)])), celList([]));
    expect(folded).toBeInstanceOf(AppendableList);
    expect(folded.size).toBe(20_000);
    expect(folded.get(19_999)).toBe(19_999n);
  });
});
