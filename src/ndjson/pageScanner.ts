// One pass over a page's bytes (`{"count": N, "hits": [event, …]}`): validates it as JSON and cuts every hit out
// as an NDJSON line without building objects. Each line keeps the hit's bytes as sent (keys, order, escapes,
// number spellings, so large integers stay exact), minus whitespace outside strings, with U+2028/U+2029 escaped.
// The lines are compacted in place, in the page's own buffer: for a compact page that is only the "," between hits
// becoming "\n", with no copy and no new memory.
import { isUtf8 } from 'node:buffer';
import { ExportError } from '../errors';
import { epochMsOf, eventTimeOf, parseInstant } from './eventTime';

/** Retryable: the audit API adapter asks for the page again. */
export class PageSyntaxError extends ExportError {
  /** `offset`: where in the page body the problem was found. */
  constructor(message: string, readonly offset: number) {
    super('InvalidPage', `${message} at byte ${offset}`, { kind: 'retryable' });
    this.name = 'PageSyntaxError';
  }
}

/** Which top-level key of a hit holds its time: UAM's ISO-8601 "eventTimestamp", or legacy's epoch-ms "dateTime". */
export type TimeKey = 'eventTimestamp' | 'dateTime';

export interface ScannedPage {
  /** The page's "count" (a non-negative integer), if it has one. */
  count: number | undefined;
  /** All hits as NDJSON: each event as compact JSON, then "\n" (a view into the scanned body, usually). */
  ndjson: Buffer;
  /** lineEnds[i] = byte offset in `ndjson` just after event i's "\n". */
  lineEnds: number[];
  /** Each event's time (its top-level time key) as epoch ms; NaN if it is not a valid instant with a zone. */
  eventTimes: number[];
  /** idStarts[i]..idEnds[i]: event i's "id" token in `ndjson`, quotes included. */
  idStarts: number[];
  idEnds: number[];
  /** How many hits took the fast path for compact hits (the rest took the general one); for tests and profiling. */
  compactHits: number;
  /** Event i's top-level "id" and time as text (JSON-unescaped), parsed from its line on demand, for messages. */
  describe(i: number): { id: string; time: string };
}

/** Scans `body`, which it takes over: its bytes are rewritten into the lines. */
export function scanPage(body: Buffer, timeKey: TimeKey = 'eventTimestamp'): ScannedPage {
  if (!isUtf8(body)) {
    // Error path only: about where decoding fails = the first byte that differs once bad sequences became U+FFFD.
    const decoded = Buffer.from(body.toString('utf8'));
    let at = 0;
    while (at < body.length && body[at] === decoded[at]) at++;
    throw new PageSyntaxError('page is not valid UTF-8', at);
  }
  return new Scanner(body, timeKey).page();
}

/** The object keys the scanner looks for, made once (a literal in hitObject was an allocation per event). */
const PAGE_KEYS = ['count', 'hits'];
const HIT_KEYS: Record<TimeKey, string[]> = { eventTimestamp: ['id', 'eventTimestamp'], dateTime: ['id', 'dateTime'] };

/** 1 for bytes that need no attention inside a string (not '"', '\\', a control character or 0xE2); 0 past the end. */
const PLAIN = new Uint8Array(256).map((_, c) => (c > 0x22 && c !== 0x5c && c !== 0xe2) || c === 0x20 || c === 0x21 ? 1 : 0);
const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39; // false for undefined (read past the end)
const isHex = (c: number) => isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
/** The compact path's open containers inside a hit (1: object, 0: array); deeper hits take the general path. */
const NEST_MAX = 64;
const NEST = new Uint8Array(NEST_MAX);
/** Scans the value at i of the object key numbered `key` (1-based in the names given to object()); returns its end. */
type Member = (key: number, keyAt: number, i: number) => number;

