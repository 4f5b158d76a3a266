// Id digests for the id ledger: 128 bits per id (MurmurHash3 x86_128 of the id's JSON token in its canonical spelling,
// four 32-bit lanes), computed straight from the page's bytes into one growing array, so a batch's ids cost no object
// each. Not a cryptographic hash: ids come from the audit API, and 128 bits make a collision among an hour's ids
// negligible. An id with no escape is its own canonical spelling, so it digests as it did before ids were compared by
// value (ledgers written then stay valid); only an escaped one is re-spelled first (ndjson/idToken.ts).
import { canonicalIdBytes } from '../ndjson/idToken';

/** Bytes of one digest as stored: four little-endian 32-bit lanes. */
export const DIGEST_BYTES = 16;

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));
const fmix = (h: number) => {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
};
const word = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
/** The tail's bytes from i, up to n of them (n < 4), as one little-endian word. */
const tailWord = (b: Uint8Array, i: number, n: number) => {
  let k = 0;
  for (let j = n - 1; j >= 0; j--) k = (k << 8) | b[i + j]!;
  return k;
};

/** Each byte of a word that is a backslash (0x5c) marked by its top bit; nonzero exactly when one is. */
const BACKSLASHES = 0x5c5c5c5c;
const backslashIn = (w: number) => {
  const x = w ^ BACKSLASHES;
  return (x - 0x01010101) & ~x & 0x80808080;
};

/**
 * The digest of b[start..end) into out[at..at+4). Returns nonzero if the bytes hold a backslash: looked for in the
 * words the hash reads anyway (a tail word's missing bytes are 0, never one), so an id's escape costs no second pass.
 */
function digestInto(b: Uint8Array, start: number, end: number, out: Uint32Array, at: number): number {
  const len = end - start;
  let h1 = 0;
  let h2 = 0;
  let h3 = 0;
  let h4 = 0;
  let seen = 0;
  let i = start;
  for (; i + 16 <= end; i += 16) {
    const w1 = word(b, i);
    const w2 = word(b, i + 4);
    const w3 = word(b, i + 8);
    const w4 = word(b, i + 12);
    seen |= backslashIn(w1) | backslashIn(w2) | backslashIn(w3) | backslashIn(w4);
    h1 ^= Math.imul(rotl(Math.imul(w1, C1), 15), C2);
    h1 = (Math.imul(rotl(h1, 19) + h2, 5) + 0x561ccd1b) | 0;
    h2 ^= Math.imul(rotl(Math.imul(w2, C2), 16), C3);
    h2 = (Math.imul(rotl(h2, 17) + h3, 5) + 0x0bcaa747) | 0;
    h3 ^= Math.imul(rotl(Math.imul(w3, C3), 17), C4);
    h3 = (Math.imul(rotl(h3, 15) + h4, 5) + 0x96cd1c35) | 0;
    h4 ^= Math.imul(rotl(Math.imul(w4, C4), 18), C1);
    h4 = (Math.imul(rotl(h4, 13) + h1, 5) + 0x32ac3b17) | 0;
  }
  const rest = end - i;
  if (rest > 12) {
    const w = tailWord(b, i + 12, rest - 12);
    seen |= backslashIn(w);
    h4 ^= Math.imul(rotl(Math.imul(w, C4), 18), C1);
  }
  if (rest > 8) {
    const w = rest >= 12 ? word(b, i + 8) : tailWord(b, i + 8, rest - 8);
    seen |= backslashIn(w);
    h3 ^= Math.imul(rotl(Math.imul(w, C3), 17), C4);
  }
  if (rest > 4) {
    const w = rest >= 8 ? word(b, i + 4) : tailWord(b, i + 4, rest - 4);
    seen |= backslashIn(w);
    h2 ^= Math.imul(rotl(Math.imul(w, C2), 16), C3);
  }
  if (rest > 0) {
    const w = rest >= 4 ? word(b, i) : tailWord(b, i, rest);
    seen |= backslashIn(w);
    h1 ^= Math.imul(rotl(Math.imul(w, C1), 15), C2);
  }
  h1 ^= len;
  h2 ^= len;
  h3 ^= len;
  h4 ^= len;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  out[at] = h1;
  out[at + 1] = (h2 + h1) | 0;
  out[at + 2] = (h3 + h1) | 0;
  out[at + 3] = (h4 + h1) | 0;
  return seen;
}

/** The digest of the id token b[start..end), by its value: an escaped token is digested again in its canonical spelling. */
function digestIdInto(b: Uint8Array, start: number, end: number, out: Uint32Array, at: number): void {
  if (digestInto(b, start, end, out, at) === 0) return;
  const canonical = canonicalIdBytes(b, start, end);
  digestInto(canonical, 0, canonical.length, out, at);
}

