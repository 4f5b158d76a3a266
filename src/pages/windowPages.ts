import { linkedSignal } from '../abort/linkedSignal';
import { ExportError } from '../errors';
import { readPage, type AuditPage } from '../ndjson/auditPage';
import type { AuditSource, PageRequest } from '../ports/auditSource';
import type { Window } from '../time/window';
import { advance } from './advance';
import { isFresh, type Position } from './position';
import { QUARANTINE, sortAnswer, type SortedAnswer } from './sortAnswer';
import { continuesChain, tailOf, type Tail } from './chain';
import { PAGES_AHEAD, PAGES_AHEAD_MIN, WINDOW_END_REACH_MS } from '../config/defaults';
import { ReadAhead } from './readAhead';

/** A window whose paging has not ended after this many requests is refused (an API that never stops answering). */
const MAX_REQUESTS = 1_000_000;
/** Pages of the window's last millisecond asked to count the events at its end; past this, the window is unverified. */
const END_PROBE_PAGES = 100;

export interface WindowPage {
  page: AuditPage;
  request: PageRequest;
  sorted: SortedAnswer;
  /** Where the window stood before this answer, and stands after all of it. */
  position: Position;
  after: Position;
}

/** How a window's paging ended, for the count check. */
export interface WindowEnd {
  position: Position;
  /** The API's count for the window's search range (from its start − 1 ms to its end), taken after the paging. */
  rangeCount: number | undefined;
  /**
   * Events of that range at or past the window's end, as the answer that ended the window showed them: undefined
   * when they cannot be known exactly (then so is the window's own count).
   */
  beyond: number | undefined;
  requests: number;
  /** Answers with fewer events than asked while more remained (a page cap the API did not announce). */
  shortPages: number;
}

export interface WindowPagesOptions {
  size: number;
  abortSignal: AbortSignal;
  /** Passed on to each request (see FetchOptions). */
  deadline?: number;
  /** Most requests out at once; default PAGES_AHEAD. */
  ahead?: number;
  /** Bytes the pages out may hold, shared with the next window's paging; default its own, of READ_AHEAD_BYTES. */
  readAhead?: ReadAhead;
  /** Epoch ms: no request asks past it (a maxDate in the future is asked of no API); the run's start. */
  notAfter?: number;
}

/**
 * The answers of one window, in order, from `position` on, each sorted against where the window stands. Paging is
 * by time (keyset): each request asks from just before the last written event and drops what it already has. To
 * hide the API's latency, further pages of the same search are requested by offset ahead of time, each overlapping
 * the one before by one event; one is used only if that overlap proves nothing moved in between (see chain.ts),
 * else it is dropped and asked again by time.
 *
 * The window ends only on proof from the events: an answer that reaches an event at or past its end, or an empty
 * answer asked from where it stands. So that the proof costs no request of its own, a request that may reach the end
 * asks past it (maxDate WINDOW_END_REACH_MS later): each request by time but a fresh window's first (bounded by the
 * end, so that its count is the window's), and the one page ahead that the API's count says holds the window's last
 * event. A count that is off only costs a request; it never ends a window, nor limits the pages asked. Then the range
 * is counted once more for the count check, unless the first answer's count still stands.
 */