class Scanner {
  private readonly n: number;
  /** Where lines are written: the body itself, behind the read position, until a U+2028/9 escape needs more room. */
  private out: Buffer;
  /** Where the first line starts in `out`; -1 before the first hit. */
  private outBase = -1;
  private outPos = 0;
  /** Start of the current hit's bytes not yet copied to `out`; -1 outside hits (nothing is written). */
  private runStart = -1;
  private hit = -1; // index of the hit being scanned, for messages
  private esc = false; // whether the last scanned string had a backslash
  private sep = false; // whether a string scanned since plainString() began had a U+2028/9
  private keyNo = 0; // which of the names given to key() the last key was (1-based), 0 if none
  private readonly stack: number[] = []; // closing byte of each container open inside value()
  private count = -1;
  private sawHits = false;
  // The current hit's "id" and "eventTimestamp" string tokens in the lines (quotes included, from outBase); -1 until seen.
  private idAt = -1;
  private idEnd = -1;
  private tsAt = -1;
  private ts = NaN;
  private compactHits = 0;
  private readonly lineEnds: number[] = [];
  private readonly eventTimes: number[] = [];
  private readonly idStarts: number[] = [];
  private readonly idEnds: number[] = [];
  private readonly hitKeys: string[];
  /** Legacy: the time is epoch ms, a number or a string of digits. */
  private readonly epoch: boolean;

  constructor(private readonly b: Buffer, private readonly timeKey: TimeKey) {
    this.n = b.length;
    this.hitKeys = HIT_KEYS[timeKey];
    this.epoch = timeKey === 'dateTime';
    // In place, lines never overtake the bytes still to be read: a page spends at least one byte outside its hits
    // per hit ('[' or ','), which pays for that hit's "\n". Only escaping U+2028/9 can need more (see lineSep()).
    this.out = b;
  }

