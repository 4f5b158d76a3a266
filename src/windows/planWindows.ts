import { HOUR_MS, hourOf, type Window } from '../time/window';

/** Hour windows one run plans at most (over a year): a longer backlog goes on in the next run. */
const MAX_WINDOWS = 10_000;

/**
 * The windows from `from` (inclusive) up to `until` (exclusive), split at every UTC hour boundary so that each
 * window feeds exactly one hour file. At most `limit` windows, so a long outage is planned in bounded steps.
 */
export function planWindows(from: Date, until: Date, limit = MAX_WINDOWS): Window[] {
  const windows: Window[] = [];
  let start = from.getTime();
  const stop = until.getTime();
  while (start < stop && windows.length < limit) {
    const end = Math.min(hourOf(new Date(start)).getTime() + HOUR_MS, stop);
    windows.push({ start: new Date(start), end: new Date(end) });
    start = end;
  }
  return windows;
}
