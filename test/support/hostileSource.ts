// An in-memory audit search that misbehaves the ways real ones do (page caps, unstable ties, either bound
// inclusive, duplicate ids, events inserted and removed while paging, no count), its answers read by the real scanner.
import type { AuditAnswer, AuditSource, PageRequest } from '../../src/ports/auditSource';
import { seededRandom } from '../../dev/seededRandom';

export interface StoredEvent {
  id: string;
  t: number;
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
  /** Called before each answer is built, with the request number (1-based): may change the events. */
  beforeAnswer?: (n: number, events: StoredEvent[], request: PageRequest) => void;
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
    let matching = this.events
      .filter((e) => (h.minInclusive === false ? e.t > from : e.t >= from) && (h.maxInclusive ? e.t <= to : e.t < to))
      .filter((e) => !h.visibleAt || h.visibleAt(e) <= now)
      .flatMap((e) => (h.duplicated?.has(e.id) ? [e, e] : [e]));
    const byTime = (a: StoredEvent, b: StoredEvent) => a.t - b.t || (h.unstableTies ? 0 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    if (!h.sortWithinPagesOnly) matching.sort(byTime);
    if (h.unstableTies) matching = shuffleTies(matching, this.rand);
    const size = Math.min(request.size, h.pageCap ?? Infinity);
    const hits = matching.slice(request.offset, request.offset + size);
    if (h.sortWithinPagesOnly) hits.sort(byTime);
    const count = h.count ? h.count(matching.length) : matching.length;
    const padding = h.pad ? 'x'.repeat(h.pad) : undefined;
    const body = JSON.stringify({ ...(h.noCount ? {} : { count }), hits: hits.map((e) => (padding ? { ...eventJson(e, h.legacy), padding } : eventJson(e, h.legacy))) });
    this.live++;
    this.mostLive = Math.max(this.mostLive, this.live);
    let released = false;
    const release = () => {
      if (!released) this.live--;
      released = true;
    };
    return read({ body: Buffer.from(body), timeKey: h.legacy ? 'dateTime' : 'eventTimestamp', release });
  }
}

/** An event as the API serves it, in either kind. */
export function eventJson(e: StoredEvent, legacy = false): object {
  return legacy ? { id: e.id, dateTime: e.t, recordType: 'query' } : { id: e.id, eventTimestamp: new Date(e.t).toISOString(), action: 'QUERY' };
}

function shuffleTies(sorted: StoredEvent[], rand: () => number): StoredEvent[] {
  const out: StoredEvent[] = [];
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
