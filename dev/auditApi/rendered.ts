// Every generated event rendered once, laid end to end with "," between them, so a run of consecutive events
// is one zero-copy slice: for the benchmark, where a real API's rendering cost is on another machine.
import { constants } from 'node:buffer';

export class RenderedEvents {
  readonly #bytes: Buffer;
  /** offsets[i]: where event i starts; offsets[count]: one past the end (as if a "," followed the last). */
  readonly #offsets: Float64Array;

  constructor(count: number, render: (i: number) => string) {
    const offsets = new Float64Array(count + 1);
    let bytes: Buffer = Buffer.allocUnsafe(Math.max(1024, count * 768));
    let at = 0;
    for (let i = 0; i < count; i++) {
      const json = render(i);
      const need = at + Buffer.byteLength(json) + 1;
      if (need > bytes.length) bytes = grow(bytes, at, need);
      offsets[i] = at;
      at += bytes.write(json, at);
      bytes[at++] = 0x2c;
    }
    offsets[count] = at;
    this.#bytes = bytes.subarray(0, at);
    this.#offsets = offsets;
  }

  /** Events [from, to) as JSON text joined by ",". */
  run(from: number, to: number): Buffer {
    return this.#bytes.subarray(this.#offsets[from], this.#offsets[to]! - 1);
  }
}

function grow(bytes: Buffer, used: number, need: number): Buffer {
  const size = Math.max(need, Math.min(constants.MAX_LENGTH, bytes.length * 2));
  if (size < need) throw new RangeError(`prerendered events need more than ${constants.MAX_LENGTH} bytes; use fewer events`);
  const grown = Buffer.allocUnsafe(size);
  bytes.copy(grown, 0, 0, used);
  return grown;
}
