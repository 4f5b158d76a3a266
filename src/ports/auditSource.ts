import type { Window } from '../time/window';

/** Which top-level key of an event holds its time: UAM's ISO-8601 "eventTimestamp", or legacy's epoch-ms "dateTime". */
export type TimeKey = 'eventTimestamp' | 'dateTime';

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

/** Where a request stands, as messages name it. */
export function whereOf(request: PageRequest): string {
  return `window ${request.window.start.toISOString()}..${request.window.end.toISOString()} (minDate ${request.from.toISOString()}, offset ${request.offset})`;
}

/** One answer of the audit search, its body as the API sent it. */
export interface AuditAnswer {
  /** `{"count": N, "hits": [event, …]}`. Whoever reads it takes it over, and may rewrite its bytes. */
  body: Buffer;
  /** Which top-level key of an event holds its time. */
  timeKey: TimeKey;
  /** Hands the body's memory back to the source for a later answer: nothing may read it after. */
  release?(): void;
}

export interface FetchOptions {
  abortSignal: AbortSignal;
  /** Epoch ms: a retry whose wait (Retry-After) would end later is not begun; the request fails with WaitBeyondDeadline. */
  deadline?: number;
}

/** Where audit events come from, one search request at a time. */
export interface AuditSource {
  /**
   * Asks the search for `request` and returns what `read` makes of the answer. Asks again, as the source's retry
   * policy says, when the request or `read` fails with a retryable error: an answer that cannot be read (a page cut
   * short, say) is worth asking for again, like one that never came.
   */
  fetchAnswer<T>(request: PageRequest, read: (answer: AuditAnswer) => T, options: FetchOptions): Promise<T>;
}
