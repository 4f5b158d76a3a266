// An in-memory audit search that misbehaves the ways real ones do (page caps, unstable ties, either bound
// inclusive, duplicate ids, events inserted and removed while paging, no count, counts that lie, ids spelled with
// escapes, order kept within pages only, events it cannot place), its answers read by the real scanner.
import type { AuditAnswer, AuditSource, PageRequest } from '../../src/ports/auditSource';
import { seededRandom } from '../../dev/seededRandom';

export interface StoredEvent {
  id: string;
  /** Where the API files the event (its filters and sort use it), whatever `raw` says. */
  t: number;
  /** Served as the event's "payload" field, to make it as large as a test needs. */
  payload?: string;
  /** The event's JSON exactly as served, in place of eventJson's (an event with no valid time, a numeric id). */
  raw?: string;
}

export interface Hostility {
  pageCap?: number;
  unstableTies?: boolean;
  minInclusive?: boolean;
  maxInclusive?: boolean;
  /** Ids stored twice (served twice, adjacent). */
  duplicated?: Set<string>;
  noCount?: boolean;
  /** The count the API gives for a search, from the true one (capped, off by some): pages are served as before. */
  count?: (truth: number) => number;
  /** Each page is sorted in itself only: the search is cut into pages in the order the events are stored. */
  sortWithinPagesOnly?: boolean;
  /** Bytes of padding in each event (large pages). */
  pad?: number;
  /** Legacy records (epoch-ms "dateTime") instead of UAM events ("eventTimestamp"). */
  legacy?: boolean;
  /** When each event becomes visible (epoch ms), against `now`: a late event is not served before then. */
  visibleAt?: (e: StoredEvent) => number;
  now?: () => number;
  /** How an event is served, from the JSON it would be: e.g. unreadable (a leap second, a numeric id), sorted by its `t`. */
  serve?: (e: StoredEvent, json: Record<string, unknown>) => Record<string, unknown>;
  /** Called before each answer is built, with the request number (1-based): may change the events. */
  beforeAnswer?: (n: number, events: StoredEvent[], request: PageRequest) => void;
  /**
   * Whether to spell an event's id escaped (escapedIdToken) in this answer: by the request number (1-based) and
   * which copy of the event it is (0, or 1 for a duplicated id's second): two serializers behind one balancer.
   */
  escapedIds?: (e: StoredEvent, request: number, copy: number) => boolean;
  /** Events served a second time at another instant (re-stamped, both versions stored): id → the other time. */
  restamped?: Map<string, number>;
  /** Spells an id's JSON token anew in every answer (e.g. with escapes: the same string by value). */
  spellId?: (id: string, rand: () => number) => string;
  /** Pages are cut from the matching events in an order not by time, then each is sorted: order across pages is broken. */
  sortedWithinPagesOnly?: boolean;
}

export class HostileSource implements AuditSource {
  requests = 0;
  readonly asked: PageRequest[] = [];
  /** Answers handed out and not released yet; the most there were at once. */
  live = 0;
  mostLive = 0;
  constructor(
    readonly events: StoredEvent[],
    readonly hostility: Hostility = {},
    readonly rand = seededRandom(1),
  ) {}

  async fetchAnswer<T>(request: PageRequest, read: (answer: AuditAnswer) => T, { abortSignal }: { abortSignal: AbortSignal }): Promise<T> {
    await Promise.resolve();
    abortSignal.throwIfAborted();
    const n = ++this.requests;
    this.asked.push(request);
    const h = this.hostility;
    h.beforeAnswer?.(n, this.events, request);
    const from = request.from.getTime();
    const to = request.to.getTime();
    const now = h.now?.() ?? Infinity;
    const stored = h.restamped ? this.events.flatMap((e) => (h.restamped!.has(e.id) ? [e, { id: e.id, t: h.restamped!.get(e.id)! }] : [e])) : this.events;
    let matching = stored
      .filter((e) => (h.minInclusive === false ? e.t > from : e.t >= from) && (h.maxInclusive ? e.t <= to : e.t < to))
      .filter((e) => !h.visibleAt || h.visibleAt(e) <= now)
      .flatMap((e) => (h.duplicated?.has(e.id) ? [{ ...e, copy: 0 }, { ...e, copy: 1 }] : [{ ...e, copy: 0 }]));
    const byTime = (a: StoredEvent & { copy: number }, b: StoredEvent & { copy: number }) =>
      a.t - b.t || (h.unstableTies ? 0 : a.id < b.id ? -1 : a.id > b.id ? 1 : a.copy - b.copy);
    // Order across pages broken: as stored (sortWithinPagesOnly), or in an order unrelated to time (sortedWithinPagesOnly).
    if (h.sortedWithinPagesOnly) matching.sort((a, b) => scramble(a) - scramble(b) || byTime(a, b));
    else if (!h.sortWithinPagesOnly) matching.sort(byTime);
    if (h.unstableTies) matching = shuffleTies(matching, this.rand);
    const size = Math.min(request.size, h.pageCap ?? Infinity);
    const hits = matching.slice(request.offset, request.offset + size);
    if (h.sortedWithinPagesOnly || h.sortWithinPagesOnly) hits.sort(byTime);
    const count = h.count ? h.count(matching.length) : matching.length;
    // As JSON.stringify({ count, hits }) would write it, with each hit's text as the switches say.
    const body = `{${h.noCount ? '' : `"count":${count},`}"hits":[${hits.map((e) => this.hitText(e, n)).join(',')}]}`;
    this.live++;
    this.mostLive = Math.max(this.mostLive, this.live);
    let released = false;
    const release = () => {
      if (!released) this.live--;
      released = true;
    };
    return read({ body: Buffer.from(body), timeKey: h.legacy ? 'dateTime' : 'eventTimestamp', release });
  }

