// An in-memory audit search that misbehaves the ways real ones do (page caps, unstable ties, either bound
// inclusive, duplicate ids, events inserted and removed while paging, no count), its answers read by the real scanner.
import type { AuditAnswer, AuditSource, PageRequest } from '../../src/ports/auditSource';
import { seededRandom } from '../../dev/seededRandom';

export interface StoredEvent {
  id: string;
  t: number;
  /** Served as the event's "payload" field, to make it as large as a test needs. */
  payload?: string;
}

export interface Hostility {
  pageCap?: number;
  unstableTies?: boolean;
  minInclusive?: boolean;
  maxInclusive?: boolean;
  /** Ids stored twice (served twice, adjacent). */
  duplicated?: Set<string>;
  noCount?: boolean;
  /** Legacy records (epoch-ms "dateTime") instead of UAM events ("eventTimestamp"). */
  legacy?: boolean;
  /** When each event becomes visible (epoch ms), against `now`: a late event is not served before then. */
  visibleAt?: (e: StoredEvent) => number;
  now?: () => number;
  /** Called before each answer is built, with the request number (1-based): may change the events. */
  beforeAnswer?: (n: number, events: StoredEvent[], request: PageRequest) => void;
  /**
   * Whether to spell an event's id escaped (escapedIdToken) in this answer: by the request number (1-based) and
   * which copy of the event it is (0, or 1 for a duplicated id's second): two serializers behind one balancer.
   */
  escapedIds?: (e: StoredEvent, request: number, copy: number) => boolean;
  /** Events served a second time at another instant (re-stamped, both versions stored): id → the other time. */
  restamped?: Map<string, number>;
}

export class HostileSource implements AuditSource {
  requests = 0;
  readonly asked: PageRequest[] = [];
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
    matching.sort((a, b) => a.t - b.t || (h.unstableTies ? 0 : a.id < b.id ? -1 : a.id > b.id ? 1 : a.copy - b.copy));
    if (h.unstableTies) matching = shuffleTies(matching, this.rand);
    const size = Math.min(request.size, h.pageCap ?? Infinity);
    const hits = matching.slice(request.offset, request.offset + size);
    const hitsJson = hits.map((e) => {
      const json = JSON.stringify(eventJson(e, h.legacy));
      if (!h.escapedIds?.(e, n, e.copy)) return json;
      return json.replace(JSON.stringify(e.id), () => escapedIdToken(e.id));
    });
    const body = `{${h.noCount ? '' : `"count":${matching.length},`}"hits":[${hitsJson.join(',')}]}`;
    return read({ body: Buffer.from(body), timeKey: h.legacy ? 'dateTime' : 'eventTimestamp' });
  }
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
