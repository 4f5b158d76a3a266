// The repository's one seeded generator. The sample audit API draws each event's fields from it, the crash suite
// its kill plans, the randomised tests their inputs: a seed replays the same run on any machine.

/** mulberry32: small, fast and well spread; for test data, never for anything secret. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform number in [0, 1). */
  fraction(): number {
    return this.next() / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return this.next() % n;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.next() % items.length];
  }
}

/** The generator as a function, for code that takes one in place of Math.random. */
export function seededRandom(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.fraction();
}
