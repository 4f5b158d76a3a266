/** Two batches are held at a time (one delivered, one collected): 8 MiB keeps memory flat at ~130 MiB. */
export const DEFAULT_BATCH_BYTES = 8 * 1024 * 1024;

/**
 * Collects NDJSON lines into one batch, copied into a buffer that is reused from batch to batch, and hands the
 * batch over as appends of at most `appendMaxBytes`: views of that buffer, no further copies. Two buffers take
 * turns, so the next batch can be collected while the last one is still being delivered; the caller must not
 * add() after a take() until the batch taken before that one is delivered (its buffer is the one refilled).
 * Memory stays at two batches whatever the backlog.
 */
export class BatchBuilder {
  readonly #buffers: [Buffer, Buffer] = [Buffer.alloc(0), Buffer.alloc(0)];
  #turn: 0 | 1 = 0;
  #bytes = 0;
  #events = 0;

  constructor(readonly targetBytes: number) {}

  get bytes(): number {
    return this.#bytes;
  }
  get events(): number {
    return this.#events;
  }
  /** How many more bytes fit before the batch reaches its target. */
  get room(): number {
    return this.targetBytes - this.#bytes;
  }

  add(lines: Buffer, events: number): void {
    const need = this.#bytes + lines.length;
    const buffer = need <= this.#buffers[this.#turn].length ? this.#buffers[this.#turn] : this.#grow(need);
    lines.copy(buffer, this.#bytes);
    this.#bytes = need;
    this.#events += events;
  }

  /** The batch as consecutive appends of at most `appendMaxBytes` each; the builder is emptied and turns buffers. */
  take(appendMaxBytes: number): Buffer[] {
    const buffer = this.#buffers[this.#turn];
    const parts: Buffer[] = [];
    for (let at = 0; at < this.#bytes; at += appendMaxBytes) parts.push(buffer.subarray(at, Math.min(at + appendMaxBytes, this.#bytes)));
    this.#bytes = 0;
    this.#events = 0;
    this.#turn = this.#turn === 0 ? 1 : 0;
    return parts;
  }

  /** Buffers start small and double up to the target (a small export never holds two full batches); a single
   * event larger than the target gets room of its own. */
  #grow(need: number): Buffer {
    const old = this.#buffers[this.#turn];
    const size = Math.max(need, Math.min(this.targetBytes, Math.max(64 * 1024, old.length * 2)));
    const grown = Buffer.allocUnsafeSlow(size);
    old.copy(grown, 0, 0, this.#bytes);
    this.#buffers[this.#turn] = grown;
    return grown;
  }
}
