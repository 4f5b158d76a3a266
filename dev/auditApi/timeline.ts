// index ↔ timestamp for generated events, and where caller-supplied extra events fall among them.
// Generated timestamps are a monotone function of the index, so a time range maps to an index range
// by binary search; nothing per event is stored.
import { generatedId } from './eventIds';
import { extraOrder, type ExtraEvent } from './extraEvent';
import { seedKey, hash32 } from './random';
import { firstAtOrAfterMs } from './sorted';
import type { AuditEventsOptions } from './types';

const SALT_JITTER = 0x717;
const MAX_COUNT = 0xffffffff; // ids carry the index in 8 hex digits

export class Timeline {
  readonly count: number;
  readonly startMs: number;
  readonly spanMs: number;
  readonly key: number;
  /** Generated events per shared timestamp (the sameInstant option). */
  readonly sameInstant: number;
  /** How many distinct generated timestamps there are. */
  private readonly groups: number;
  /** Sorted by (eventMs, id); held in memory because the caller already holds them. */
  readonly extras: ExtraEvent[];

  constructor(options: AuditEventsOptions) {
    const { count, start, spanSeconds } = options;
    const seed = options.seed ?? 1;
    if (!Number.isInteger(count) || count < 0 || count > MAX_COUNT) throw new Error(`events.count must be an integer in 0..${MAX_COUNT}`);
    if (!(start instanceof Date) || Number.isNaN(start.getTime())) throw new Error('events.start must be a valid Date');
    if (!Number.isFinite(spanSeconds) || spanSeconds <= 0) throw new Error('events.spanSeconds must be a positive number');
    if (!Number.isSafeInteger(seed)) throw new Error('events.seed must be a safe integer');
    const sameInstant = options.sameInstant ?? 1;
    if (!Number.isInteger(sameInstant) || sameInstant < 1) throw new Error('events.sameInstant must be an integer ≥ 1');
    this.sameInstant = sameInstant;
    this.groups = Math.ceil(count / sameInstant);
    this.count = count;
    this.startMs = start.getTime();
    this.spanMs = Math.max(1, Math.round(spanSeconds * 1000));
    this.key = seedKey(seed);
    this.extras = this.prepareExtras(options.extraEvents ?? []);
  }

  get total(): number {
    return this.count + this.extras.length;
  }

  /**
   * Event time of generated event i, in group g = i / sameInstant (g = i by default): (g + jitter) / groups
   * of the way through the span, jitter in [0, 1). (g + jitter) is exact in a double (g < 2^32, 20-bit
   * jitter) and rounding is monotone, so the result never decreases with i; the spacing still looks irregular.
   */
  timestamp(i: number): number {
    const g = this.sameInstant === 1 ? i : Math.floor(i / this.sameInstant);
    const jitter = (hash32(this.key, g, SALT_JITTER) >>> 12) / 1048576;
    const offset = Math.floor(((g + jitter) / this.groups) * this.spanMs);
    return this.startMs + Math.min(offset, this.spanMs - 1);
  }

  /** The first generated index whose timestamp is ≥ ms (count if none): O(log count). */
  firstAtOrAfter(ms: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (this.timestamp(mid) < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The first extra (in sorted order) whose eventMs is ≥ ms. */
  firstExtraAtOrAfter(ms: number): number {
    return firstAtOrAfterMs(this.extras, ms);
  }

  private prepareExtras(events: object[]): ExtraEvent[] {
    const prepared = events.map((event, n) => {
      const e = event as { id?: unknown; eventTimestamp?: unknown; receivedTimestamp?: unknown; dateTime?: unknown };
      if (typeof e !== 'object' || e === null) throw new Error(`extraEvents[${n}] must be an object`);
      if (typeof e.id !== 'string') throw new Error(`extraEvents[${n}].id must be a string`);
      const eventMs = eventTime(e);
      if (Number.isNaN(eventMs)) throw new Error(`extraEvents[${n}].eventTimestamp must be an ISO-8601 string (or dateTime epoch ms, for legacy records)`);
      const receivedMs = typeof e.receivedTimestamp === 'string' ? Date.parse(e.receivedTimestamp) : NaN;
      return { json: JSON.stringify(event), id: e.id, eventMs, visibleMs: Number.isNaN(receivedMs) ? eventMs : receivedMs, rank: 0 };
    });
    // Array.prototype.sort is stable, so equal keys keep the caller's order.
    prepared.sort(extraOrder);
    for (const extra of prepared) extra.rank = this.rankOf(extra);
    return prepared;
  }

  /** Generated events with (timestamp, id) ≤ the extra's come first (ties between equal keys: generated first). */
  rankOf(extra: Pick<ExtraEvent, 'eventMs' | 'id'>): number {
    let lo = this.firstAtOrAfter(extra.eventMs);
    let hi = this.firstAtOrAfter(extra.eventMs + 1);
    // Same millisecond: generated ids increase with the index, so binary-search on the id.
    while (lo < hi) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (generatedId(this.key, mid) <= extra.id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** A UAM event's eventTimestamp, or a legacy record's dateTime (a number or a string of digits). */
function eventTime(e: { eventTimestamp?: unknown; dateTime?: unknown }): number {
  if (typeof e.eventTimestamp === 'string') return Date.parse(e.eventTimestamp);
  if (typeof e.dateTime === 'number' && Number.isSafeInteger(e.dateTime)) return e.dateTime;
  if (typeof e.dateTime === 'string' && /^-?\d{1,16}$/.test(e.dateTime)) return Number(e.dateTime);
  return NaN;
}
