/**
 * List concatenation for CEL that stays linear inside comprehensions.
 *
 * CEL's `filter` and `map` macros fold `result + [item]` once per element. The library's
 * `_+_` for lists returns a view over both operands, so after n steps the result is n views
 * deep: iterating it walks up to n nested generators per element, O(n²). Over 10,000
 * environments one `.map(e, e.displayName)` took seconds.
 *
 * {@link appendConcat} replaces that overload with the trick of Go's `append`: a list is a
 * length over a backing array. Concatenating onto the list that owns the array's tail pushes
 * onto the same array and returns a longer view, O(right) amortized; concatenating onto any
 * other list (an older view, an input list) copies it first. Lists stay immutable to CEL: a
 * view never sees what was pushed past its length.
 */
import { celFunc, CelScalar, listType, type CelList, type CelValue } from '@bufbuild/cel';

/** The library's brand for lists (`Symbol.for`, so `isCelList` accepts this class). */
const LIST_BRAND = Symbol.for('@bufbuild/cel/list');

export class AppendableList implements Iterable<CelValue> {
  readonly [LIST_BRAND] = {};

  constructor(
    private readonly items: CelValue[],
    private readonly length: number,
  ) {}

  get size(): number {
    return this.length;
  }

  get(index: number): CelValue | undefined {
    return index >= 0 && index < this.length ? this.items[index] : undefined;
  }

  *values(): IterableIterator<CelValue> {
    for (let i = 0; i < this.length; i++) yield this.items[i] as CelValue;
  }

  [Symbol.iterator](): IterableIterator<CelValue> {
    return this.values();
  }

  /** This list followed by `right`: shares the backing array when this list owns its tail. */
  append(right: CelList): AppendableList {
    const items = this.length === this.items.length ? this.items : this.items.slice(0, this.length);
    for (const value of right) items.push(value);
    return new AppendableList(items, items.length);
  }
}

/** `left + right` for CEL lists, linear over a fold (see the module comment). */
export function appendConcat(left: CelList, right: CelList): CelList {
  if (right.size === 0) return left;
  const base = left instanceof AppendableList ? left : new AppendableList([...left], left.size);
  return base.append(right) as unknown as CelList;
}

/** The overload that replaces the standard library's `list + list` (a later function with the same signature wins). */
export function listAppendFuncs() {
  const LIST = listType(CelScalar.DYN);
  return [celFunc('_+_', [LIST, LIST], LIST, (left, right) => appendConcat(left, right))];
}
