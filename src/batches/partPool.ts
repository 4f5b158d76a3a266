/**
 * A fixed number of equal buffers that a batch's appends are cut from, each reused once its append is done.
 * Memory stays at `count × bytes` whatever the backlog; a writer that has them all waits (backpressure).
 */
export class PartPool {
  readonly #free: Buffer[] = [];
  readonly #waiting: Array<(part: Buffer) => void> = [];
  #made = 0;

  constructor(
    readonly bytes: number,
    readonly count: number,
  ) {
    if (!(Number.isSafeInteger(bytes) && bytes > 0 && Number.isSafeInteger(count) && count >= 2)) {
      throw new RangeError(`a part pool needs a positive part size and at least 2 parts, got ${count} × ${bytes}`);
    }
  }

  /** A free part, made on first need (a small export never touches them all); waits while all are in use. */
  take(abortSignal: AbortSignal): Promise<Buffer> {
    if (abortSignal.aborted) return Promise.reject(abortSignal.reason);
    const free = this.#free.pop();
    if (free) return Promise.resolve(free);
    if (this.#made < this.count) {
      this.#made++;
      return Promise.resolve(Buffer.allocUnsafeSlow(this.bytes));
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#waiting.splice(this.#waiting.indexOf(handOver), 1);
        reject(abortSignal.reason);
      };
      const handOver = (part: Buffer) => {
        abortSignal.removeEventListener('abort', onAbort);
        resolve(part);
      };
      abortSignal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(handOver);
    });
  }

  /** Returns a part taken from this pool; the longest waiter gets it. */
  give(part: Buffer): void {
    const next = this.#waiting.shift();
    if (next) next(part);
    else this.#free.push(part);
  }
}
