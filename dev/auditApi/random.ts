// Deterministic randomness: every value an event needs is a pure function of (seed, index, salt),
// so any event can be rebuilt from its index alone, in O(1), on any machine.

/** MurmurHash3's 32-bit finaliser: cheap and well mixed. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Folds any safe-integer seed (including values above 2^32) into a 32-bit key. */
export function seedKey(seed: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  return fmix32(lo ^ fmix32((hi + 0x632be5ab) >>> 0));
}

/** A 32-bit hash of (key, index, salt); index must be below 2^32. */
export function hash32(key: number, index: number, salt: number): number {
  return fmix32(fmix32(key ^ Math.imul(salt, 0x9e3779b1)) ^ index);
}

/** A uniform number in [0, 1) from (key, index, salt). */
export function unit(key: number, index: number, salt: number): number {
  return hash32(key, index, salt) / 4294967296;
}

// Number#toString(16) is slow for large values; a byte table is about 20× faster.
const BYTE_HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

export function hex8(n: number): string {
  return BYTE_HEX[n >>> 24] + BYTE_HEX[(n >>> 16) & 255] + BYTE_HEX[(n >>> 8) & 255] + BYTE_HEX[n & 255];
}

/** A version-4-shaped UUID whose first 8 hex digits are `a` (so callers can make ids sort). */
export function uuidFrom(a: number, b: number, c: number, d: number): string {
  const bh = hex8(b);
  const ch = hex8(c);
  const variant = '89ab'[c >>> 30];
  return `${hex8(a)}-${bh.slice(0, 4)}-4${bh.slice(5, 8)}-${variant}${ch.slice(1, 4)}-${ch.slice(4, 8)}${hex8(d)}`;
}
