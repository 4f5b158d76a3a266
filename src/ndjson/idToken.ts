// An event's id compared by value: two JSON spellings of one string ("a\/b" and "a/b", "\u0041" and "A") are one id.
// The canonical spelling is JSON.stringify's of the string, with U+2028/9 escaped as the lines escape them, in UTF-8;
// a token with no backslash is already in it (a valid UTF-8 token with no escape holds no '"', '\', control character
// or lone surrogate, the only characters JSON.stringify escapes; a raw U+2028/9 is escaped in a line), so the common
// id is used as it stands, and an id with no escape keys and digests exactly as before ids were compared by value.
import { hasEscape } from './bytes';

const SEPARATORS = /[\u2028\u2029]/g;
const escapeSeparator = (c: string) => (c === '\u2028' ? '\\u2028' : '\\u2029');

/** The canonical spelling of an escaped JSON string token (UTF-8 text, quotes included). */
function canonicalText(token: string): string {
  return JSON.stringify(JSON.parse(token) as string).replace(SEPARATORS, escapeSeparator);
}

/**
 * The id token b[start..end) as a key: its canonical spelling's bytes, one char per byte (the form ids have in a
 * position and a checkpoint's cursor). Only an escaped token costs more than the string itself.
 */
export function idKeyOf(b: Buffer, start: number, end: number): string {
  if (!hasEscape(b, start, end)) return b.toString('latin1', start, end);
  return Buffer.from(canonicalText(b.toString('utf8', start, end)), 'utf8').toString('latin1');
}

/** A stored id key (one char per byte of its token), in canonical spelling: a checkpoint written before may hold another. */
export function canonicalIdKey(key: string): string {
  if (!key.includes('\\')) return key;
  try {
    return Buffer.from(canonicalText(Buffer.from(key, 'latin1').toString('utf8')), 'utf8').toString('latin1');
  } catch {
    return key; // not a JSON string token: it matches no event's id, spelled either way
  }
}

/** The canonical token's bytes of an escaped id token b[start..end) (for digests; an unescaped token is its own). */
export function canonicalIdBytes(b: Uint8Array, start: number, end: number): Buffer {
  return Buffer.from(canonicalText(Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('utf8')), 'utf8');
}
