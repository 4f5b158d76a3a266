// When an event becomes visible: at its receivedTimestamp. Normal events arrive a few hundred ms
// after they happen; with the `late` fault a deterministic fraction arrives delaySeconds later.
// The API never serves an event before the server clock reaches its receivedTimestamp.
import { hash32, unit } from './random';
import type { Timeline } from './timeline';

const SALT_LATE = 0x1a7e;
const SALT_LAG = 0x1a9;
const LAG_MIN_MS = 100;
const LAG_SPREAD_MS = 800;

export interface Lateness {
  fraction: number;
  delayMs: number;
}

function isLate(key: number, index: number, late: Lateness | undefined): boolean {
  return late !== undefined && late.fraction > 0 && unit(key, index, SALT_LATE) < late.fraction;
}

/** receivedTimestamp − eventTimestamp of generated event `index`. */
export function lagMs(key: number, index: number, late: Lateness | undefined): number {
  if (isLate(key, index, late)) return late!.delayMs;
  return LAG_MIN_MS + (hash32(key, index, SALT_LAG) % LAG_SPREAD_MS);
}

function maxLagMs(late: Lateness | undefined): number {
  const normal = LAG_MIN_MS + LAG_SPREAD_MS - 1;
  return late && late.fraction > 0 ? Math.max(normal, late.delayMs) : normal;
}

/** Generated events in [lo, hi) visible at `now`: every index below `end` except those in `hidden`. */
export interface VisibleGenerated {
  lo: number;
  end: number;
  /** Sorted indices in [lo, end) whose receivedTimestamp is still in the future. */
  hidden: number[];
}

/**
 * Everything at least maxLag old is visible and everything after `now` is not, so only the events in
 * (now − maxLag, now] need a per-event check. That window is tiny unless the `late` fault is on.
 */
export class VisibilityIndex {
  private cacheKey = '';
  private cached: VisibleGenerated = { lo: 0, end: 0, hidden: [] };

  constructor(private readonly timeline: Timeline) {}

  visibleGenerated(lo: number, hi: number, nowMs: number, late: Lateness | undefined): VisibleGenerated {
    const t = this.timeline;
    const end = Math.max(lo, Math.min(hi, t.firstAtOrAfter(nowMs + 1)));
    const from = Math.max(lo, t.firstAtOrAfter(nowMs - maxLagMs(late) + 1));
    // Repeated pages with a pinned clock (or within one ms) reuse the scan.
    const key = `${lo},${end},${from},${nowMs},${late ? `${late.fraction}/${late.delayMs}` : ''}`;
    if (key === this.cacheKey) return this.cached;
    const hidden: number[] = [];
    for (let i = from; i < end; i++) {
      if (t.timestamp(i) + lagMs(t.key, i, late) > nowMs) hidden.push(i);
    }
    this.cacheKey = key;
    this.cached = { lo, end, hidden };
    return this.cached;
  }
}
