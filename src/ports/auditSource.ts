import type { Window } from '../windows/window';

/**
 * One request of the audit search: events with `from` ≤ time ≤ `to` (whether each bound is inclusive is the API's
 * business; the pager works either way), in time order, skipping `offset` of them.
 */
export interface PageRequest {
  /** The window being exported (for messages). */
  window: Window;
  from: Date;
  to: Date;
  offset: number;
  size: number;
}

/**
 * One answer of the audit search, already as NDJSON lines cut from the API's own bytes (every field unchanged,
 * compact, U+2028/U+2029 escaped): the exporter never re-serializes an event.
 */
export interface AuditPage {
  /** Events matching the request's `from`/`to` as the API counts them, whatever `offset` and `size`; absent if it does not say. */
  count: number | undefined;
  /** The page's events, each one line ending in "\n". */
  ndjson: Buffer;
  /** lineEnds[i] = byte offset in `ndjson` just after event i's "\n". */
  lineEnds: number[];
  /** Each event's time as epoch ms (NaN when it is not a valid instant with a zone). */
  eventTimes: number[];
  /** idStarts[i]..idEnds[i]: event i's "id" token in `ndjson`, quotes included (compared byte for byte). */
  idStarts: number[];
  idEnds: number[];
  /** Event i's "id" and time as text, for messages. */
  describe(i: number): { id: string; time: string };
  /** Lets the source reuse the page's memory once its lines are copied out: nothing may read the page after. */
  release?(): void;
}

export interface FetchOptions {
  abortSignal: AbortSignal;
  /** Epoch ms: a retry whose wait (Retry-After) would end later is not begun; the request fails with WaitBeyondDeadline. */
  deadline?: number;
}

/** Where audit events come from, one search request at a time. */
export interface AuditSource {
  fetchPage(request: PageRequest, options: FetchOptions): Promise<AuditPage>;
}

/** Event i's id as a string key: its JSON token's bytes, one char per byte. */
export function idOf(page: AuditPage, i: number): string {
  return page.ndjson.toString('latin1', page.idStarts[i]!, page.idEnds[i]!);
}
