// The escapedIds fault: one id spelled another way, the same JSON string by value, as a second serializer behind the
// same load balancer would write it: every "/" as "\/", and the first letter (else the first character) as \u00XX.
const SLASH = /\//g;
const LETTER = /[A-Za-z]/;
/** A placeholder no event holds, put where a caller-supplied event's id stands while its text is rebuilt. */
const MARK = '\u0000escaped id\u0000';

/** The JSON string token (quotes included) of `id`, spelled with escapes. */
export function escapedIdToken(id: string): string {
  const plain = JSON.stringify(id).slice(1, -1).replace(SLASH, '\\/');
  // The first character that is not part of an escape sequence JSON.stringify wrote; a letter if there is one.
  let first = -1;
  for (let i = 0; i < plain.length; i++) {
    if (plain[i] === '\\') {
      i += plain[i + 1] === 'u' ? 5 : 1;
      continue;
    }
    if (first < 0) first = i;
    if (LETTER.test(plain[i]!)) {
      first = i;
      break;
    }
  }
  if (first < 0) return `"${plain}"`;
  const code = plain.charCodeAt(first).toString(16).padStart(4, '0');
  return `"${plain.slice(0, first)}\\u${code}${plain.slice(first + 1)}"`;
}

/** An event's JSON text with its top-level string `id` spelled with escapes; unchanged if the id is not a string. */
export function withEscapedId(json: string, id: string): string {
  const head = `{"id":${JSON.stringify(id)}`;
  if (json.startsWith(head)) return `{"id":${escapedIdToken(id)}${json.slice(head.length)}`;
  // Caller-supplied events are JSON.stringify of an object, so parsing and writing again gives the same text.
  const event = JSON.parse(json) as { id?: unknown };
  if (typeof event.id !== 'string') return json;
  event.id = MARK;
  return JSON.stringify(event).replace(JSON.stringify(MARK), escapedIdToken(id));
}
