// A page's events as Buffers: consecutive generated indices travel as one run (a zero-copy slice when
// prerendered), each extra as its own chunk.
export class PageChunks {
  readonly chunks: Buffer[] = [];
  hits = 0;
  private from = 0;
  private to = 0;

  constructor(private readonly run: (from: number, to: number) => Buffer) {}

  generated(i: number): void {
    if (this.to === i && this.to > this.from) this.to++;
    else {
      this.close();
      this.from = i;
      this.to = i + 1;
    }
    this.hits++;
  }

  extra(json: string): void {
    this.close();
    this.chunks.push(Buffer.from(json));
    this.hits++;
  }

  finish(): Buffer[] {
    this.close();
    return this.chunks;
  }

  private close(): void {
    if (this.to > this.from) this.chunks.push(this.run(this.from, this.to));
    this.from = this.to = 0;
  }
}
