import { linkedSignal } from '../abort/linkedSignal';
import { ExportError } from '../errors';
import { readPage, type AuditPage } from '../ndjson/auditPage';
import type { AuditSource, PageRequest } from '../ports/auditSource';
import type { Window } from '../time/window';
import { advance } from './advance';
import type { Position } from './position';
import { sortAnswer, type SortedAnswer } from './sortAnswer';
import { continuesChain, tailOf, type Tail } from './chain';
import { PAGES_AHEAD, PAGES_AHEAD_MIN } from '../config/defaults';

/** A window whose paging has not ended after this many requests is refused (an API that never stops answering). */
const MAX_REQUESTS = 1_000_000;

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
  /** Events of that range at or past the window's end. */
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
}

/**
 * The answers of one window, in order, from `position` on, each sorted against where the window stands. Paging is
 * by time (keyset): each request asks from just before the last written event and drops what it already has. To
 * hide the API's latency, further pages of the same search are requested by offset ahead of time, each overlapping
 * the one before by one event; one is used only if that overlap proves nothing moved in between (see chain.ts),
 * else it is dropped and asked again by time. The window ends when an answer reaches past it or holds all the
 * search range has; then the range is counted once more.
 */
export async function* windowPages(source: AuditSource, window: Window, position: Position, options: WindowPagesOptions): AsyncGenerator<WindowPage, WindowEnd> {
  const { size, abortSignal, deadline, ahead = PAGES_AHEAD } = options;
  let requests = 0;
  let shortPages = 0;
  let unconfirmedShort = false;
  let depth = PAGES_AHEAD_MIN;
  const ask = (from: number, offset: number, n = size) => {
    if (++requests > MAX_REQUESTS) {
      throw new ExportError('AuditApiRunaway', `the audit API kept answering for window ${window.start.toISOString()}..${window.end.toISOString()} after ${MAX_REQUESTS} requests; check its paging`, { kind: 'permanent' });
    }
    const request: PageRequest = { window, from: new Date(from), to: window.end, offset, size: n };
    const linked = linkedSignal(abortSignal);
    const promise = readPage(source, request, { abortSignal: linked.signal, deadline });
    const asked = { request, promise, cancel: () => linked.abort(), answered: false };
    const settle = () => {
      asked.answered = true;
      linked.dispose();
    };
    promise.then(settle, settle); // also keeps an abandoned request's failure from crashing the process
    return asked;
  };
  type Asked = ReturnType<typeof ask>;
  // The pages asked for by offset after one keyset request: all from the same minDate.
  let chain: { from: number; next: number; out: Asked[]; tail: Tail | undefined } | undefined;
  const drop = () => {
    for (const a of chain?.out ?? []) {
      a.cancel();
      a.promise.then((p) => p.release(), () => undefined);
    }
    chain = undefined;
  };
  try {
    for (;;) {
      chain ??= { from: position.from, next: position.skip, out: [], tail: undefined };
      // Pages are asked for ahead only once the search has shown a full page: a small window costs one request.
      while (chain.out.length < (chain.tail ? Math.min(depth, ahead) : 1)) {
        chain.out.push(ask(chain.from, chain.next));
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
      const n = page.eventTimes.length;
      const after = advance(position, page, sorted, n, request);
      // A short answer that is not the end is a page cap: the count says so at once; without one, the next answer does.
      if (unconfirmedShort && sorted.fresh > 0) shortPages++;
      unconfirmedShort = !sorted.done && n < size && page.count === undefined;
      if (!sorted.done && n < size && page.count !== undefined) shortPages++;
      if (sorted.done || n < size) drop();
      else chain.tail = tailOf(page, size);
      yield { page, request, sorted, position, after };
      position = after;
      if (sorted.done) {
        // A window that fit in its first answer was counted by it; otherwise count the range once more, now.
        if (request.offset === 0 && request.from.getTime() === window.start.getTime() - 1) {
          return { position, rangeCount: page.count, beyond: sorted.beyond, requests, shortPages };
        }
        const check = ask(window.start.getTime() - 1, 0, 1);
        const counted = await check.promise;
        counted.release();
        return { position, rangeCount: counted.count, beyond: sorted.beyond, requests, shortPages };
      }
    }
  } finally {
    drop();
  }
}