  private hitText(e: StoredEvent & { copy: number }, request: number): string {
    if (e.raw !== undefined) return e.raw;
    const plain = eventJson(e, this.hostility.legacy) as Record<string, unknown>;
    const json = this.hostility.serve ? this.hostility.serve(e, plain) : plain;
    const text = JSON.stringify(this.hostility.pad ? { ...json, padding: 'x'.repeat(this.hostility.pad) } : json);
    if (this.hostility.escapedIds?.(e, request, e.copy)) return text.replace(JSON.stringify(e.id), () => escapedIdToken(e.id));
    const spell = this.hostility.spellId;
    if (!spell) return text;
    const token = JSON.stringify(e.id);
    return `{"id":${spell(e.id, this.rand)}${text.slice('{"id":'.length + token.length)}`;
  }
}

/** A fixed order of events that has nothing to do with their time (FNV-1a of id and time). */
function scramble(e: StoredEvent): number {
  let x = 0x811c9dc5;
  const key = `${e.id}@${e.t}`;
  for (let i = 0; i < key.length; i++) x = Math.imul(x ^ key.charCodeAt(i), 0x01000193);
  return x >>> 0;
}

/** `id` as a JSON string token with random escapes: `\/` for a slash, `\u00XX` (either case) for any ASCII character. */
export function escapedSpelling(id: string, rand: () => number): string {
  let out = '"';
  for (const ch of JSON.stringify(id).slice(1, -1).match(/\\u[0-9a-fA-F]{4}|\\.|[^\\]/g) ?? []) {
    if (ch.length > 1 || ch.charCodeAt(0) > 0x7e || rand() < 0.5) {
      out += ch;
      continue;
    }
    const hex = ch.charCodeAt(0).toString(16).padStart(4, '0');
    out += ch === '/' && rand() < 0.5 ? '\\/' : `\\u${rand() < 0.5 ? hex : hex.toUpperCase()}`;
  }
  return `${out}"`;
}

/** An event as the API serves it, in either kind. */
export function eventJson(e: StoredEvent, legacy = false): object {
  const payload = e.payload === undefined ? {} : { payload: e.payload };
  return legacy ? { id: e.id, dateTime: e.t, recordType: 'query', ...payload } : { id: e.id, eventTimestamp: new Date(e.t).toISOString(), action: 'QUERY', ...payload };
}

/**
 * The id's JSON token spelled another legal way: every "/" as "\\/" and the first character as a \\u escape (two, a
 * surrogate pair, for one outside the BMP), as some serializers write them.
 */
export function escapedIdToken(id: string): string {
  const first = id.codePointAt(0)!;
  const units = first > 0xffff ? [id.charCodeAt(0), id.charCodeAt(1)] : [first];
  const head = units.map((u) => `\\u${u.toString(16).toUpperCase().padStart(4, '0')}`).join('');
  return `"${head}${JSON.stringify(id.slice(units.length)).slice(1, -1).replaceAll('/', '\\/')}"`;
}

function shuffleTies<T extends StoredEvent>(sorted: T[], rand: () => number): T[] {
  const out: T[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j]!.t === sorted[i]!.t) j++;
    const group = sorted.slice(i, j);
    for (let k = group.length - 1; k > 0; k--) {
      const r = Math.floor(rand() * (k + 1));
      [group[k], group[r]] = [group[r]!, group[k]!];
    }
    out.push(...group);
    i = j;
  }
  return out;
}

/** `count` events spread over [start, start + spanMs), `tie` of them at each instant, ids e0000… */
export function eventsAt(start: number, spanMs: number, count: number, tie = 1): StoredEvent[] {
  const instants = Math.ceil(count / tie);
  return Array.from({ length: count }, (_, i) => ({ id: `e${String(i).padStart(5, '0')}`, t: start + Math.floor((Math.floor(i / tie) * spanMs) / instants) }));
}
