import { READ_AHEAD_BYTES } from '../config/defaults';

/**
 * How many pages may be out at once, by bytes: shared by the window being written and the next one, so that pages
 * of tens of megabytes are asked one at a time while pages of a megabyte keep the API's latency hidden. A page's size
 * is known only once it came, so the largest seen stands for the next ones.
 */
export class ReadAhead {
  #largest = 0;

  constructor(readonly bytes = READ_AHEAD_BYTES) {}

  /** Notes the size of a page that came. */
  saw(bytes: number): void {
    if (bytes > this.#largest) this.#largest = bytes;
  }

  /** Pages a window may have out besides the one being written: at least one, however large pages are. */
  pages(): number {
    return this.#largest === 0 ? Infinity : Math.max(1, Math.floor(this.bytes / this.#largest));
  }

  /** Whether the next window's first page may be asked for while the current one is written. */
  roomForNext(): boolean {
    return this.pages() >= 2;
  }
}
