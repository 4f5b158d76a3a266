// One request's view of the stored events in its range: which generated indices are in, how many slots
// each takes (two for a duplicated event), and where the extras fall among them. Random access by
// position in O(log n), sequential reading with a Cursor. Built per request from small sorted lists.
import type { ExtraEvent } from './extraEvent';
import { firstAtOrAfterMs, lowerBound } from './sorted';
import type { Timeline } from './timeline';

export class RangeView {
  /** Slots in the view: what `count` says. */
  readonly count: number;
  /** excludedSlots[k]: slots the first k excluded indices would have taken. */
  private readonly excludedSlots: number[];

  constructor(
    readonly timeline: Timeline,
    /** Generated indices in [lo, end), except `excluded`, are in the view. */
    readonly lo: number,
    readonly end: number,
    /** Sorted, distinct, within [lo, end): not yet visible, or removed. */
    readonly excluded: readonly number[],
    /** Visible extras in the range, in (eventMs, id) order. */
    readonly extras: readonly ExtraEvent[],
    /** Every Nth generated event takes two slots; 0 for none. */
    readonly dupEvery: number,
  ) {
    this.excludedSlots = [0];
    for (const i of excluded) this.excludedSlots.push(this.excludedSlots[this.excludedSlots.length - 1] + this.slots(i));
    this.count = this.slotsBefore(end) + extras.length;
  }

  /** 2 for a duplicated generated event, else 1. */
  slots(i: number): number {
    return this.dupEvery > 0 && (i + 1) % this.dupEvery === 0 ? 2 : 1;
  }

  /** Slots of the generated events in the view with index < r. */
  slotsBefore(r: number): number {
    const x = Math.min(Math.max(r, this.lo), this.end);
    return x - this.lo + this.duplicatedBelow(x) - this.duplicatedBelow(this.lo) - this.excludedSlots[lowerBound(this.excluded, x)];
  }

  /** The position of the first event at or after ms (the view's count if none). */
  positionOfTime(ms: number): number {
    return this.slotsBefore(this.timeline.firstAtOrAfter(ms)) + firstAtOrAfterMs(this.extras, ms);
  }

  cursor(position: number): Cursor {
    return new Cursor(this, position);
  }

  private duplicatedBelow(x: number): number {
    return this.dupEvery > 0 ? Math.floor(x / this.dupEvery) : 0;
  }
}

/** Reads a view in order from a position; after next() returns true, `extra` or `index` says what is there. */
export class Cursor {
  extra: ExtraEvent | undefined;
  index = -1;
  private j: number;
  private x: number;
  private copy: number;
  private h: number;

  constructor(private readonly view: RangeView, position: number) {
    const { extras } = view;
    // Extra j sits at j + slotsBefore(rank), increasing with j: count those before the position.
    let j = 0;
    let hiJ = extras.length;
    while (j < hiJ) {
      const mid = (j + hiJ) >>> 1;
      if (mid + view.slotsBefore(extras[mid].rank) < position) j = mid + 1;
      else hiJ = mid;
    }
    // The generated event whose slots cover generated slot q (never an excluded one: it has no slots).
    const q = position - j;
    let x = view.lo;
    let hiX = view.end;
    while (x < hiX) {
      const mid = x + Math.floor((hiX - x) / 2);
      if (view.slotsBefore(mid + 1) > q) hiX = mid;
      else x = mid + 1;
    }
    this.j = j;
    this.x = x;
    this.copy = x < view.end ? q - view.slotsBefore(x) : 0;
    this.h = lowerBound(view.excluded, x);
  }

  next(): boolean {
    const v = this.view;
    // An extra goes first when no generated event before it remains (rank ≤ x); a duplicate's two
    // copies are never split, because such extras were read before the first copy.
    if (this.j < v.extras.length && (this.x >= v.end || v.extras[this.j].rank <= this.x)) {
      this.extra = v.extras[this.j++];
      this.index = -1;
      return true;
    }
    if (this.x >= v.end) return false;
    this.extra = undefined;
    this.index = this.x;
    if (this.copy === 0 && v.slots(this.x) === 2) {
      this.copy = 1;
      return true;
    }
    this.copy = 0;
    this.x++;
    const excluded = v.excluded;
    while (this.h < excluded.length && excluded[this.h] < this.x) this.h++;
    while (this.h < excluded.length && excluded[this.h] === this.x) {
      this.x++;
      this.h++;
    }
    return true;
  }
}
