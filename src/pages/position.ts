import type { Window } from '../time/window';

/**
 * Where the paging of one window stands (keyset paging: by time, not by offset).
 *
 * Every event of the window earlier than `at` is written, and at `at` exactly those in `ids`. The next request asks
 * from `from` (normally `at` − 1 ms, so that an API whose minDate is exclusive still returns the events at `at`),
 * skipping `skip` events already known to be written.
 */
export interface Position {
  from: number;
  skip: number;
  /** Time of the last written event; the window's start before any. */
  at: number;
  /** Ids written at `at` (JSON tokens) → how many copies of each the API has shown (more than 1: duplicates dropped). */
  ids: ReadonlyMap<string, number>;
  /** Events of the window written, and duplicate copies dropped, so far. */
  written: number;
  dropped: number;
  /** Events before the window's start in its first answer: for the count check; undefined until known. */
  before: number | undefined;
}

/** A window not yet started. */
export function startOf(window: Window): Position {
  const start = window.start.getTime();
  return { from: start - 1, skip: 0, at: start, ids: new Map(), written: 0, dropped: 0, before: undefined };
}

/** Whether nothing has been asked of the window yet (its first answer also tells how many events precede it). */
export function isFresh(p: Position, window: Window): boolean {
  return p.written === 0 && p.dropped === 0 && p.skip === 0 && p.from === window.start.getTime() - 1 && p.before === undefined;
}