  page(): ScannedPage {
    let i = this.ws(0);
    if (this.b[i] !== 0x7b) this.fail('page must be a JSON object', i);
    i = this.ws(this.object(i, PAGE_KEYS, this.pageMember));
    if (i < this.n) this.fail('unexpected data after the page object', i);
    if (!this.sawHits) this.fail('page has no "hits"', 0, false);
    // Hand back a right-sized copy when whitespace removal left most of the buffer unused.
    const ndjson = this.outBase < 0 ? Buffer.alloc(0) : this.out.subarray(this.outBase, this.outPos);
    const { lineEnds, timeKey } = this;
    return {
      count: this.count < 0 ? undefined : this.count,
      ndjson,
      lineEnds,
      eventTimes: this.eventTimes,
      idStarts: this.idStarts,
      idEnds: this.idEnds,
      compactHits: this.compactHits,
      // Messages only: the line is valid JSON with exactly one top-level "id" (a string) and time key.
      describe: (i) => {
        const hit = JSON.parse(ndjson.toString('utf8', i === 0 ? 0 : lineEnds[i - 1], lineEnds[i]! - 1)) as Record<string, unknown>;
        return { id: String(hit.id), time: JSON.stringify(hit[timeKey]) };
      },
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
    if (b[i] === 0x7b) this.outBase = this.outPos = i; // lines start where the first hit does
    for (;;) {
      this.hit = this.lineEnds.length;
      i = this.ws(this.hitObject(i));
      const separator = b[i];
      if (separator !== 0x5d && separator !== 0x2c) this.fail('expected "," or "]" after a hit', i);
      this.hit = -1;
      // Read before written: in a compact page this "\n" lands on the separator itself.
      this.out[this.outPos++] = 0x0a;
      this.lineEnds.push(this.outPos - this.outBase);
      if (separator === 0x5d) return i + 1;
      i = this.ws(i + 1);
    }
  };

  /** One hit: validated, its top-level "id"/"eventTimestamp" taken, its bytes moved into its line (no "\n" yet). */
  private hitObject(start: number): number {
    if (this.b[start] !== 0x7b) this.fail('hit is not an object', start);
    const fast = this.compactHit(start);
    if (fast >= 0) return fast;
    this.runStart = start;
    this.idAt = this.tsAt = -1;
    const end = this.object(start, this.hitKeys, this.hitMember);
    // An empty id is the token "" (escapes always leave at least one character).
    if (this.idAt < 0 || this.idEnd - this.idAt === 2) this.fail(this.idAt < 0 ? 'no "id"' : 'empty "id"', start, false);
    if (this.tsAt < 0) this.fail(`no "${this.timeKey}"`, start, false);
    this.flush(end); // usually nothing to move
    this.runStart = -1;
    this.eventTimes.push(this.ts);
    this.idStarts.push(this.idAt);
    this.idEnds.push(this.idEnd);
    return end;
  }

  /**
   * The common hit in one flat loop: compact (no whitespace), no U+2028/9, no escape in a top-level key, nesting at
   * most NEST_MAX deep, "id" and the time key present. Returns its end, or -1 to leave it, untouched, to the
   * general path (which also reports any error: this path stops at the first byte it does not expect).
   */
  private compactHit(start: number): number {
    const b = this.b;
    let i = start + 1;
    let depth = 0; // containers open inside the hit
    let inObject = true; // whether the innermost open container is an object
    let idAt = -1;
    let idEnd = -1;
    let tsAt = -1;
    let tsEnd = -1;
    let tsEsc = false;
    if (b[i] === 0x7d) return -1;
    for (;;) {
      let key = 0; // 1: the hit's "id", 2: its time
      if (inObject) {
        if (b[i] !== 0x22) return -1;
        const at = i;
        i = this.compactString(i);
        if (i < 0) return -1;
        if (depth === 0) {
          if (this.esc) return -1;
          // HIT_KEYS compared inline: keyNumber() here measured about 10 % slower on sample pages.
          if (i - at === 4 && b[at + 1] === 0x69 && b[at + 2] === 0x64) key = 1;
          else if (this.is(at + 1, i - 1, this.timeKey)) key = 2;
        }
        if (b[i++] !== 0x3a) return -1;
      }
      const c = b[i];
      if (c === 0x22) {
        const at = i;
        i = this.compactString(i);
        if (i < 0) return -1;
        if (key === 1) {
          if (idAt >= 0) return -1;
          (idAt = at), (idEnd = i);
        } else if (key === 2) {
          if (tsAt >= 0) return -1;
          (tsAt = at), (tsEnd = i), (tsEsc = this.esc);
        }
      } else if (key === 2 && this.epoch && isDigit(c)) {
        if (tsAt >= 0) return -1;
        tsAt = i;
        i = this.number(i);
        tsEnd = i;
      } else if (key !== 0) return -1;
      else if (c === 0x7b || c === 0x5b) {
        if (b[i + 1] === c + 2) i += 2; // {} or []
        else {
          if (depth === NEST_MAX) return -1;
          NEST[depth++] = inObject ? 1 : 0;
          inObject = c === 0x7b;
          i++;
          continue; // to its first member or element
        }
      } else if (c === 0x2d || isDigit(c)) i = this.number(i);
      else if (c === 0x74 && this.is(i, i + 4, 'true')) i += 4;
      else if (c === 0x66 && this.is(i, i + 5, 'false')) i += 5;
      else if (c === 0x6e && this.is(i, i + 4, 'null')) i += 4;
      else return -1;
      // After a value: "," goes on to the next member or element; closing brackets end containers.
      for (;;) {
        const s = b[i++];
        if (s === 0x2c) break;
        if (s !== (inObject ? 0x7d : 0x5d)) return -1;
        if (depth === 0) return idAt < 0 || idEnd - idAt === 2 || tsAt < 0 ? -1 : this.compactHitDone(start, i, idAt, idEnd, tsAt, tsEnd, tsEsc);
        inObject = NEST[--depth] === 1;
      }
    }
  }

  /** The compact hit b[start..end) is valid: its line, id and event time are recorded. */
  private compactHitDone(start: number, end: number, idAt: number, idEnd: number, tsAt: number, tsEnd: number, tsEsc: boolean): number {
    this.eventTimes.push(this.epoch ? epochMsOf(this.b, tsAt, tsEnd) : eventTimeOf(this.b, tsAt, tsEnd, tsEsc));
    // Where the hit's bytes land in the lines: the whole hit moves as one run.
    const shift = this.outPos - start - this.outBase;
    this.idStarts.push(idAt + shift);
    this.idEnds.push(idEnd + shift);
    this.compactHits++;
    this.runStart = start;
    this.flush(end);
    this.runStart = -1;
    return end;
  }

  /** string() for the compact path, with the common string (nothing to look at inside) small enough to inline. */
  private compactString(i: number): number {
    const b = this.b;
    let j = i + 1;
    while (PLAIN[b[j]!] === 1) j++;
    if (b[j] !== 0x22) return this.plainString(i);
    this.esc = false;
    return j + 1;
  }

  /** string() for the compact path: -1 instead of handling a U+2028/9 (the general path moves it into the line). */
  private plainString(i: number): number {
    this.sep = false;
    const end = this.string(i);
    return this.sep ? -1 : end;
  }

  private readonly hitMember: Member = (key, keyAt, i) => {
    const name = key === 1 ? '"id"' : `"${this.timeKey}"`;
    if ((key === 1 ? this.idAt : this.tsAt) >= 0) this.fail(`duplicate ${name}`, keyAt, false);
    const at = this.lineAt(i);
    if (key === 2 && this.epoch && (this.b[i] === 0x2d || isDigit(this.b[i]))) {
      const end = this.number(i);
      this.tsAt = at;
      this.ts = epochMsOf(this.b, i, end);
      return end;
    }
    if (this.b[i] !== 0x22) this.fail(key === 1 || !this.epoch ? `${name} must be a string` : `${name} must be a number or a string`, i);
    const end = this.string(i);
    const to = this.lineAt(end);
    if (key === 1) (this.idAt = at), (this.idEnd = to);
    else {
      this.tsAt = at;
      // Read from the input unless a U+2028/9 inside the token already moved part of it (then from its line).
      const moved = this.runStart > i;
      if (this.epoch) this.ts = moved || this.esc ? NaN : epochMsOf(this.b, i, end);
      else this.ts = moved ? parseInstant(this.movedToken(at, end)) : eventTimeOf(this.b, i, end, this.esc);
    }
    return end;
  };

  /** The object at i (b[i] is '{'): `member` scans the values of keys in `names`, value() all others. */
  private object(i: number, names: string[], member: Member): number {
    const b = this.b;
    i = this.ws(i + 1);
    if (b[i] === 0x7d) return i + 1;
    for (;;) {
      const keyAt = i;
      i = this.key(i, names);
      const key = this.keyNo;
      i = this.ws(key === 0 ? this.value(i) : member(key, keyAt, i));
      if (b[i] === 0x7d) return i + 1;
      if (b[i] !== 0x2c) this.fail('expected "," or "}"', i);
      i = this.ws(i + 1);
    }
  }

  /** `"key" :` at i (sets keyNo from `names`); returns where the value starts. */
  private key(i: number, names?: string[]): number {
    if (this.b[i] !== 0x22) this.fail('expected a "quoted" object key', i);
    const at = this.runStart >= 0 ? this.lineAt(i) : 0;
    const end = this.string(i);
    // Before ws(): moving the line along may overwrite the key's bytes (as a U+2028/9 in the key already did).
    this.keyNo = !names ? 0 : this.runStart > i ? this.keyNumber(0, 0, names, this.movedToken(at, end)) : this.keyNumber(i, end, names);
    i = this.ws(end);
    if (this.b[i] !== 0x3a) this.fail('expected ":" after an object key', i);
    return this.ws(i + 1);
  }

  /** Where b[i], inside the current hit, lands in the lines (from outBase): the pending run moves unchanged. */
  private lineAt(i: number): number {
    return this.outPos + (i - this.runStart) - this.outBase;
  }

  /** The string token that ends at b[end] and starts at line position `at`, unescaped from its line. */
  private movedToken(at: number, end: number): string {
    this.flush(end);
    return JSON.parse(this.out.toString('utf8', at + this.outBase, this.outPos)) as string;
  }

  /** Which of `names` (1-based) the just-scanned key b[i..end) (or its `decoded` text) is, 0 if none. Compares bytes: no allocation. */
  private keyNumber(i: number, end: number, names: string[], decoded?: string): number {
    if (decoded === undefined && this.esc) decoded = JSON.parse(this.b.toString('utf8', i, end)) as string;
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
        this.sep = true;
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

  /** Moves the pending run b[runStart..end) into the line: nothing to do when it is already in place; short runs
   * (between whitespace) by hand, cheaper than a call. In place the copy goes backwards in the buffer (memmove). */
  private flush(end: number): void {
    const { b, out } = this;
    let k = this.runStart;
    let o = this.outPos;
    if (out === b && o === k) o = end;
    else if (end - k <= 32) while (k < end) out[o++] = b[k++];
    else if (out === b) (b.copyWithin(o, k, end), (o += end - k));
    else o += b.copy(out, o, k, end);
    this.outPos = o;
    this.runStart = end;
  }

  /** U+2028/9 at i (3 bytes) becomes the 6 ASCII bytes \u2028 / \u2029. */
  private lineSep(i: number): void {
    this.flush(i);
    // In place, the escape must not reach bytes not read yet: else the lines move to a buffer of their own, sized
    // for the worst case (every remaining byte doubling), so it never has to grow again.
    if (this.out === this.b && this.outPos + 6 > i + 3) {
      const own = Buffer.allocUnsafe(this.outPos - this.outBase + 2 * (this.n - i) + 6);
      this.b.copy(own, 0, this.outBase, this.outPos);
      this.outPos -= this.outBase;
      this.outBase = 0;
      this.out = own;
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
