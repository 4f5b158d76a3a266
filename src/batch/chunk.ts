/**
 * Collects NDJSON lines into one append. Appends of a few MiB keep request overhead small next to the
 * bytes moved, while bounding memory whatever the backlog.
 */
export class ChunkBuilder {
  #lines: string[] = [];
  #bytes = 0;
  #events = 0;

  constructor(readonly targetBytes: number) {}

  /** Whether `line` must go into the next chunk: it would push a non-empty chunk past the target. */
  wouldOverflow(lineBytes: number): boolean {
    return this.#events > 0 && this.#bytes + lineBytes > this.targetBytes;
  }

  add(line: string, lineBytes: number = Buffer.byteLength(line, 'utf8')): void {
    this.#lines.push(line);
    this.#bytes += lineBytes;
    this.#events++;
  }

  get bytes(): number {
    return this.#bytes;
  }
  get events(): number {
    return this.#events;
  }
  /** The collected bytes; the builder is empty afterwards. */
  take(): Buffer {
    const data = Buffer.from(this.#lines.join(''), 'utf8');
    this.#lines = [];
    this.#bytes = 0;
    this.#events = 0;
    return data;
  }
}
