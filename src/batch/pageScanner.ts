// One pass over a page's bytes (`{"count": N, "hits": [event, …]}`): validates it as JSON and cuts every hit out
// as an NDJSON line without building objects. Each line keeps the hit's bytes as sent (keys, order, escapes,
// number spellings, so large integers stay exact), minus whitespace outside strings, with U+2028/U+2029 escaped.
import { isUtf8 } from 'node:buffer';
import { eventTimeOf } from './eventTime';

export class PageSyntaxError extends Error {
  readonly code = 'InvalidPage';
  /** `offset`: where in the page body the problem was found. */
  constructor(message: string, readonly offset: number) {
    super(`${message} at byte ${offset}`);
    this.name = 'PageSyntaxError';
  }
}

export interface ScannedPage {
  /** The page's "count" (a non-negative integer). */
  count: number;
  /** All hits as NDJSON: each event as compact JSON, then "\n". */
  ndjson: Buffer;
  /** lineEnds[i] = byte offset in `ndjson` just after event i's "\n". */
  lineEnds: number[];
  /** Each event's top-level "eventTimestamp" as Date.parse reads it (NaN if it is not a date). */
  eventTimes: number[];
  /** Event i's top-level "id" and "eventTimestamp" string values (JSON-unescaped), decoded on demand for messages. */
  describe(i: number): { id: string; eventTimestamp: string };
}

export function scanPage(body: Buffer): ScannedPage {
  if (!isUtf8(body)) {
    // Error path only: about where decoding fails = the first byte that differs once bad sequences became U+FFFD.
    const decoded = Buffer.from(body.toString('utf8'));
    let at = 0;
    while (at < body.length && body[at] === decoded[at]) at++;
    throw new PageSyntaxError('page is not valid UTF-8', at);
  }
  return new Scanner(body).page();
}

/** 1 for bytes that need no attention inside a string (not '"', '\\', a control character or 0xE2); 0 past the end. */
const PLAIN = new Uint8Array(256).map((_, c) => (c > 0x22 && c !== 0x5c && c !== 0xe2) || c === 0x20 || c === 0x21 ? 1 : 0);
const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39; // false for undefined (read past the end)
const isHex = (c: number) => isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
/** Scans the value at i of the object key numbered `key` (1-based in the names given to object()); returns its end. */
type Member = (key: number, keyAt: number, i: number) => number;

class Scanner {
  private readonly n: number;
  private out: Buffer;
  private outPos = 0;
  /** Start of the current hit's bytes not yet copied to `out`; -1 outside hits (nothing is written). */
  private runStart = -1;
  private hit = -1; // index of the hit being scanned, for messages
  private esc = false; // whether the last scanned string had a backslash
  private keyEnd = 0; // end of the last key scanned by key()
  private readonly stack: number[] = []; // closing byte of each container open inside value()
  private count = -1;
  private sawHits = false;
  // The current hit's "id" and "eventTimestamp" string tokens in b (quotes included); -1 until seen.
  private idAt = -1;
  private idEnd = -1;
  private tsAt = -1;
  private tsEnd = -1;
  private tsEsc = false;
  private readonly lineEnds: number[] = [];
  private readonly eventTimes: number[] = [];
  /** Per hit: id start, id end, timestamp start, timestamp end (tokens in b): no strings per event. */
  private readonly spans: number[] = [];

  constructor(private readonly b: Buffer) {
    this.n = b.length;
    // Enough unless there are U+2028/9 escapes (lineSep() grows it then): a valid page spends at least one byte
    // outside its hits per hit ('[' or ','), which pays for that hit's "\n".
    this.out = Buffer.allocUnsafe(this.n);
  }

  page(): ScannedPage {
    let i = this.ws(0);
    if (this.b[i] !== 0x7b) this.fail('page must be a JSON object', i);
    i = this.ws(this.object(i, ['count', 'hits'], this.pageMember));
    if (i < this.n) this.fail('unexpected data after the page object', i);
    if (this.count < 0) this.fail('page has no "count"', 0, false);
    if (!this.sawHits) this.fail('page has no "hits"', 0, false);
    // Hand back a right-sized copy when whitespace removal left most of the buffer unused.
    const used = this.out.subarray(0, this.outPos);
    const { b, spans } = this;
    const text = (start: number, end: number) => JSON.parse(b.toString('utf8', start, end)) as string;
    return {
      count: this.count,
      ndjson: this.outPos * 2 < this.out.length ? Buffer.from(used) : used,
      lineEnds: this.lineEnds,
      eventTimes: this.eventTimes,
      describe: (i) => ({ id: text(spans[4 * i]!, spans[4 * i + 1]!), eventTimestamp: text(spans[4 * i + 2]!, spans[4 * i + 3]!) }),
    };
  }

