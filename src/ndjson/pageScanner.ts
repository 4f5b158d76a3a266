// One pass over a page's bytes (`{"count": N, "hits": [event, …]}`): validates it as JSON and cuts every hit out
// as an NDJSON line without building objects. Each line keeps the hit's bytes as sent (keys, order, escapes,
// number spellings, so large integers stay exact), minus whitespace outside strings, with U+2028/U+2029 escaped.
// The lines are compacted in place, in the page's own buffer: for a compact page that is only the "," between hits
// becoming "\n", with no copy and no new memory.
import { isUtf8 } from 'node:buffer';
import { Byte, closerOf, hasEscape, isDigit, isPlainInString } from './bytes';
import { epochMsOf, eventTimeOf, parseInstant, timeRule } from './eventTime';
import { PageSyntaxError, TokenReader } from './tokenReader';
import type { TimeKey } from '../ports/auditSource';


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
  describe(i: number): EventText;
}

/** An event's "id" and time as text, for messages: the id unescaped (else its JSON), the time as JSON ("undefined" if none). */
export interface EventText {
  id: string;
  time: string;
  /** The id is a non-empty string; the hit has its time key. */
  idIsText: boolean;
  hasTime: boolean;
  /** What a valid time is, in the words of the API's kind. */
  rule: string;
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

/** The keys looked for, each list in the order of the enum after it (made once: a literal per hit was an allocation). */
const PAGE_KEYS = ['count', 'hits'] as const;
const enum PageKey {
  Count = 0,
  Hits = 1,
}
const HIT_KEYS: Readonly<Record<TimeKey, readonly string[]>> = { eventTimestamp: ['id', 'eventTimestamp'], dateTime: ['id', 'dateTime'] };
const enum HitKey {
  Id = 0,
  Time = 1,
}
/** The bytes of the key token "id", its quotes included. */
const ID_KEY_TOKEN_BYTES = 4;
/** Any key not looked for. */
const OTHER_KEY = -1;
/** The compact path's open containers inside a hit; deeper hits take the general path. */
const NEST_MAX = 64;

/** The page around the hits, and each hit's "id" and time: what the tokens mean. */
class Scanner extends TokenReader {
  /** The compact path's open containers inside the hit (1: object, 0: array). */
  private readonly nest = new Uint8Array(NEST_MAX);
  private compactHits = 0;
  private readonly lineEnds: number[] = [];
  private readonly eventTimes: number[] = [];
  private readonly idStarts: number[] = [];
  private readonly idEnds: number[] = [];
  private readonly hitKeys: readonly string[];
  /** Legacy: the time is epoch ms, a number or a string of digits. */
  private readonly epoch: boolean;

  constructor(b: Buffer, private readonly timeKey: TimeKey) {
    super(b);
    this.hitKeys = HIT_KEYS[timeKey];
    this.epoch = timeKey === 'dateTime';
  }

