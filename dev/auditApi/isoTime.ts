// Fast ISO-8601 formatting. Date#toISOString is the single most expensive step of building an event;
// neighbouring events share their second, so the "YYYY-MM-DDTHH:MM:SS" prefix is cached.
const CACHE = 8;
const seconds = new Float64Array(CACHE).fill(NaN);
const prefixes: string[] = new Array<string>(CACHE).fill('');
// toISOString switches to ±YYYYYY years outside 0000..9999; those fall back to it unchanged.
const MIN_MS = -62167219200000;
const MAX_MS = 253402300800000;

/** Same text as new Date(ms).toISOString() for whole milliseconds. */
export function isoString(ms: number): string {
  if (!(ms >= MIN_MS && ms < MAX_MS)) return new Date(ms).toISOString();
  const sec = Math.floor(ms / 1000);
  const slot = ((sec % CACHE) + CACHE) % CACHE;
  if (seconds[slot] !== sec) {
    seconds[slot] = sec;
    prefixes[slot] = new Date(sec * 1000).toISOString().slice(0, 19);
  }
  const milli = ms - sec * 1000;
  return `${prefixes[slot]}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

/**
 * The same instant as local time at `offsetMinutes` east of UTC, with six fraction digits:
 * 2023-03-21T09:39:45.040000-04:00, as Immuta's published UAM examples show it.
 */
export function offsetIsoString(ms: number, offsetMinutes: number): string {
  const local = isoString(ms + offsetMinutes * 60_000);
  const abs = Math.abs(offsetMinutes);
  const hh = Math.floor(abs / 60);
  const mm = abs % 60;
  return `${local.slice(0, -1)}000${offsetMinutes < 0 ? '-' : '+'}${hh < 10 ? '0' : ''}${hh}:${mm < 10 ? '0' : ''}${mm}`;
}
