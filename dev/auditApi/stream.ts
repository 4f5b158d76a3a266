// The stored event stream: generated events (built on demand, or prerendered) merged with extras and
// inserted events, minus removed and not-yet-visible ones, cut into pages. A page costs O(log n + extras
// in range + size) plus the visibility window (see visibility.ts); nothing proportional to the total.
import { StoreChanges } from './changes';
import { generatedId } from './eventIds';
import { extraOrder, mergeExtras, type ExtraEvent } from './extraEvent';
import { PageChunks } from './pageChunks';
import { RenderedEvents } from './rendered';
import { withEscapedId } from './escapes';
import { isoString } from './isoTime';
import { createRenderer, type EventRenderer } from './renderer';
import { lowerBound, mergeUnique } from './sorted';
import { tiePermutation } from './ties';
import type { Timeline } from './timeline';
import type { AuditFaults, AuditRestamped, AuditUnreadable } from './types';
import { unreadableJson, unreadableKind } from './unreadable';
import { RangeView, type Cursor } from './view';
import { hash32 } from './random';
import { VisibilityIndex, lagMs, type Lateness } from './visibility';

const SALT_RESTAMP = 0x2e57;
const SALT_SHARD = 0x54a2;
/** A re-stamped copy comes at most this much after the event's first instant: in the same or the next hour. */
const RESTAMP_MAX_MS = 3_600_000;

/** The first index at or after lo that is every-1 modulo every: the every-th, 2·every-th, … generated event. */
function firstEvery(lo: number, every: number): number {
  return lo + ((every - 1 - (lo % every)) % every);
}

/** sortWithinPagesOnly: the shard (0 or 1) a caller-supplied or re-stamped event is stored on, by a hash of its id. */
function shardOfId(id: string): number {
  let h = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 24) & 1;
}

export interface PageRequest {
  /** Inclusive. */
  minMs: number;
  /** Exclusive. */
  maxMs: number;
  offset: number;
  size: number;
}

/** Faults that change what is stored: the same on every request, and in eventsJson(). */
export type StoredFaults = Pick<AuditFaults, 'unreadable' | 'restampIds'>;

/** Faults that change which events a page holds, or their order. */
export interface PageShape {
  /** Every Nth generated event is served twice. */
  duplicatesEvery?: number;
  /** unstableTies: this request's number, which seeds the order within each tie. */
  tieRequest?: number;
  /** escapedIds: this answer spells every id with JSON escapes. */
  escapeIds?: boolean;
  /** sortWithinPagesOnly: pages are cut from the two shards in turn, and only each page is sorted. */
  shardedPages?: boolean;
}

export interface Page {
  /** Events in the range, visible now (duplicate copies included). */
  count: number;
  /** Events on the page. */
  hits: number;
  /** The page's events as JSON text, in order: each chunk holds one or more events joined by ",". */
  chunks: Buffer[];
}

export class EventStream {
  readonly renderer: EventRenderer;
  readonly changes: StoreChanges;
  private readonly visibility: VisibilityIndex;
  private readonly rendered: RenderedEvents | undefined;
  private stored: StoredFaults = {};
  private restampKey = '';
  private restampCache: ExtraEvent[] = [];

  constructor(readonly timeline: Timeline, options: { prerender?: boolean; renderer?: EventRenderer; changes?: StoreChanges } = {}) {
    this.renderer = options.renderer ?? createRenderer(timeline.key);
    this.changes = options.changes ?? new StoreChanges();
    this.visibility = new VisibilityIndex(timeline);
    this.rendered = options.prerender ? new RenderedEvents(timeline.count, (i) => this.generatedJson(i, undefined)) : undefined;
  }

  /** Takes the faults that change what is stored (the fault state calls this whenever faults are set). */
  configure(faults: StoredFaults): void {
    this.stored = { unreadable: faults.unreadable, restampIds: faults.restampIds };
    this.restampKey = '';
    this.restampCache = [];
  }

  /** Stored re-stamped copies, removed ones included: one per every-th generated event. */
  get restampedTotal(): number {
    const every = this.stored.restampIds?.every;
    return every === undefined ? 0 : Math.floor(this.timeline.count / every);
  }

  /** JSON text of generated event i as stored: generatedJson, unless the unreadable fault spoils it. */
  storedJson(i: number, late: Lateness | undefined): string {
    const how = unreadableKind(this.stored.unreadable, i);
    const json = this.generatedJson(i, late);
    return how === undefined ? json : unreadableJson(this.renderer.kind, how, json, i);
  }

  /** JSON text of generated event i; receivedTimestamp depends on the `late` fault. */
  generatedJson(i: number, late: Lateness | undefined): string {
    const eventMs = this.timeline.timestamp(i);
    return this.renderer.json(i, eventMs, eventMs + lagMs(this.timeline.key, i, late));
  }

