// The bytes JSON and its timestamps are made of, by name. A const enum: tsc writes each use as its number, so the
// scanner's hot loops compare with literals, as they did before the bytes had names.

export const enum Byte {
  Tab = 0x09,
  Newline = 0x0a,
  CarriageReturn = 0x0d,
  Space = 0x20,
  Quote = 0x22,
  Plus = 0x2b,
  Comma = 0x2c,
  Minus = 0x2d,
  Dot = 0x2e,
  Slash = 0x2f,
  Zero = 0x30,
  Nine = 0x39,
  Colon = 0x3a,
  UpperA = 0x41,
  UpperE = 0x45,
  UpperF = 0x46,
  UpperT = 0x54,
  UpperZ = 0x5a,
  OpenBracket = 0x5b,
  Backslash = 0x5c,
  CloseBracket = 0x5d,
  LowerA = 0x61,
  LowerB = 0x62,
  LowerD = 0x64,
  LowerE = 0x65,
  LowerF = 0x66,
  LowerI = 0x69,
  LowerN = 0x6e,
  LowerR = 0x72,
  LowerT = 0x74,
  LowerU = 0x75,
  OpenBrace = 0x7b,
  CloseBrace = 0x7d,
  /** U+2028 is E2 80 A8 in UTF-8, U+2029 E2 80 A9: valid raw in JSON strings, but line ends to some readers. */
  SeparatorLead = 0xe2,
  SeparatorMiddle = 0x80,
  LineSeparatorLast = 0xa8,
  ParagraphSeparatorLast = 0xa9,
}

/** '}' for '{', ']' for '['. */
export const closerOf = (open: number): number => (open === Byte.OpenBrace ? Byte.CloseBrace : Byte.CloseBracket);
export const isWs = (c: number): boolean => c === Byte.Space || c === Byte.Newline || c === Byte.CarriageReturn || c === Byte.Tab;
/** False for undefined (read past the end). */
export const isDigit = (c: number): boolean => c >= Byte.Zero && c <= Byte.Nine;
export const isHex = (c: number): boolean => isDigit(c) || (c >= Byte.LowerA && c <= Byte.LowerF) || (c >= Byte.UpperA && c <= Byte.UpperF);
/** What may follow a backslash in a JSON string, other than "u" and its four hex digits. */
export const isEscaped = (c: number): boolean =>
  c === Byte.Quote || c === Byte.Backslash || c === Byte.Slash || c === Byte.LowerB || c === Byte.LowerF || c === Byte.LowerN || c === Byte.LowerR || c === Byte.LowerT;

/** How long U+2028/9 is in bytes: as sent (UTF-8), and escaped in a line (the ASCII \\u2028 / \\u2029). */
export const enum SeparatorLength {
  Raw = 3,
  Escaped = 6,
  /** Escaping makes it this many times longer: the most any byte of the input can grow. */
  Growth = Escaped / Raw,
}

/**
 * 1 for the bytes a string scan can pass without a look (not '"', '\\', a control character or the lead byte of
 * U+2028/9). A lookup table for the hottest loop; not exported, so nothing can write it.
 */
const PLAIN_IN_STRING = new Uint8Array(256).map((_, c) => (c >= Byte.Space && c !== Byte.Quote && c !== Byte.Backslash && c !== Byte.SeparatorLead ? 1 : 0));
/** Whether a string scan can pass byte c without a look; false past the end, where a read gives undefined. */
export const isPlainInString = (c: number): boolean => PLAIN_IN_STRING[c] === 1;

/** Whether the JSON string token b[start..end) has an escape (a raw backslash can only start one). */
export function hasEscape(b: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (b[k] === Byte.Backslash) return true;
  return false;
}
