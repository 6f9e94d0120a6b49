/**
 * A small seeded PRNG so the demo tenant is the same for the same seed on every machine:
 * demos, screenshots and golden tests stay stable.
 */

/** mulberry32 (Tommy Ettinger's public-domain 32-bit generator): returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Convenience draws over one generator. */
export interface Rng {
  next(): number;
  int(min: number, maxInclusive: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Items in a seeded random order (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[];
  /** A version-4-shaped GUID drawn from the generator. */
  guid(): string;
}

/** Seeded draws for the tenant model; every call advances one shared sequence, so build order matters. */
export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  const int = (min: number, maxInclusive: number): number => min + Math.floor(next() * (maxInclusive - min + 1));
  return {
    next,
    int,
    chance: (probability) => next() < probability,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick() needs at least one item');
      return items[int(0, items.length - 1)] as (typeof items)[number];
    },
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i -= 1) {
        const j = int(0, i);
        [out[i], out[j]] = [out[j] as (typeof out)[number], out[i] as (typeof out)[number]];
      }
      return out;
    },
    guid: () => {
      const hex = Array.from({ length: 32 }, () => int(0, 15).toString(16));
      hex[12] = '4';
      hex[16] = ((int(0, 15) & 0x3) | 0x8).toString(16);
      const s = hex.join('');
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
    },
  };
}

/**
 * Mixes integers into one 32-bit seed (murmur3's finalizer after each part), so an item's
 * draws depend only on its coordinates (seed, kind, environment, index): any item of a huge
 * simulated tenant can be generated alone, in any order, always the same.
 */
export function hashSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x01000193) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** An independent generator for one coordinate tuple (see {@link hashSeed}). */
export function rngAt(...parts: number[]): Rng {
  return createRng(hashSeed(...parts));
}

/**
 * A version-4-shaped GUID whose first 8 hex digits are `index` XOR `mask`, so the item it names
 * can be found again from the GUID alone (regenerate item `index`, compare the GUID), while
 * GUIDs of different lists (different masks) do not look alike.
 */
export function indexedGuid(index: number, rng: Rng, mask = 0): string {
  const hex = (n: number, width: number): string => (n >>> 0).toString(16).padStart(width, '0').slice(-width);
  const r16 = (): number => rng.int(0, 0xffff);
  return `${hex(index ^ mask, 8)}-${hex(r16(), 4)}-4${hex(r16(), 3)}-${hex(0x8000 | (r16() & 0x3fff), 4)}-${hex(r16(), 4)}${hex(r16(), 4)}${hex(r16(), 4)}`;
}

/** The index an {@link indexedGuid} of this `mask` encodes, or -1 when the text is no such GUID. */
export function indexOfGuid(guid: string, mask = 0): number {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(guid)) return -1;
  return (Number.parseInt(guid.slice(0, 8), 16) ^ mask) >>> 0;
}
