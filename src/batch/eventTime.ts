// An event's "eventTimestamp" as epoch ms, read from the page's bytes: the common form
// YYYY-MM-DDTHH:MM:SS[.sss]Z without making a string; anything else is left to Date.parse.

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The JSON string token b[start..end) (quotes included, `escaped` if it has a backslash) as Date.parse would read it. */
export function eventTimeOf(b: Buffer, start: number, end: number, escaped: boolean): number {
  if (!escaped) {
    const fast = isoUtc(b, start + 1, end - 1);
    if (fast !== undefined) return fast;
  }
  const text = escaped ? (JSON.parse(b.toString('utf8', start, end)) as string) : b.toString('utf8', start + 1, end - 1);
  return Date.parse(text);
}

/** Exactly Date.parse's result for the strict form with real calendar values; undefined for anything else. */
function isoUtc(b: Buffer, i: number, end: number): number | undefined {
  const length = end - i;
  if (length !== 20 && length !== 24) return undefined;
  if (b[i + 4] !== 0x2d || b[i + 7] !== 0x2d || b[i + 10] !== 0x54 || b[i + 13] !== 0x3a || b[i + 16] !== 0x3a || b[end - 1] !== 0x5a) return undefined;
  const year = digits(b, i, 4);
  const month = digits(b, i + 5, 2);
  const day = digits(b, i + 8, 2);
  const hour = digits(b, i + 11, 2);
  const minute = digits(b, i + 14, 2);
  const second = digits(b, i + 17, 2);
  let ms = 0;
  if (length === 24) {
    if (b[i + 19] !== 0x2e) return undefined;
    ms = digits(b, i + 20, 3);
  }
  // Date.UTC reads years below 100 as 19xx; such years go to Date.parse.
  if (year < 1000 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) {
    return undefined;
  }
  const leap = month === 2 && (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0));
  if (day > DAYS[month - 1]! + (leap ? 1 : 0)) return undefined; // Date.parse rolls such days over; let it
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** The decimal number in b[i..i+n), or -1 if any byte is not a digit. */
function digits(b: Buffer, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const d = b[k]! - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}
