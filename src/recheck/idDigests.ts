import { createHash } from 'node:crypto';

/** Bytes of one id's digest: 128 bits of its sha256, so that two ids of an hour never collide in practice. */
export const DIGEST_BYTES = 16;

/** An id token's digest. */
export function digestOf(idToken: Buffer): Buffer {
  return createHash('sha256').update(idToken).digest().subarray(0, DIGEST_BYTES);
}

/** The digests of a batch's ids, gathered as it fills, handed over sorted and without repeats. */
export class IdDigests {
  #chunks: Buffer[] = [];

  add(idToken: Buffer): void {
    this.#chunks.push(digestOf(idToken));
  }

  sorted(): Buffer {
    return sortDigests(this.#chunks);
  }
}

export function sortDigests(digests: Buffer[]): Buffer {
  const sorted = [...digests].sort(Buffer.compare);
  const unique = sorted.filter((d, i) => i === 0 || !d.equals(sorted[i - 1]!));
  return Buffer.concat(unique);
}

/** The ids an hour's export holds: sorted digests, searched without a string per id. */
export class DigestSet {
  readonly #all: Buffer;
  readonly size: number;

  /** From the hour's segments (each sorted): merged once. */
  constructor(segments: Buffer[]) {
    const all: Buffer[] = [];
    for (const s of segments) for (let at = 0; at + DIGEST_BYTES <= s.length; at += DIGEST_BYTES) all.push(s.subarray(at, at + DIGEST_BYTES));
    this.#all = sortDigests(all);
    this.size = this.#all.length / DIGEST_BYTES;
  }

  has(digest: Buffer): boolean {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.#all.compare(digest, 0, DIGEST_BYTES, mid * DIGEST_BYTES, (mid + 1) * DIGEST_BYTES);
      if (c === 0) return true;
      if (c > 0) hi = mid;
      else lo = mid + 1;
    }
    return false;
  }
}
