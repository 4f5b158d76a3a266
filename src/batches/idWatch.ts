// One id at two instants (an event the API re-stamped and serves at both): the exporter writes both versions, as
// evidence, and must say so. Paging drops a copy only at one instant, so an id written twice was written at two.
// Watched by the first 64 bits of each written id's digest (computed for the ledger anyway), in one open-addressing
// table per hour for the hour being written and the one before it; a table holds at most WATCHED_PER_HOUR ids, so
// memory stays flat (8 bytes a slot, at most 2 × 8 MiB) whatever an hour holds.

import { HOUR_MS } from '../time/window';
import { DIGEST_BYTES } from './idDigests';

/** Slots of a new table (it doubles as it fills), and the most a table grows to. */
const SLOTS_MIN = 1 << 12;
const SLOTS_MAX = 1 << 20;
/** Ids one table takes (3/4 of its slots at most, so that probes stay short); later ids are checked, not kept. */
export const WATCHED_PER_HOUR = (SLOTS_MAX / 4) * 3;

/** One hour's watched ids: 64-bit fingerprints, (0, 0) an empty slot. */
class Table {
  slots = new Uint32Array(SLOTS_MIN * 2);
  size = 0;
  hour = '';

  /** Empty, for `hour`; keeps its size, which the hour before needed (hours are alike: no growing again). */
  clear(hour: string): void {
    this.slots.fill(0);
    this.size = 0;
    this.hour = hour;
  }

  /** The slot holding (a, b), or the empty one where it would go. */
  slotOf(a: number, b: number): number {
    const mask = this.slots.length / 2 - 1;
    let k = (a ^ Math.imul(b, 0x9e3779b1)) & mask;
    for (;;) {
      const x = this.slots[k * 2]!;
      const y = this.slots[k * 2 + 1]!;
      if ((x === a && y === b) || (x === 0 && y === 0)) return k;
      k = (k + 1) & mask;
    }
  }

  has(a: number, b: number): boolean {
    const k = this.slotOf(a, b);
    return this.slots[k * 2] !== 0 || this.slots[k * 2 + 1] !== 0;
  }

  /** Keeps (a, b), unless the table is full; whether it was there already. */
  add(a: number, b: number): boolean {
    const k = this.slotOf(a, b);
    if (this.slots[k * 2] !== 0 || this.slots[k * 2 + 1] !== 0) return true;
    if (this.size >= WATCHED_PER_HOUR) return false;
    this.slots[k * 2] = a;
    this.slots[k * 2 + 1] = b;
    this.size++;
    if (this.size * 2 > this.slots.length / 2 && this.slots.length < SLOTS_MAX * 2) this.grow();
    return false;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    for (let k = 0; k < old.length; k += 2) {
      const a = old[k]!;
      const b = old[k + 1]!;
      if (a === 0 && b === 0) continue;
      const at = this.slotOf(a, b);
      this.slots[at * 2] = a;
      this.slots[at * 2 + 1] = b;
    }
  }
}

/** The ids written in the hour being written and in the one before it, by their digests' first two lanes. */
export class IdWatch {
  #current = new Table();
  #previous = new Table();

  /** The hour being written ('' before the first). */
  get hour(): string {
    return this.#current.hour;
  }

  /** Ids kept for the hour being written, and the bytes both tables hold (for tests of the bound). */
  get watched(): number {
    return this.#current.size;
  }

  get bytes(): number {
    return this.#current.slots.byteLength + this.#previous.slots.byteLength;
  }

  /**
   * Moves the watch to `hour` (ISO): from the hour before it, that hour's ids stay watched; otherwise (a run's first
   * hour, a re-check of an earlier one) both start empty. Returns whether the hour before is watched already.
   */
  moveTo(hour: string): boolean {
    const current = this.#current.hour;
    if (hour === current) return true;
    if (current !== '' && hour === new Date(Date.parse(current) + HOUR_MS).toISOString()) {
      const reused = this.#previous;
      this.#previous = this.#current;
      this.#current = reused;
      this.#current.clear(hour);
      return true;
    }
    this.#previous.clear(new Date(Date.parse(hour) - HOUR_MS).toISOString());
    this.#current.clear(hour);
    return false;
  }

  /**
   * Records an id written in the hour, by the first two lanes of its digest at lanes[at]; whether it was written before
   * in it or the hour before. (Read here: handing the lanes over as numbers boxed the larger ones, per event.)
   */
  written(lanes: Uint32Array, at: number): boolean {
    const a = lanes[at]!;
    // (0, 0) marks an empty slot: the one id with that fingerprint is watched as (0, 1).
    const b = a === 0 && lanes[at + 1] === 0 ? 1 : lanes[at + 1]!;
    if (this.#previous.size > 0 && this.#previous.has(a, b)) return true;
    return this.#current.add(a, b);
  }

  /** Takes the ids of a ledger segment (sorted digests, DIGEST_BYTES each) into the hour being written or the one before. */
  keep(segment: Buffer, before: boolean): void {
    const table = before ? this.#previous : this.#current;
    for (let at = 0; at + DIGEST_BYTES <= segment.length; at += DIGEST_BYTES) {
      const a = segment.readUInt32LE(at);
      const b = segment.readUInt32LE(at + 4);
      table.add(a, a === 0 && b === 0 ? 1 : b);
    }
  }
}