  page(): ScannedPage {
    const b = this.b;
    let i = this.ws(0);
    if (b[i] !== Byte.OpenBrace) this.fail('page must be a JSON object', i);
    let count: number | undefined;
    let sawHits = false;
    i = this.ws(i + 1);
    if (b[i] !== Byte.CloseBrace) {
      for (;;) {
        const keyAt = i;
        const keyEnd = this.keyToken(i);
        const key = this.keyIndex(keyAt, keyEnd, PAGE_KEYS, 0);
        i = this.colon(keyEnd);
        if (key === PageKey.Count) {
          if (count !== undefined) this.fail('duplicate "count"', keyAt);
          const end = b[i] === Byte.Minus || isDigit(b[i]) ? this.number(i) : i;
          count = this.countOf(i, end);
          i = end;
        } else if (key === PageKey.Hits) {
          if (sawHits) this.fail('duplicate "hits"', keyAt);
          sawHits = true;
          i = this.hits(i);
        } else i = this.value(i);
        i = this.ws(i);
        if (b[i] === Byte.CloseBrace) break;
        if (b[i] !== Byte.Comma) this.fail('expected "," or "}"', i);
        i = this.ws(i + 1);
      }
    }
    i = this.ws(i + 1);
    if (i < this.n) this.fail('unexpected data after the page object', i);
    if (!sawHits) this.fail('page has no "hits"', 0, false);
    const ndjson = this.outBase < 0 ? Buffer.alloc(0) : this.out.subarray(this.outBase, this.outPos);
    const { lineEnds, timeKey } = this;
    return {
      count,
      ndjson,
      lineEnds,
      eventTimes: this.eventTimes,
      idStarts: this.idStarts,
      idEnds: this.idEnds,
      compactHits: this.compactHits,
      // Messages only: the line is valid JSON with at most one top-level "id" and time key.
      describe: (i) => {
        const hit = JSON.parse(ndjson.toString('utf8', i === 0 ? 0 : lineEnds[i - 1], lineEnds[i]! - 1)) as Record<string, unknown>;
        return {
          id: typeof hit.id === 'string' ? hit.id : String(JSON.stringify(hit.id)), time: String(JSON.stringify(hit[timeKey])),
          idIsText: typeof hit.id === 'string' && hit.id !== '', hasTime: timeKey in hit, rule: timeRule(timeKey),
        };
      },
    };
  }

  /** The page's "count", the number b[i..end) (none if empty): a non-negative integer, -0 read as 0. */
  private countOf(i: number, end: number): number {
    const v = Number(this.b.toString('latin1', i, end));
    if (end === i || !Number.isSafeInteger(v) || v < 0) this.fail('"count" must be a non-negative integer', i);
    return v === 0 ? 0 : v;
  }

  /** The "hits" array at i: each hit validated and moved into its line. Returns the array's end. */
  private hits(i: number): number {
    const b = this.b;
    if (b[i] !== Byte.OpenBracket) this.fail('"hits" must be an array', i);
    i = this.ws(i + 1);
    if (b[i] === Byte.CloseBracket) return i + 1;
    if (b[i] === Byte.OpenBrace) this.outBase = this.outPos = i; // lines start where the first hit does
    for (;;) {
      this.hit = this.lineEnds.length;
      i = this.ws(this.hitObject(i));
      const separator = b[i];
      if (separator !== Byte.CloseBracket && separator !== Byte.Comma) this.fail('expected "," or "]" after a hit', i);
      this.hit = -1;
      // Read before written: in a compact page this "\n" lands on the separator itself.
      this.out[this.outPos++] = Byte.Newline;
      this.lineEnds.push(this.outPos - this.outBase);
      if (separator === Byte.CloseBracket) return i + 1;
      i = this.ws(i + 1);
    }
  }

