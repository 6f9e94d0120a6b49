import { describe, expect, it } from 'vitest';
import { applyPatch } from '../../src/rules/patch.js';

describe('applyPatch', () => {
  const base = { a: { b: 1, c: 2 }, list: [{ id: 'x', v: 1 }, { id: 'y', v: 2 }], plain: [1, 2] };

  it.each([
    ['merges objects', { a: { b: 9 } }, { ...base, a: { b: 9, c: 2 } }],
    ['deletes a key', { a: { c: '$delete' } }, { ...base, a: { b: 1 } }],
    ['merges list items by id', { list: [{ id: 'y', v: 5 }] }, { ...base, list: [{ id: 'x', v: 1 }, { id: 'y', v: 5 }] }],
    ['removes a list item', { list: [{ id: 'x', $delete: true }] }, { ...base, list: [{ id: 'y', v: 2 }] }],
    ['appends an unknown id', { list: [{ id: 'z', v: 3 }] }, { ...base, list: [...base.list, { id: 'z', v: 3 }] }],
    ['replaces other arrays', { plain: [3] }, { ...base, plain: [3] }],
    ['replaces a list with an empty list', { list: [] }, { ...base, list: [] }],
  ])('%s', (_name, patch, expected) => {
    expect(applyPatch(base, patch)).toEqual(expected);
  });

  it('does not mutate the base', () => {
    const copy = structuredClone(base);
    applyPatch(base, { a: { b: 3 }, list: [{ id: 'x', $delete: true }] });
    expect(base).toEqual(copy);
  });
});
