/**
 * Collects runs of NDJSON lines (views into page buffers, not copies) into one batch, and hands them over as
 * appends of at most `appendMaxBytes` each: a batch is flushed once, but its appends can travel in parallel.
 */
export class BatchBuilder {
  #runs: Buffer[] = [];
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
    this.#runs.push(lines);
    this.#bytes += lines.length;
    this.#events += events;
  }

  /** The batch as consecutive appends of at most `appendMaxBytes` (a longer single run stays whole); the builder is emptied. */
  take(appendMaxBytes: number): Buffer[] {
    const parts: Buffer[] = [];
    let group: Buffer[] = [];
    let size = 0;
    const close = () => {
      if (group.length > 0) parts.push(group.length === 1 ? group[0]! : Buffer.concat(group, size));
      group = [];
      size = 0;
    };
    for (const run of this.#runs) {
      for (let at = 0; at < run.length; ) {
        const piece = run.subarray(at, at + Math.max(1, appendMaxBytes - size));
        group.push(piece);
        size += piece.length;
        at += piece.length;
        if (size >= appendMaxBytes) close();
      }
    }
    close();
    this.#runs = [];
    this.#bytes = 0;
    this.#events = 0;
    return parts;
  }
}