  /** One hit: validated, its top-level "id" and time taken, its bytes moved into its line (no "\n" yet). */
  private hitObject(start: number): number {
    const b = this.b;
    if (b[start] !== Byte.OpenBrace) this.fail('hit is not an object', start);
    const compactEnd = this.compactHit(start);
    if (compactEnd >= 0) return compactEnd;
    this.runStart = start;
    // The "id" and time tokens in the lines (quotes included, from outBase); -1 until seen.
    let idAt = -1;
    let idEnd = -1;
    let timeAt = -1;
    let time = NaN;
    let badId = false;
    let i = this.ws(start + 1);
    if (b[i] !== Byte.CloseBrace) {
      for (;;) {
        const keyAt = i;
        const keyLineAt = this.lineAt(keyAt);
        const keyEnd = this.keyToken(keyAt);
        const key = this.keyIndex(keyAt, keyEnd, this.hitKeys, keyLineAt);
        i = this.colon(keyEnd);
        if (key === HitKey.Id) {
          if (idAt >= 0) this.fail('duplicate "id"', keyAt, false);
          idAt = this.lineAt(i);
          // An id of another type is the API's data, not a broken page: the event cannot be placed (see unplaceable).
          if (b[i] === Byte.Quote) i = this.string(i);
          else {
            i = this.value(i);
            badId = true;
          }
          idEnd = this.lineAt(i);
        } else if (key === HitKey.Time) {
          if (timeAt >= 0) this.fail(`duplicate "${this.timeKey}"`, keyAt, false);
          timeAt = this.lineAt(i);
          const valueAt = i;
          i = this.timeToken(i);
          time = this.timeOf(valueAt, i, timeAt);
        } else i = this.value(i);
        i = this.ws(i);
        if (b[i] === Byte.CloseBrace) break;
        if (b[i] !== Byte.Comma) this.fail('expected "," or "}"', i);
        i = this.ws(i + 1);
      }
    }
    const end = i + 1;
    this.flush(end); // usually nothing to move
    this.runStart = -1;
    // No id, an empty one (the token ""; escapes always leave at least one character) or one of another type, or no
    // time: the event cannot be placed, and a time of NaN says so (sortAnswer's one check for it; see unplaceable.ts).
    if (idAt < 0) idAt = idEnd = this.outPos - this.outBase;
    if (badId || idEnd - idAt <= 2) time = NaN;
    this.eventTimes.push(time);
    this.idStarts.push(idAt);
    this.idEnds.push(idEnd);
    return end;
  }

  /** The time key's value at i (a string, or for legacy also a number; any other value is no time). Returns its end. */
  private timeToken(i: number): number {
    const c = this.b[i];
    if (this.epoch && (c === Byte.Minus || isDigit(c))) return this.number(i);
    return c === Byte.Quote ? this.string(i) : this.value(i);
  }

  /** The time token b[start..end), which lands at line position `lineAt`, as epoch ms (NaN if it is no time). */
  private timeOf(start: number, end: number, lineAt: number): number {
    const b = this.b;
    if (b[start] !== Byte.Quote) return this.epoch && (b[start] === Byte.Minus || isDigit(b[start])) ? epochMsOf(b, start, end) : NaN;
    // A U+2028/9 inside the token moved it into its line already, over bytes of the input: read it there.
    const moved = this.runStart > start;
    if (this.epoch) return moved ? NaN : epochMsOf(b, start, end);
    return moved ? parseInstant(this.movedToken(lineAt, end)) : eventTimeOf(b, start, end);
  }

