// An in-memory audit search that misbehaves the ways real ones do (page caps, unstable ties, either bound
// inclusive, duplicate ids, events inserted and removed while paging, no count, counts that lie, ids spelled with
// escapes, order kept within pages only, events it cannot place), its answers read by the real scanner.
import type { AuditAnswer, AuditSource, PageRequest } from '../../src/ports/auditSource';
import { seededRandom } from '../../dev/seededRandom';

export interface StoredEvent {
  id: string;
  /** Where the API files the event (its filters and sort use it), whatever `raw` says. */
  t: number;
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
  /** Legacy records (epoch-ms "dateTime") instead of UAM events ("eventTimestamp"). */
  legacy?: boolean;
  /** When each event becomes visible (epoch ms), against `now`: a late event is not served before then. */
  visibleAt?: (e: StoredEvent) => number;
  now?: () => number;
  /** Called before each answer is built, with the request number (1-based): may change the events. */
  beforeAnswer?: (n: number, events: StoredEvent[], request: PageRequest) => void;
  /** The count the API reports for `truth` matching events (capped like Elasticsearch's, or off by some). */
  count?: (truth: number) => number;
  /** Spells an id's JSON token anew in every answer (e.g. with escapes: the same string by value). */
  spellId?: (id: string, rand: () => number) => string;
  /** Pages are cut from the matching events in an order not by time, then each is sorted: order across pages is broken. */
  sortedWithinPagesOnly?: boolean;
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
    let matching = this.events
      .filter((e) => (h.minInclusive === false ? e.t > from : e.t >= from) && (h.maxInclusive ? e.t <= to : e.t < to))
      .filter((e) => !h.visibleAt || h.visibleAt(e) <= now)
      .flatMap((e) => (h.duplicated?.has(e.id) ? [e, e] : [e]));
    const byTime = (a: StoredEvent, b: StoredEvent) => a.t - b.t || (h.unstableTies ? 0 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    if (h.sortedWithinPagesOnly) matching.sort((a, b) => scramble(a) - scramble(b) || byTime(a, b));
    else matching.sort(byTime);
    if (h.unstableTies) matching = shuffleTies(matching, this.rand);
    const size = Math.min(request.size, h.pageCap ?? Infinity);
    const hits = matching.slice(request.offset, request.offset + size);
    if (h.sortedWithinPagesOnly) hits.sort(byTime);
    const count = h.count ? h.count(matching.length) : matching.length;
    // As JSON.stringify({ count, hits }) would write it, with each hit's text as the switches say.
    const body = `{${h.noCount ? '' : `"count":${count},`}"hits":[${hits.map((e) => this.hitText(e)).join(',')}]}`;
    return read({ body: Buffer.from(body), timeKey: h.legacy ? 'dateTime' : 'eventTimestamp' });
  }

  private hitText(e: StoredEvent): string {
    if (e.raw !== undefined) return e.raw;
    const text = JSON.stringify(eventJson(e, this.hostility.legacy));
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
