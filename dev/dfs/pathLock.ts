// Serialises commits (create, flush) per path inside this gateway: each flush reads the
// block list and then commits, and two interleaved flushes could otherwise commit blocks the other
// one just garbage-collected. Holds no file state; Azurite stays the only store.
export class PathLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