  /**
   * The common hit in one flat loop: compact (no whitespace), no U+2028/9, no escape in a top-level key, nesting at
   * most NEST_MAX deep, "id" and the time key present. Returns its end, or -1 to leave it, untouched, to the
   * general path, which reports what is wrong with it. Worth its second copy of the grammar: the audit APIs send
   * compact pages, and on scan.bench.ts's it scans 780 MB/s where the general path alone does 505 (Node 22, CPU
   * time): a third less CPU, about 0.5 s per million events.
   */
  private compactHit(start: number): number {
    const { b, nest } = this;
    let i = start + 1;
    let depth = 0; // containers open inside the hit
    let inObject = true; // whether the innermost open container is an object
    let idAt = -1;
    let idEnd = -1;
    let timeAt = -1;
    let timeEnd = -1;
    if (b[i] === Byte.CloseBrace) return -1;
    for (;;) {
      let key = OTHER_KEY;
      if (inObject) {
        if (b[i] !== Byte.Quote) return -1;
        const at = i;
        i = this.compactString(i, depth > 0);
        if (i < 0) return -1;
        if (depth === 0) {
          // HIT_KEYS compared inline: keyIndex() here measured about 10 % slower on sample pages.
          if (i - at === ID_KEY_TOKEN_BYTES && b[at + 1] === Byte.LowerI && b[at + 2] === Byte.LowerD) key = HitKey.Id;
          else if (this.is(at + 1, i - 1, this.timeKey)) key = HitKey.Time;
        }
        if (b[i++] !== Byte.Colon) return -1;
      }
      const c = b[i];
      if (c === Byte.Quote) {
        const at = i;
        i = this.compactString(i, true);
        if (i < 0) return -1;
        if (key === HitKey.Id) {
          if (idAt >= 0) return -1;
          idAt = at;
          idEnd = i;
        } else if (key === HitKey.Time) {
          if (timeAt >= 0) return -1;
          timeAt = at;
          timeEnd = i;
        }
      } else if (key === HitKey.Time && this.epoch && isDigit(c)) {
        if (timeAt >= 0) return -1;
        timeAt = i;
        i = this.number(i);
        timeEnd = i;
      } else if (key !== OTHER_KEY) return -1;
      else if (c === Byte.OpenBrace || c === Byte.OpenBracket) {
        if (b[i + 1] === closerOf(c)) i += 2; // {} or []
        else {
          if (depth === NEST_MAX) return -1;
          nest[depth++] = inObject ? 1 : 0;
          inObject = c === Byte.OpenBrace;
          i++;
          continue; // to its first member or element
        }
      } else if (c === Byte.Minus || isDigit(c)) i = this.number(i);
      else if (c === Byte.LowerT && this.is(i, i + 4, 'true')) i += 4;
      else if (c === Byte.LowerF && this.is(i, i + 5, 'false')) i += 5;
      else if (c === Byte.LowerN && this.is(i, i + 4, 'null')) i += 4;
      else return -1;
      // After a value: "," goes on to the next member or element; closing brackets end containers.
      for (;;) {
        const s = b[i++];
        if (s === Byte.Comma) break;
        if (s !== (inObject ? Byte.CloseBrace : Byte.CloseBracket)) return -1;
        if (depth === 0) return idAt < 0 || idEnd - idAt === 2 || timeAt < 0 ? -1 : this.compactHitDone(start, i, idAt, idEnd, timeAt, timeEnd);
        inObject = nest[--depth] === 1;
      }
    }
  }

  /** The compact hit b[start..end) is valid: its line, id and event time are recorded. */
  private compactHitDone(start: number, end: number, idAt: number, idEnd: number, timeAt: number, timeEnd: number): number {
    const b = this.b;
    this.eventTimes.push(this.epoch ? epochMsOf(b, timeAt, timeEnd) : eventTimeOf(b, timeAt, timeEnd));
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

  /**
   * string() for the compact path, with the common string (nothing to look at inside) small enough to inline.
   * -1 for a string with a U+2028/9 (the general path moves it into the line) or, unless `escapes`, an escape.
   */
  private compactString(i: number, escapes: boolean): number {
    const b = this.b;
    let j = i + 1;
    while (isPlainInString(b[j]!)) j++;
    if (b[j] === Byte.Quote) return j + 1;
    const end = this.string(i, true);
    return end >= 0 && (escapes || !hasEscape(b, i, end)) ? end : -1;
  }

  /** Which of `names` the key token b[start..end) is (its index), else OTHER_KEY. Called before the whitespace after it. */
  private keyIndex(start: number, end: number, names: readonly string[], lineAt: number): number {
    // A U+2028/9 inside the key moved it into its line already, over bytes of the input: read it there.
    if (this.runStart > start) return names.indexOf(this.movedToken(lineAt, end));
    for (let k = 0; k < names.length; k++) if (this.spells(start, end, names[k])) return k;
    return OTHER_KEY;
  }

  /**
   * Whether the string token b[start..end) is `name` (ASCII, no escapes needed). Compares bytes: an escape can only
   * spell `name` from the first byte that differs, so only then is the token decoded.
   */
  private spells(start: number, end: number, name: string): boolean {
    const b = this.b;
    let i = start + 1;
    for (let k = 0; k < name.length && b[i] === name.charCodeAt(k); k++) i++;
    if (i === start + 1 + name.length && i === end - 1) return true;
    return b[i] === Byte.Backslash && JSON.parse(b.toString('utf8', start, end)) === name;
  }
}
