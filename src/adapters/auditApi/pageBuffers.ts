/**
 * Page bodies, reused. A page lives for a few milliseconds (fetched ahead, scanned, copied into appends), long
 * enough to be promoted out of V8's young generation, so fresh buffers would pile up until the next full
 * collection. A page's buffer comes back here once its lines are copied out instead.
 */
export class PageBuffers {
  readonly #free: ArrayBuffer[] = [];
  /** Only buffers made here come back (never a slice of Node's shared pool). */
  readonly #ours = new WeakSet<ArrayBuffer>();

  constructor(
    /** Free buffers kept; more are left to the garbage collector. */
    readonly keep = 4,
    /** Larger pages are not kept (one outsized page should not pin its memory for the rest of the run). */
    readonly maxKeptBytes = 8 * 1024 * 1024,
  ) {}

  /** A buffer of exactly `size` bytes, reusing a free one that is large enough. */
  take(size: number): Buffer {
    const i = this.#free.findIndex((b) => b.byteLength >= size);
    if (i >= 0) return Buffer.from(this.#free.splice(i, 1)[0]!, 0, size);
    // Rounded up, so pages of slightly different sizes can share buffers.
    const made = Buffer.allocUnsafeSlow(Math.ceil(Math.max(size, 1) / 65536) * 65536);
    this.#ours.add(made.buffer);
    return made.subarray(0, size);
  }

  /** Hands a buffer from take() back; nothing may read it afterwards. Anything else is ignored. */
  give(buffer: Buffer): void {
    const whole = buffer.buffer;
    if (!(whole instanceof ArrayBuffer) || !this.#ours.has(whole) || this.#free.includes(whole)) return;
    if (whole.byteLength > this.maxKeptBytes || this.#free.length >= this.keep) return;
    this.#free.push(whole);
  }
}
