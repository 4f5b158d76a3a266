// An event's time as epoch ms, read from the page's bytes. UAM's "eventTimestamp" is an ISO-8601 instant with any
// number of fraction digits and any offset; the common form YYYY-MM-DDTHH:MM:SS[.sss]Z is read without making a
// string. Legacy "dateTime" is epoch milliseconds, a JSON number or a string holding one. Anything else is NaN: a
// time without a zone is never read as local time.
import type { TimeKey } from '../ports/auditSource';
import { Byte, hasEscape } from './bytes';

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** RFC 3339's date-time: a zone is required; fraction digits beyond milliseconds are cut (floor), never rounded up. */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
/** Epoch ms as APIs mostly write it: digits only. */
const EPOCH_MS = /^(0|[1-9]\d{0,15})$/;
/** Any other spelling of a JSON number without a sign: 1.7966778e12 is the number 1796677800000, as a serializer of doubles writes it. */
const JSON_NUMBER = /^(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const MAX_MS = 8.64e15;

/**
 * The JSON string token b[start..end) (quotes included) as an instant. `escaped`: whether it has a backslash, if
 * the caller knows; else looked for only when the common form does not match (which no escaped token does).
 */
export function eventTimeOf(b: Buffer, start: number, end: number, escaped?: boolean): number {
  if (!escaped) {
    const fast = isoUtc(b, start + 1, end - 1);
    if (fast !== undefined) return fast;
  }
  escaped ??= hasEscape(b, start, end);
  const text = escaped ? (JSON.parse(b.toString('utf8', start, end)) as string) : b.toString('utf8', start + 1, end - 1);
  return parseInstant(text);
}

/**
 * The token b[start..end) — a JSON number, or a string holding one (quotes included) — as epoch ms: any spelling
 * of a whole number of milliseconds within Date's range. A fraction of a millisecond is refused, not cut: epoch
 * milliseconds have none, and a number with one is more likely seconds.
 */
export function epochMsOf(b: Buffer, start: number, end: number): number {
  const quoted = b[start] === Byte.Quote;
  const text = b.toString('latin1', quoted ? start + 1 : start, quoted ? end - 1 : end);
  const ms = EPOCH_MS.test(text) || JSON_NUMBER.test(text) ? Number(text) : NaN;
  return Number.isInteger(ms) && ms <= MAX_MS ? ms : NaN;
}

/** What an event's time must be, for messages about one that is not: by the key the API's kind keeps it in. */
export function timeRule(timeKey: TimeKey): string {
  return timeKey === 'dateTime'
    ? '"dateTime" must be epoch milliseconds, a whole number of 0 or more (a JSON number, or a string of digits)'
    : 'it must be an instant with a zone';
}

/** An RFC 3339 instant as epoch ms (the fraction cut to milliseconds); NaN for anything else. */
export function parseInstant(text: string): number {
  const m = INSTANT.exec(text);
  if (!m) return NaN;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return NaN;
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  let offsetMinutes = 0;
  if (!m[8]) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return NaN;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day); // years below 100 too, which Date.UTC would read as 19xx
  d.setUTCHours(hour, minute, second, ms);
  const t = d.getTime() - offsetMinutes * 60_000;
  return Math.abs(t) <= MAX_MS ? t : NaN;
}

function daysIn(year: number, month: number): number {
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return DAYS[month - 1]! + (leap ? 1 : 0);
}

/** The strict form YYYY-MM-DDTHH:MM:SS[.sss]Z: where each of its parts starts, and its two lengths (without, with ms). */
const enum IsoUtc {
  Year = 0,
  DateDash1 = 4,
  Month = 5,
  DateDash2 = 7,
  Day = 8,
  T = 10,
  Hour = 11,
  TimeColon1 = 13,
  Minute = 14,
  TimeColon2 = 16,
  Second = 17,
  Dot = 19,
  Ms = 20,
  Length = 20,
  LengthWithMs = 24,
}

/** Exactly parseInstant's result for the strict form with real calendar values; undefined for anything else. */
function isoUtc(b: Buffer, i: number, end: number): number | undefined {
  const length = end - i;
  if (length !== IsoUtc.Length && length !== IsoUtc.LengthWithMs) return undefined;
  if (b[i + IsoUtc.DateDash1] !== Byte.Minus || b[i + IsoUtc.DateDash2] !== Byte.Minus || b[i + IsoUtc.T] !== Byte.UpperT) return undefined;
  if (b[i + IsoUtc.TimeColon1] !== Byte.Colon || b[i + IsoUtc.TimeColon2] !== Byte.Colon || b[end - 1] !== Byte.UpperZ) return undefined;
  const year = digits(b, i + IsoUtc.Year, 4);
  const month = digits(b, i + IsoUtc.Month, 2);
  const day = digits(b, i + IsoUtc.Day, 2);
  const hour = digits(b, i + IsoUtc.Hour, 2);
  const minute = digits(b, i + IsoUtc.Minute, 2);
  const second = digits(b, i + IsoUtc.Second, 2);
  let ms = 0;
  if (length === IsoUtc.LengthWithMs) {
    if (b[i + IsoUtc.Dot] !== Byte.Dot) return undefined;
    ms = digits(b, i + IsoUtc.Ms, 3);
  }
  // Date.UTC reads years below 100 as 19xx; such years go to parseInstant.
  if (year < 1000 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) {
    return undefined;
  }
  if (day > daysIn(year, month)) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** The decimal number in b[i..i+n), or -1 if any byte is not a digit. */
function digits(b: Buffer, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const d = b[k]! - Byte.Zero;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}
