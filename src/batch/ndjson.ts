// U+2028/U+2029 are legal inside JSON strings and JSON.stringify leaves them raw, but many line readers
// (JavaScript's own, some log shippers) treat them as line breaks, which would split a record.
const LINE_SEPARATORS = /[\u2028\u2029]/g;
const escapeSeparator = (c: string) => (c === '\u2028' ? '\\u2028' : '\\u2029');

/** One event as one NDJSON line: compact JSON, UTF-8 safe, terminated by "\n". */
export function encodeLine(event: unknown): string {
  const json = JSON.stringify(event);
  if (json === undefined) throw new TypeError('event is not serializable as JSON');
  // The test is cheaper than a replace that finds nothing on the common path.
  return (json.includes('\u2028') || json.includes('\u2029') ? json.replace(LINE_SEPARATORS, escapeSeparator) : json) + '\n';
}

/** Events as NDJSON bytes. */
export function encodeBatch(events: readonly unknown[]): Buffer {
  let text = '';
  for (const event of events) text += encodeLine(event);
  return Buffer.from(text, 'utf8');
}
