/** A half-open time range [start, end) of event timestamps that lies inside one UTC hour. */
export interface Window {
  readonly start: Date;
  readonly end: Date;
}

/** One hour, the unit of windows, files and manifests. */
export const HOUR_MS = 3600 * 1000;

/** The start of the UTC hour that contains `t`. */
export function hourOf(t: Date): Date {
  return new Date(Math.floor(t.getTime() / HOUR_MS) * HOUR_MS);
}

export function windowKey(w: Window): string {
  return `${w.start.toISOString()}/${w.end.toISOString()}`;
}
