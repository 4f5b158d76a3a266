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

  /**
   * The batch as consecutive appends of at most `appendMaxBytes`: whole runs are grouped while they fit (a group
   * of several is copied into one buffer), and a run longer than that is split into views; the builder is emptied.
   */
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
      if (size > 0 && size + run.length > appendMaxBytes) close();
      if (run.length > appendMaxBytes) {
        for (let at = 0; at < run.length; at += appendMaxBytes) parts.push(run.subarray(at, at + appendMaxBytes));
        continue;
      }
      group.push(run);
      size += run.length;
    }
    close();
    this.#runs = [];
    this.#bytes = 0;
    this.#events = 0;
    return parts;
  }
}
