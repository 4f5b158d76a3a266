import type { Window } from '../window/window';

export interface PageRequest {
  window: Window;
  offset: number;
  size: number;
}

/**
 * One page of audit events, already as NDJSON lines cut from the API's own bytes (every field unchanged,
 * compact, U+2028/U+2029 escaped): the exporter never re-serializes an event.
 */
export interface AuditPage {
  /** Events in the whole window, as the API counts them (for progress and backlog). */
  total: number;
  /** The page's events, each one line ending in "\n". */
  ndjson: Buffer;
  /** lineEnds[i] = byte offset in `ndjson` just after event i's "\n". */
  lineEnds: number[];
  /** Each event's "eventTimestamp" as epoch ms (NaN when it is not a date). */
  eventTimes: number[];
  /** Event i's "id" and "eventTimestamp" text, for messages. */
  describe(i: number): { id: string; eventTimestamp: string };
  /** Lets the source reuse the page's memory once its lines are copied out: nothing may read the page after. */
  release?(): void;
}

/** Where audit events come from, a window and an offset at a time. */
export interface AuditSource {
  fetchPage(request: PageRequest, options: { abortSignal: AbortSignal }): Promise<AuditPage>;
}