export async function* windowPages(source: AuditSource, window: Window, position: Position, options: WindowPagesOptions): AsyncGenerator<WindowPage, WindowEnd> {
  const { size, abortSignal, deadline, ahead = PAGES_AHEAD, readAhead = new ReadAhead(), notAfter = Infinity } = options;
  const start = window.start.getTime();
  const stop = window.end.getTime();
  const reach = Math.max(stop, Math.min(stop + WINDOW_END_REACH_MS, notAfter));
  let requests = 0;
  let shortPages = 0;
  let unconfirmedShort = false;
  let depth = PAGES_AHEAD_MIN;
  const ask = (from: number, offset: number, n = size, to = stop) => {
    if (++requests > MAX_REQUESTS) {
      throw new ExportError('AuditApiRunaway', `the audit API kept answering for window ${window.start.toISOString()}..${window.end.toISOString()} after ${MAX_REQUESTS} requests; check its paging`, { kind: 'permanent' });
    }
    const request: PageRequest = { window, from: new Date(from), to: new Date(to), offset, size: n };
    const linked = linkedSignal(abortSignal);
    const promise = readPage(source, request, { abortSignal: linked.signal, deadline });
    const asked = { request, promise, cancel: () => linked.abort(), answered: false };
    const settle = () => {
      asked.answered = true;
      linked.dispose();
    };
    promise.then((page) => {
      readAhead.saw(page.ndjson.byteLength);
      settle();
    }, settle); // also keeps an abandoned request's failure from crashing the process
    return asked;
  };
  type Asked = ReturnType<typeof ask>;
  const forget = (a: Asked) => {
    a.cancel();
    a.promise.then((p) => p.release(), () => undefined);
  };
  // A fresh window's first request is bounded by its end: its count, of exactly the window's range, tells which page
  // ahead may hold the last event (a hint only), and is the count check's if nothing new comes after it.
  const fresh = isFresh(position, window);
  let firstCount: { count: number | undefined; exported: number } | undefined;
  // What the answers showed of the window's end: an answer bounded by it held an event at it (maxDate is inclusive),
  // or one held an event past the maxDate asked (the API does not keep to it).
  let maxInclusive = false;
  let pastMaxDate = false;
  // The next request is bounded by the end: an answer asked past it left an event that cannot be placed undecided.
  let bounded = false;
  // The pages asked for by offset after one keyset request: all from the same minDate. `count` is the API's count of
  // the search from that minDate to the window's end, as last seen: a hint of where the window ends, never proof.
  let chain: { from: number; next: number; out: Asked[]; tail: Tail | undefined; count: number | undefined } | undefined;
  const drop = () => {
    for (const a of chain?.out ?? []) forget(a);
    chain = undefined;
  };
  // Whether the page at `offset` of the chain is the one its count says holds the window's last event, with room after it.
  const mayEnd = (c: NonNullable<typeof chain>, offset: number) => {
    const count = c.count;
    return count !== undefined && offset <= count - 1 && count - 1 < offset + size - 1;
  };
  try {
    for (let first = true; ; first = false) {
      chain ??= { from: position.from, next: position.skip, out: [], tail: undefined, count: undefined };
      // Pages are asked for ahead only once the search has shown a full page: a small window asks none ahead.
      while (chain.out.length < (chain.tail ? Math.min(depth, ahead, readAhead.pages()) : 1)) {
        const past = chain.tail ? mayEnd(chain, chain.next) : !(first && fresh);
        chain.out.push(ask(chain.from, chain.next, size, past && !bounded ? reach : stop));
        chain.next += size - 1;
      }
      const { request, promise, answered } = chain.out.shift()!;
      if (chain.tail) depth = answered ? Math.max(PAGES_AHEAD_MIN, depth - 1) : Math.min(ahead, depth + 2);
      const page = await promise;
      if (chain.tail && !continuesChain(chain.tail, page)) {
        page.release();
        drop();
        continue;
      }
      const sorted = sortAnswer(position, page, request, window);
      if (undecided(page, sorted, request, stop)) {
        page.release();
        drop();
        bounded = true;
        continue;
      }
      bounded = false;
      const n = page.eventTimes.length;
      const after = advance(position, page, sorted, n, request);
      if (sorted.pastMaxDate) pastMaxDate = true;
      if (request.to.getTime() === stop) {
        chain.count = page.count;
        if (sorted.end < n) maxInclusive = true;
      }
      // A short answer that is not the end is a page cap if the next one holds anything new.
      if (unconfirmedShort && sorted.fresh > 0) shortPages++;
      unconfirmedShort = !sorted.done && n < size;
      if (sorted.done || n < size) drop();
      else chain.tail = tailOf(page, size);
      if (first && fresh) firstCount = { count: page.count, exported: after.written + after.dropped };
      yield { page, request, sorted, position, after };
      position = after;
      if (sorted.done) {
        // The page is released by now: only its length and what sortAnswer found are read.
        const beyond = pastMaxDate ? undefined : await beyondOf(sorted, n, request, (offset) => ask(stop - 1, offset, size, stop).promise, maxInclusive);
        // The first answer's count stands if nothing was exported after it; otherwise the range is counted once more.
        if (firstCount && firstCount.exported === position.written + position.dropped) {
          return { position, rangeCount: firstCount.count, beyond, requests, shortPages };
        }
        const check = ask(start - 1, 0, 1);
        const now = await check.promise;
        now.release();
        return { position, rangeCount: now.count, beyond, requests, shortPages };
      }
    }
  } finally {
    drop();
  }
}

/**
 * Whether an answer asked past the window's end holds an event with no time after its last event of the window:
 * the API may file it in the window or past its end, and quarantined with the wrong window it would be counted as
 * exported where the API does not count it (hiding an event missing there). Such an answer is asked again bounded by
 * the end: every event that answer holds is in the window's range.
 */
function undecided(page: AuditPage, sorted: SortedAnswer, request: PageRequest, stop: number): boolean {
  if (request.to.getTime() <= stop) return false;
  for (let k = sorted.end - 1; k >= 0 && sorted.kinds[k] === QUARANTINE; k--) if (Number.isNaN(page.eventTimes[k])) return true;
  return false;
}

/**
 * Events of the window's count range [start − 1 ms, end] at or past its end, from the answer that ended the window:
 * none if it showed no event at the end; else those at the end if maxDate counts them, which an answer bounded by
 * the end tells by holding one. If none did, or the events at the end fill the answer that ended the window (so how
 * many sit there is unknown), the last millisecond up to the end is asked, page by page by offset until an answer is
 * not full, and its hits at the end are counted. Undefined when it cannot be known. An answer that is not full is
 * taken to hold all the events at the end it shows: a page cap cutting them could only make the check report events
 * missing that are not, never hide any.
 */
async function beyondOf(sorted: SortedAnswer, n: number, request: PageRequest, probe: (offset: number) => Promise<AuditPage>, maxInclusive: boolean): Promise<number | undefined> {
  const { atEnd, end } = sorted;
  if (atEnd === 0) return 0;
  const stop = request.window.end.getTime();
  const inclusive = maxInclusive || request.to.getTime() === stop;
  const seen = end + atEnd < n || n < request.size ? atEnd : undefined;
  if (inclusive && seen !== undefined) return seen;
  // Hits exactly at the end, over the pages of the last millisecond (only those at the end are counted: an inclusive
  // minDate adds the millisecond before).
  let shown = 0;
  for (let offset = 0, pages = 0; ; pages++) {
    if (pages >= END_PROBE_PAGES) return undefined;
    const page = await probe(offset);
    try {
      const times = page.eventTimes;
      const m = times.length;
      for (let i = 0; i < m; i++) {
        if (times[i] === stop) shown++;
        else if (times[i]! > stop) return undefined;
      }
      if (m < request.size) break;
      offset += m;
    } finally {
      page.release();
    }
  }
  // Events at the end in an answer bounded by it: maxDate is inclusive. None: it is exclusive, or none are there.
  if (!inclusive && shown === 0) return 0;
  return Math.max(seen ?? 0, shown);
}