  private readonly pageMember: Member = (key, keyAt, i) => {
    const b = this.b;
    if (key === 1) {
      if (this.count >= 0) this.fail('duplicate "count"', keyAt);
      const end = b[i] === 0x2d || isDigit(b[i]) ? this.number(i) : i;
      const v = Number(b.toString('latin1', i, end));
      if (end === i || !Number.isSafeInteger(v) || v < 0) this.fail('"count" must be a non-negative integer', i);
      this.count = v === 0 ? 0 : v; // not -0
      return end;
    }
    if (this.sawHits) this.fail('duplicate "hits"', keyAt);
    if (b[i] !== 0x5b) this.fail('"hits" must be an array', i);
    this.sawHits = true;
    i = this.ws(i + 1);
    if (b[i] === 0x5d) return i + 1;
    for (;;) {
      this.hit = this.lineEnds.length;
      i = this.ws(this.hitObject(i));
      this.hit = -1;
      if (b[i] === 0x5d) return i + 1;
      if (b[i] !== 0x2c) this.fail('expected "," or "]" after a hit', i);
      i = this.ws(i + 1);
    }
  };

  /** One hit: validated, its top-level "id"/"eventTimestamp" taken, written to `out` as one line. */
  private hitObject(start: number): number {
    if (this.b[start] !== 0x7b) this.fail('hit is not an object', start);
    this.runStart = start;
    this.idAt = this.tsAt = -1;
    const end = this.object(start, ['id', 'eventTimestamp'], this.hitMember);
    // An empty id is the token "" (escapes always leave at least one character).
    if (this.idAt < 0 || this.idEnd - this.idAt === 2) this.fail(this.idAt < 0 ? 'no "id"' : 'empty "id"', start, false);
    if (this.tsAt < 0) this.fail('no "eventTimestamp"', start, false);
    this.flush(end); // usually the whole hit in one copy
    this.out[this.outPos++] = 0x0a;
    this.runStart = -1;
    this.lineEnds.push(this.outPos);
    this.eventTimes.push(eventTimeOf(this.b, this.tsAt, this.tsEnd, this.tsEsc));
    this.spans.push(this.idAt, this.idEnd, this.tsAt, this.tsEnd);
    return end;
  }

  private readonly hitMember: Member = (key, keyAt, i) => {
    const name = key === 1 ? '"id"' : '"eventTimestamp"';
    if ((key === 1 ? this.idAt : this.tsAt) >= 0) this.fail(`duplicate ${name}`, keyAt);
    if (this.b[i] !== 0x22) this.fail(`${name} must be a string`, i);
    const end = this.string(i);
    if (key === 1) (this.idAt = i), (this.idEnd = end);
    else (this.tsAt = i), (this.tsEnd = end), (this.tsEsc = this.esc);
    return end;
  };

  /** The object at i (b[i] is '{'): `member` scans the values of keys in `names`, value() all others. */
  private object(i: number, names: string[], member: Member): number {
    const b = this.b;
    i = this.ws(i + 1);
    if (b[i] === 0x7d) return i + 1;
    for (;;) {
      const keyAt = i;
      i = this.key(i);
      const key = this.keyNumber(keyAt, this.keyEnd, names);
      i = this.ws(key === 0 ? this.value(i) : member(key, keyAt, i));
      if (b[i] === 0x7d) return i + 1;
      if (b[i] !== 0x2c) this.fail('expected "," or "}"', i);
      i = this.ws(i + 1);
    }
  }

  /** `"key" :` at i (sets keyEnd); returns where the value starts. */
  private key(i: number): number {
    if (this.b[i] !== 0x22) this.fail('expected a "quoted" object key', i);
    i = this.ws((this.keyEnd = this.string(i)));
    if (this.b[i] !== 0x3a) this.fail('expected ":" after an object key', i);
    return this.ws(i + 1);
  }

  /** Which of `names` (1-based) the just-scanned key b[i..end) is, 0 if none. Compares bytes: no allocation. */
  private keyNumber(i: number, end: number, names: string[]): number {
    const decoded = this.esc ? (JSON.parse(this.b.toString('utf8', i, end)) as string) : undefined;
    for (let k = 0; k < names.length; k++) if (decoded === undefined ? this.is(i + 1, end - 1, names[k]) : decoded === names[k]) return k + 1;
    return 0;
  }

  /** Whether b[i..end) is exactly the ASCII text `s`. */
  private is(i: number, end: number, s: string): boolean {
    let k = 0;
    if (end - i === s.length) while (k < s.length && this.b[i + k] === s.charCodeAt(k)) k++;
    return k === s.length;
  }