  /** The events in [minMs, maxMs) visible at nowMs, as served to one request. */
  view(minMs: number, maxMs: number, nowMs: number, late: Lateness | undefined, duplicatesEvery = 0): RangeView {
    const t = this.timeline;
    const { lo, end, hidden } = this.visibility.visibleGenerated(t.firstAtOrAfter(minMs), t.firstAtOrAfter(maxMs), nowMs, late);
    const removed = this.changes.removedGenerated;
    const excluded = removed.length === 0 ? hidden : mergeUnique(hidden, removed.slice(lowerBound(removed, lo), lowerBound(removed, end)));
    return new RangeView(t, lo, end, excluded, this.extrasIn(minMs, maxMs, nowMs, late), duplicatesEvery);
  }

  page(req: PageRequest, nowMs: number, late: Lateness | undefined, shape: PageShape = {}): Page {
    const view = this.view(req.minMs, req.maxMs, nowMs, late, shape.duplicatesEvery);
    const out = new PageChunks((from, to) => this.generatedRun(from, to, late));
    const take = Math.max(0, Math.min(req.size, view.count - req.offset));
    const c = view.cursor(req.offset);
    const escape = shape.escapeIds === true;
    const { unreadable } = this.stored;
    const emit = (at: Cursor) => {
      if (at.extra) out.extra(escape ? withEscapedId(at.extra.json, at.extra.id) : at.extra.json);
      else if (escape) out.extra(withEscapedId(this.storedJson(at.index, late), generatedId(this.timeline.key, at.index)));
      else if (unreadable !== undefined && unreadableKind(unreadable, at.index) !== undefined) out.extra(this.storedJson(at.index, late));
      else out.generated(at.index);
    };
    const positions = shape.shardedPages ? this.shardedPositions(view, req.offset, take) : undefined;
    if (shape.tieRequest === undefined && positions === undefined) {
      for (let k = 0; k < take && c.next(); k++) emit(c);
      return { count: view.count, hits: out.hits, chunks: out.finish() };
    }
    // Each position is served the event at a permuted position of its own tie group (unstableTies); the positions
    // are consecutive unless sortWithinPagesOnly picked them.
    let groupMs = NaN;
    let groupStart = 0;
    let permute = (k: number) => k;
    let read = c;
    let next = req.offset;
    for (let k = 0; k < take; k++) {
      const p = positions ? positions[k]! : req.offset + k;
      if (p !== next) read = view.cursor(p);
      if (!read.next()) break;
      next = p + 1;
      let at = read;
      if (shape.tieRequest !== undefined) {
        const ms = read.extra ? read.extra.eventMs : this.timeline.timestamp(read.index);
        if (ms !== groupMs) {
          groupMs = ms;
          groupStart = view.positionOfTime(ms);
          permute = tiePermutation(this.timeline.key, shape.tieRequest, ms, view.positionOfTime(ms + 1) - groupStart);
        }
        const q = groupStart + permute(p - groupStart);
        if (q !== p) {
          at = view.cursor(q);
          at.next();
        }
      }
      emit(at);
    }
    return { count: view.count, hits: out.hits, chunks: out.finish() };
  }

  /**
   * sortWithinPagesOnly: the view's events live on two shards (by a hash of the id, so neither follows time), each in
   * (time, id) order. The answer's order is the shards' events taken in turn (one from each, then the rest of the
   * longer one); a page is [offset, offset + take) of that order, sorted by (time, id). Each shard applies the range
   * itself, so asking again from the last instant seen does not help: the lagging shard's events before it are gone.
   * Returns the page's positions in the view, ascending. O(events in range).
   */
  private shardedPositions(view: RangeView, offset: number, take: number): number[] {
    const shards: [number[], number[]] = [[], []];
    const c = view.cursor(0);
    for (let p = 0; p < view.count && c.next(); p++) {
      shards[c.extra ? shardOfId(c.extra.id) : hash32(this.timeline.key, c.index, SALT_SHARD) & 1].push(p);
    }
    const [a, b] = shards;
    const paired = Math.min(a.length, b.length);
    const longer = a.length > b.length ? a : b;
    const out: number[] = [];
    for (let k = offset; k < offset + take; k++) out.push(k < 2 * paired ? (k % 2 === 0 ? a : b)[Math.floor(k / 2)]! : longer[k - paired]!);
    return out.sort((x, y) => x - y);
  }

  /** Every stored event in [minMs, maxMs), each once, regardless of the clock, in order, lazily. */
  *all(minMs: number, maxMs: number, late: Lateness | undefined): Generator<string> {
    const c = this.view(minMs, maxMs, Infinity, late).cursor(0);
    while (c.next()) yield c.extra ? c.extra.json : this.storedJson(c.index, late);
  }