/** Lane-wise order of digest i and digest j. */
function compare(a: Uint32Array, i: number, b: Uint32Array, j: number): number {
  for (let k = 0; k < 4; k++) {
    const x = a[i * 4 + k]!;
    const y = b[j * 4 + k]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Indexes below this fit under a first lane in one exactly representable number. */
const INDEX_LIMIT = 2 ** 21;

/** Scratch arrays for sorting, kept by their owner so that sorting a batch allocates nothing. */
class SortSpace {
  keys = new Float64Array(0);
  order = new Uint32Array(0);
  out = new Uint32Array(0);

  fit(n: number): void {
    if (this.keys.length >= n) return;
    const size = Math.max(n, this.keys.length * 2);
    this.keys = new Float64Array(size);
    this.order = new Uint32Array(size);
    this.out = new Uint32Array(size * 4);
  }
}

function byFirstLane(lanes: Uint32Array, n: number, space: SortSpace): Uint32Array {
  const keys = space.keys.subarray(0, n);
  for (let i = 0; i < n; i++) keys[i] = lanes[i * 4]! * INDEX_LIMIT + i;
  keys.sort();
  const order = space.order.subarray(0, n);
  for (let i = 0; i < n; i++) order[i] = keys[i]! % INDEX_LIMIT;
  return order;
}

/**
 * The digests in `lanes` (n of them), sorted, without repeats. A native numeric sort on the first lane (with the index
 * below it, so each key is unique) does nearly all the work; only the rare runs with an equal first lane are put in
 * order lane by lane.
 */
function sortedUnique(lanes: Uint32Array, n: number, space = new SortSpace()): Uint32Array {
  space.fit(n);
  const order = n < INDEX_LIMIT ? byFirstLane(lanes, n, space) : Uint32Array.from({ length: n }, (_, i) => i).sort((i, j) => compare(lanes, i, lanes, j));
  for (let a = 0; a < n; ) {
    let b = a + 1;
    while (b < n && lanes[order[b]! * 4] === lanes[order[a]! * 4]) b++;
    if (b - a > 1) order.subarray(a, b).sort((i, j) => compare(lanes, i, lanes, j));
    a = b;
  }
  const out = space.out.subarray(0, n * 4);
  let m = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    if (m > 0 && compare(lanes, i, out, m - 1) === 0) continue;
    out.set(lanes.subarray(i * 4, i * 4 + 4), m * 4);
    m++;
  }
  return out.subarray(0, m * 4);
}

/** The digests of a batch's ids, gathered as it fills, handed over sorted and without repeats; reused batch after batch. */
export class IdDigests {
  #lanes = new Uint32Array(4 * 1024);
  #n = 0;
  readonly #space = new SortSpace();

  /** Empty again, keeping its memory for the next batch. */
  reset(): void {
    this.#n = 0;
  }

  /** Adds the id token b[start..end)'s digest; returns its place in `lanes` (4 × its number). */
  add(b: Uint8Array, start: number, end: number): number {
    if ((this.#n + 1) * 4 > this.#lanes.length) {
      const grown = new Uint32Array(this.#lanes.length * 2);
      grown.set(this.#lanes);
      this.#lanes = grown;
    }
    const at = this.#n * 4;
    digestIdInto(b, start, end, this.#lanes, at);
    this.#n++;
    return at;
  }

  /** The lanes of the digests added so far: digest i at 4i .. 4i+3 (the array changes as it grows). */
  get lanes(): Uint32Array {
    return this.#lanes;
  }

  /** The stored form: sorted digests, four little-endian lanes each. */
  sorted(): Buffer {
    const lanes = sortedUnique(this.#lanes, this.#n, this.#space);
    const out = Buffer.allocUnsafe(lanes.length * 4);
    for (let k = 0; k < lanes.length; k++) out.writeUInt32LE(lanes[k]!, k * 4);
    return out;
  }
}

/** The ids an hour's export holds, from its stored segments: searched without an object per id. */
export class DigestSet {
  readonly #lanes: Uint32Array;
  readonly #probe = new Uint32Array(4);

  constructor(segments: Buffer[]) {
    const n = segments.reduce((sum, s) => sum + Math.floor(s.length / DIGEST_BYTES), 0);
    const lanes = new Uint32Array(n * 4);
    let k = 0;
    for (const s of segments) {
      const whole = Math.floor(s.length / DIGEST_BYTES) * DIGEST_BYTES;
      for (let at = 0; at < whole; at += 4) lanes[k++] = s.readUInt32LE(at);
    }
    this.#lanes = sortedUnique(lanes, n).slice();
  }

  get size(): number {
    return this.#lanes.length / 4;
  }

  /** Whether the id token b[start..end) is among them. */
  has(b: Uint8Array, start: number, end: number): boolean {
    digestIdInto(b, start, end, this.#probe, 0);
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compare(this.#lanes, mid, this.#probe, 0);
      if (c === 0) return true;
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    return false;
  }
}