  /** Any JSON value at i; returns its end. An explicit stack, not recursion, so deep nesting cannot overflow. */
  private value(i: number): number {
    const { b, stack } = this;
    const base = stack.length;
    for (;;) {
      const c = b[i];
      if (c === 0x22) i = this.string(i);
      else if (c === 0x2d || isDigit(c)) i = this.number(i);
      else if (c === 0x7b || c === 0x5b) {
        const close = c + 2; // '}' or ']'
        i = this.ws(i + 1);
        if (b[i] === close) i++;
        else {
          stack.push(close);
          if (close === 0x7d) i = this.key(i);
          continue; // to the first element
        }
      } else {
        const word = c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null';
        if (!this.is(i, i + word.length, word)) this.fail('expected a value', i);
        i += word.length;
      }
      // A value ended: close the containers it completes, or go on to the next element.
      for (;;) {
        if (stack.length === base) return i;
        i = this.ws(i);
        const close = stack[stack.length - 1];
        if (b[i] === close) {
          stack.pop();
          i++;
        } else if (b[i] === 0x2c) {
          i = this.ws(i + 1);
          if (close === 0x7d) i = this.key(i);
          break;
        } else this.fail(close === 0x7d ? 'expected "," or "}"' : 'expected "," or "]"', i);
      }
    }
  }

  /** The string whose opening quote is at i; returns the index after its closing quote. Sets `esc`. */
  private string(i: number): number {
    const { b, n } = this;
    let esc = false;
    for (i++; i < n; i++) {
      // The hot loop. Only '"', '\', control characters and 0xE2 (may start U+2028/9) need a closer look.
      while (PLAIN[b[i]!] === 1) i++;
      const c = b[i]!;
      if (c === 0x22) {
        this.esc = esc;
        return i + 1;
      }
      if (c === 0x5c) {
        esc = true;
        const e = b[++i];
        if (e === 0x75) {
          if (!(isHex(b[i + 1]) && isHex(b[i + 2]) && isHex(b[i + 3]) && isHex(b[i + 4]))) this.fail('bad \\u escape', i - 1);
          i += 4; // lone surrogates are valid JSON, kept as sent
        } else if (!(e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74)) {
          this.fail('bad escape in string', i - 1);
        }
      } else if (c < 0x20) this.fail('raw control character in string', i);
      else if (b[i + 1] === 0x80 && (b[i + 2] === 0xa8 || b[i + 2] === 0xa9)) {
        if (this.runStart >= 0) this.lineSep(i);
        i += 2;
      }
    }
    return this.fail('unterminated string', i);
  }

  /** -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? at i; returns its end. */
  private number(i: number): number {
    const b = this.b;
    if (b[i] === 0x2d) i++;
    if (b[i] === 0x30) {
      if (isDigit(b[++i])) this.fail('leading zero in number', i - 1);
    } else if (isDigit(b[i])) while (isDigit(b[++i]));
    else this.fail('expected a digit', i);
    if (b[i] === 0x2e) {
      if (!isDigit(b[++i])) this.fail('expected a digit after "."', i);
      while (isDigit(b[++i]));
    }
    if ((b[i] | 0x20) === 0x65) {
      if (b[++i] === 0x2b || b[i] === 0x2d) i++;
      if (!isDigit(b[i])) this.fail('expected a digit in the exponent', i);
      while (isDigit(b[++i]));
    }
    return i;
  }

  /** Skips whitespace. Inside a hit it is left out of the line: copy what came before it, restart after it. */
  private ws(i: number): number {
    if (!isWs(this.b[i])) return i;
    if (this.runStart >= 0) this.flush(i);
    while (isWs(this.b[++i]));
    if (this.runStart >= 0) this.runStart = i;
    return i;
  }

  /** Copies the pending run b[runStart..end) to `out`; short runs (between whitespace) by hand, cheaper than a call. */
  private flush(end: number): void {
    const { b, out } = this;
    let k = this.runStart;
    let o = this.outPos;
    if (end - k > 32) o += b.copy(out, o, k, end);
    else while (k < end) out[o++] = b[k++];
    this.outPos = o;
    this.runStart = end;
  }

  /** U+2028/9 at i (3 bytes) becomes the 6 ASCII bytes \u2028 / \u2029. */
  private lineSep(i: number): void {
    this.flush(i);
    const need = this.outPos + 6 + (this.n - i - 3); // the rest of the input plus this escape (see constructor)
    if (need > this.out.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.out.length + (this.out.length >> 1)));
      this.out.copy(grown, 0, 0, this.outPos);
      this.out = grown;
    }
    this.outPos += this.out.write(this.b[i + 2] === 0xa8 ? '\\u2028' : '\\u2029', this.outPos, 'latin1');
    this.runStart = i + 3;
  }

  private fail(what: string, at: number, showFound = true): never {
    const c = this.b[at];
    const found = !showFound ? '' : at >= this.n ? '; found end of input' : `; found '${String.fromCharCode(c)}' (0x${c.toString(16)})`;
    throw new PageSyntaxError(`${this.hit >= 0 ? `hit ${this.hit}: ` : ''}${what}${found}`, at);
  }
}