  /** The generated events the unreadable fault spoils whose instant is in [minMs, maxMs) (removed ones aside), in order. */
  *unreadable(minMs: number, maxMs: number, late: Lateness | undefined): Generator<AuditUnreadable> {
    const fault = this.stored.unreadable;
    if (fault === undefined) return;
    const t = this.timeline;
    const removed = this.changes.removedGenerated;
    const lo = t.firstAtOrAfter(minMs);
    // The spoiled indices are every-1, 2·every-1, …: the first of them at or after lo, then every `every`.
    for (let i = firstEvery(lo, fault.every), end = t.firstAtOrAfter(maxMs); i < end; i += fault.every) {
      if (removed[lowerBound(removed, i)] === i) continue;
      yield { id: generatedId(t.key, i), kind: unreadableKind(fault, i)!, at: isoString(t.timestamp(i)), json: this.storedJson(i, late) };
    }
  }

  /** The re-stamped copies whose new instant is in [minMs, maxMs), in the order of their first instant. */
  *restamped(minMs: number, maxMs: number, late: Lateness | undefined): Generator<AuditRestamped> {
    for (const { copy, firstMs } of this.restampedCopies(minMs, maxMs, late)) {
      yield { id: copy.id, at: isoString(firstMs), restampedAt: isoString(copy.eventMs), json: copy.json };
    }
  }

  /** Each every-th generated event again, at a later instant up to RESTAMP_MAX_MS after its own, if that is in range. */
  private *restampedCopies(minMs: number, maxMs: number, late: Lateness | undefined): Generator<{ copy: ExtraEvent; firstMs: number }> {
    const every = this.stored.restampIds?.every;
    if (every === undefined) return;
    const t = this.timeline;
    for (let i = firstEvery(t.firstAtOrAfter(minMs - RESTAMP_MAX_MS), every), end = t.firstAtOrAfter(maxMs); i < end; i += every) {
      const firstMs = t.timestamp(i);
      const eventMs = firstMs + 1 + (hash32(t.key, i, SALT_RESTAMP) % RESTAMP_MAX_MS);
      if (eventMs < minMs || eventMs >= maxMs) continue;
      const id = generatedId(t.key, i);
      const receivedMs = eventMs + lagMs(t.key, i, late);
      yield { copy: { json: this.renderer.json(i, eventMs, receivedMs, id), id, eventMs, visibleMs: receivedMs, rank: t.rankOf({ eventMs, id }) }, firstMs };
    }
  }

  /** restampedCopies in extra order; the last range asked is kept, since a window's pages ask the same one. */
  private restampedIn(minMs: number, maxMs: number, late: Lateness | undefined): ExtraEvent[] {
    if (this.stored.restampIds === undefined) return [];
    const key = `${minMs},${maxMs},${late ? `${late.fraction}/${late.delayMs}` : ''}`;
    if (key !== this.restampKey) {
      this.restampCache = [...this.restampedCopies(minMs, maxMs, late)].map((c) => c.copy).sort(extraOrder);
      this.restampKey = key;
    }
    return this.restampCache;
  }

  /** Visible extras (caller-supplied, inserted and re-stamped; not removed) in [minMs, maxMs), in order. */
  private extrasIn(minMs: number, maxMs: number, nowMs: number, late: Lateness | undefined): ExtraEvent[] {
    const t = this.timeline;
    const gone = this.changes.removedExtraIds;
    const given: ExtraEvent[] = [];
    for (let j = t.firstExtraAtOrAfter(minMs); j < t.extras.length && t.extras[j].eventMs < maxMs; j++) {
      if (t.extras[j].visibleMs <= nowMs && !gone.has(t.extras[j].id)) given.push(t.extras[j]);
    }
    const inserted = this.changes.inserted.filter((e) => e.eventMs >= minMs && e.eventMs < maxMs && e.visibleMs <= nowMs);
    const restamped = this.restampedIn(minMs, maxMs, late).filter((e) => e.visibleMs <= nowMs && !gone.has(e.id));
    const merged = inserted.length === 0 ? given : mergeExtras(given, inserted);
    return restamped.length === 0 ? merged : mergeExtras(merged, restamped);
  }

  /** Generated events [from, to) joined by ","; the lateness fault changes their bytes, so it renders anew. */
  private generatedRun(from: number, to: number, late: Lateness | undefined): Buffer {
    if (this.rendered && late === undefined) return this.rendered.run(from, to);
    const json: string[] = [];
    for (let i = from; i < to; i++) json.push(this.generatedJson(i, late));
    return Buffer.from(json.join(','));
  }
}
