// The escapedIds fault: a second serializer behind the same balancer, which spells every "id" string of an event (its
// own and nested ones) another legal way ("/" as "\/", the first character as a \u escape). The strings are the same;
// only their bytes differ.

/** `body` (a JSON string's content, escapes kept) spelled the other way. */
function respelled(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      const n = body[i + 1] === 'u' ? 6 : 2;
      out += body.slice(i, i + n);
      i += n - 1;
    } else if (i === 0) {
      // A character outside the BMP is two units, escaped as a surrogate pair.
      const units = c.charCodeAt(0) >= 0xd800 && c.charCodeAt(0) < 0xdc00 ? body.slice(0, 2) : c;
      for (let k = 0; k < units.length; k++) out += `\\u${units.charCodeAt(k).toString(16).toUpperCase().padStart(4, '0')}`;
      i += units.length - 1;
    } else out += c === '/' ? '\\/' : c;
  }
  return out;
}

/** A chunk of events (JSON objects joined by ",") with every "id" string spelled the other way (keys are never escaped by the renderer). */
export function respellIds(chunk: Buffer): Buffer {
  return Buffer.from(chunk.toString('utf8').replace(/"id":"((?:[^"\\]|\\.)*)"/g, (_, body: string) => `"id":"${respelled(body)}"`), 'utf8');
}
