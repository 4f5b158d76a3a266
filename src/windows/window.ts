/** A half-open time range [start, end) of event timestamps that lies inside one UTC hour. */
export interface Window {
  readonly start: Date;
  readonly end: Date;
}

/** One hour, the unit of windows, files and manifests. */
export const HOUR_MS = 3600 * 1000;

/** Hour windows one run plans at most (over a year): a longer backlog goes on in the next run. */
const MAX_WINDOWS = 10_000;

/** The start of the UTC hour that contains `t`. */
export function hourOf(t: Date): Date {
  return new Date(Math.floor(t.getTime() / HOUR_MS) * HOUR_MS);
}

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

export function windowKey(w: Window): string {
  return `${w.start.toISOString()}/${w.end.toISOString()}`;
}
