import { parseInstant } from '../../src/ndjson/eventTime';
import { isUtf8 } from 'node:buffer';
import { ScannedPage, scanPage } from '../../src/ndjson/pageScanner';
import { PageSyntaxError } from '../../src/ndjson/tokenReader';
import { seededRandom } from '../../dev/seededRandom';

// ---- helpers -------------------------------------------------------------------------------------------------

/** Inputs come from a seeded generator, so a failure reproduces. */
type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rand, n: number) => Math.floor(r() * n);

const escapeSeparators = (s: string) => s.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
const buf = (s: string) => Buffer.from(s, 'utf8');

const idsOf = (p: ScannedPage) => p.lineEnds.map((_, i) => p.describe(i).id);
const timestampsOf = (p: ScannedPage) => p.lineEnds.map((_, i) => JSON.parse(p.describe(i).time) as unknown);

/** The page's lines as strings, checking the lineEnds/ndjson invariants on the way. */
function linesOf(p: ScannedPage): string[] {
  const out: string[] = [];
  let start = 0;
  for (const end of p.lineEnds) {
    expect(end).toBeGreaterThan(start);
    expect(p.ndjson[end - 1]).toBe(0x0a);
    const line = p.ndjson.toString('utf8', start, end - 1);
    expect(line).not.toMatch(/[\n\r\u2028\u2029]/); // one record per line for any line splitter
    out.push(line);
    start = end;
  }
  expect(start).toBe(p.ndjson.length);
  expect(out).toHaveLength(p.eventTimes.length);
  // Each event's time is what parseInstant makes of its eventTimestamp.
  expect(p.eventTimes).toEqual(timestampsOf(p).map((t) => parseInstant(t as string)));
  return out;
}

function scanError(body: Buffer | string): PageSyntaxError {
  try {
    scanPage(typeof body === 'string' ? buf(body) : body);
  } catch (e) {
    expect(e).toBeInstanceOf(PageSyntaxError);
    expect((e as PageSyntaxError).code).toBe('InvalidPage');
    expect((e as Error).message).toMatch(/ at byte \d+$/);
    return e as PageSyntaxError;
  }
  throw new Error(`scanPage accepted ${JSON.stringify(body.toString())}`);
}

// ---- random events -------------------------------------------------------------------------------------------

const STRING_PIECES = ['a', 'id', 'Zoë', 'é', '日本語', '🚀', '\u{1F600}', '\u2028', '\u2029', '"', '\\', '/', '\n', '\t', '\r', '\b',
  '\f', '\u0000', '\u0001', '\u001f', '\u007f', '\u0080', '\u00a0', '\ud800', '\udfff', '\ufeff', ' ', '{"id":"x"}', ',', ':', '\u2027'];
const NUMBERS = [0, -0, 1, -1, 42, 1e10, 1.5e-3, -1.5e-7, 1e21, 1.2345e300, 5e-324, 1.7976931348623157e308, 0.1, -123.456,
  Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 64];

function randomString(r: Rand, max = 6): string {
  let s = '';
  for (let n = int(r, max); n > 0; n--) s += r() < 0.5 ? String.fromCharCode(0x61 + int(r, 26)) : pick(r, STRING_PIECES);
  return s;
}

function randomValue(r: Rand, depth: number): unknown {
  switch (int(r, depth > 3 ? 5 : 8)) {
    case 0: return randomString(r, 10);
    case 1: return r() < 0.5 ? pick(r, NUMBERS) : (r() - 0.5) * 10 ** int(r, 25);
    case 2: return pick(r, [true, false, null]);
    case 3: return int(r, 1e6);
    case 4: return pick(r, [{}, [], '']);
    case 5: case 6: {
      const o: Record<string, unknown> = {};
      for (let n = int(r, 5); n > 0; n--) o[r() < 0.2 ? pick(r, ['id', 'eventTimestamp', '0', '7']) : randomString(r, 4)] = randomValue(r, depth + 1);
      return o;
    }
    default: return Array.from({ length: int(r, 5) }, () => randomValue(r, depth + 1));
  }
}

interface Event { id: string; eventTimestamp: string; [k: string]: unknown }
function randomEvent(r: Rand): Event {
  const e: Record<string, unknown> = {};
  const keys = int(r, 8);
  const idAt = int(r, keys + 1); // id and eventTimestamp at random places among the keys
  const tsAt = int(r, keys + 1);
  for (let k = 0; k <= keys; k++) {
    if (k === idAt) e.id = randomString(r, 5) || 'x';
    if (k === tsAt) e.eventTimestamp = r() < 0.7 ? new Date(int(r, 2e12)).toISOString() : randomString(r, 4);
    if (k < keys) e[randomString(r, 5).replace(/^(id|eventTimestamp)$/, '$1_')] = randomValue(r, 0);
  }
  return e as Event;
}

/**
 * Writes a value as JSON with alternative spellings that JSON.stringify would not choose (escaped characters,
 * \/, exponents, -0, big integers) and, when `ws`, random whitespace between tokens. Returns [spaced, compact].
 */
function spell(r: Rand, v: unknown, ws: boolean): [string, string] {
  const gap = () => (ws ? pick(r, ['', ' ', '\n', '\t', '\r\n', '  \n    ']) : '');
  if (typeof v === 'string') {
    let s = '"';
    for (const ch of v) {
      const code = ch.codePointAt(0)!;
      const u = (c: number) => '\\u' + c.toString(16).padStart(4, '0')[r() < 0.5 ? 'toUpperCase' : 'toLowerCase']();
      if (r() < 0.15) s += code > 0xffff ? u(ch.charCodeAt(0)) + u(ch.charCodeAt(1)) : u(code);
      else if (ch === '/' && r() < 0.5) s += '\\/';
      else s += JSON.stringify(ch).slice(1, -1);
    }
    return [s + '"', s + '"'];
  }
  if (typeof v === 'number') {
    const n = pick(r, [JSON.stringify(v), '-0', '0.0', '1E10', '1.50e-3', '-2E+2', '12345678901234567890', '-98765432109876543210.5e-1']);
    return [n, n];
  }
  if (v === null || typeof v !== 'object') return [String(v), String(v)];
  const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
  const parts = Array.isArray(v)
    ? v.map((x) => spell(r, x, ws))
    : Object.entries(v).map(([k, x]): [string, string] => {
        const [ks, kc] = spell(r, k, ws);
        const [vs, vc] = spell(r, x, ws);
        return [ks + gap() + ':' + gap() + vs, kc + ':' + vc];
      });
  return [open + gap() + parts.map((p) => p[0]).join(gap() + ',' + gap()) + gap() + close, open + parts.map((p) => p[1]).join(',') + close];
}

// ---- tests ---------------------------------------------------------------------------------------------------

describe('scanPage: output lines', () => {
  it('equals JSON.stringify(JSON.parse(hit)) with U+2028/9 escaped, for thousands of generated events', () => {
    const r = seededRandom(1);
    let events = 0;
    for (let page = 0; page < 40; page++) {
      const hits = Array.from({ length: 1 + int(r, 100) }, () => randomEvent(r));
      const count = int(r, 1e6);
      const scanned = scanPage(buf(JSON.stringify(r() < 0.5 ? { count, hits } : { hits, extra: hits.slice(0, 2), count })));
      expect(scanned.count).toBe(count);
      const lines = linesOf(scanned);
      hits.forEach((hit, i) => {
        expect(lines[i]).toBe(escapeSeparators(JSON.stringify(JSON.parse(JSON.stringify(hit)))));
        expect(scanned.describe(i).id).toBe(hit.id);
        expect(JSON.parse(scanned.describe(i).time)).toBe(hit.eventTimestamp);
      });
      events += hits.length;
    }
    expect(events).toBeGreaterThan(1500);
  });

  it('gives pretty-printed pages the same lines as compact ones', () => {
    const r = seededRandom(2);
    for (let page = 0; page < 20; page++) {
      const value = { count: page, hits: Array.from({ length: 1 + int(r, 50) }, () => randomEvent(r)) };
      const compact = scanPage(buf(JSON.stringify(value)));
      // Compact hits take the fast path unless they hold a U+2028/9 or a top-level key with an escape.
      const general = (e: Event) => /[\u2028\u2029]/.test(JSON.stringify(e)) || Object.keys(e).some((k) => JSON.stringify(k).includes('\\'));
      expect(compact.compactHits).toBe(value.hits.filter((e) => !general(e)).length);
      for (const indent of [2, '\t', '\r\n ']) {
        const pretty = scanPage(buf(JSON.stringify(value, null, indent)));
        expect(pretty.compactHits).toBe(0);
        expect(pretty.ndjson.equals(compact.ndjson)).toBe(true);
        expect([pretty.count, pretty.lineEnds, pretty.eventTimes, idsOf(pretty), timestampsOf(pretty)]).toEqual([
          compact.count, compact.lineEnds, compact.eventTimes, idsOf(compact), timestampsOf(compact),
        ]);
      }
    }
  });

  it('keeps every spelling as sent (escapes, \\/, number forms, big integers) and only drops whitespace', () => {
    const r = seededRandom(3);
    for (let page = 0; page < 30; page++) {
      const hits = Array.from({ length: 1 + int(r, 30) }, () => spell(r, randomEvent(r), r() < 0.7));
      const body = `{"count":${page},"hits":[${hits.map((h) => h[0]).join(',')}]}`;
      const lines = linesOf(scanPage(buf(body)));
      hits.forEach(([spaced, compact], i) => {
        expect(lines[i]).toBe(escapeSeparators(compact));
        expect(JSON.parse(lines[i])).toEqual(JSON.parse(spaced));
      });
    }
  });

  it('keeps hand-written spellings JSON.stringify would change', () => {
    const hit = '{"id":"a","eventTimestamp":"t","n":12345678901234567890,"s":"\\u00e9","p":"a\\/b","e":1E+2,"z":-0,' +
      '"f":1.50,"b":"\\ud83d\\ude80","lone":"\\ud800","2":3,"raw":"é🚀"}';
    const p = scanPage(buf(`{ "hits" : [ ${hit.replace(/,/g, ' ,\n\t')} ] , "count" : 1 }`));
    expect(linesOf(p)).toEqual([hit]);
    expect(p.ndjson.equals(buf(hit + '\n'))).toBe(true);
  });

  it('writes the lines into the page buffer itself: a compact page is not copied', () => {
    const hits = [0, 1, 2].map((k) => `{"id":"e${k}","eventTimestamp":"2026-01-01T00:00:0${k}Z","n":[${k},{"x":null}]}`);
    const body = buf(`{"count":3,"hits":[${hits.join(',')}]}`);
    const p = scanPage(body);
    expect(p.ndjson.buffer).toBe(body.buffer);
    expect(p.ndjson.byteOffset).toBe(body.byteOffset + body.indexOf('{"id"'));
    expect(linesOf(p)).toEqual(hits);
    expect(p.eventTimes).toEqual([0, 1, 2].map((k) => Date.UTC(2026, 0, 1, 0, 0, k)));
  });

  it('keeps ids, keys and timestamps right when an escape moves bytes not yet read', () => {
    // No slack before the first escape: the lines have to leave the page buffer mid-hit.
    const hit = { id: '\u2028x\u2029', eventTimestamp: '2026-01-01T00:00:00Z\u2028', ['\u2029id']: 1, id2: '\u2028'.repeat(50) };
    const p = scanPage(buf(JSON.stringify({ count: 2, hits: [hit, hit] })));
    expect(linesOf(p)).toEqual([1, 2].map(() => escapeSeparators(JSON.stringify(hit))));
    expect(idsOf(p)).toEqual([hit.id, hit.id]);
    expect(timestampsOf(p)).toEqual([hit.eventTimestamp, hit.eventTimestamp]);
    expect(p.eventTimes).toEqual([1, 2].map(() => parseInstant(hit.eventTimestamp)));
  });

  it('escapes U+2028/U+2029 in values and keys, growing the output when escapes outgrow the input', () => {
    const seps = '\u2028\u2029'.repeat(5000);
    const hit = { id: 'a\u2028', eventTimestamp: 't', [`k${seps}`]: seps };
    const p = scanPage(buf(JSON.stringify({ count: 1, hits: [hit, hit] })));
    expect(p.ndjson.length).toBeGreaterThan(buf(JSON.stringify({ count: 1, hits: [hit, hit] })).length);
    expect(linesOf(p)).toEqual([1, 2].map(() => escapeSeparators(JSON.stringify(hit))));
    expect(idsOf(p)).toEqual(['a\u2028', 'a\u2028']);
    // Next to U+2027 and U+202A, which stay raw.
    expect(linesOf(scanPage(buf('{"count":0,"hits":[{"id":"\u2027\u2028\u2029\u202a","eventTimestamp":""}]}')))).toEqual([
      '{"id":"\u2027\\u2028\\u2029\u202a","eventTimestamp":""}',
    ]);
  });

  it('handles an empty hits array, extra top-level keys in any order and deep nesting', () => {
    const empty = scanPage(buf('{"count":0,"hits":[]}'));
    expect([empty.count, empty.ndjson, empty.lineEnds, empty.eventTimes]).toEqual([0, Buffer.alloc(0), [], []]);
    expect(scanPage(buf('{"count":-0,"hits":[]}')).count).toBe(0); // toBe tells -0 from 0
    expect(scanPage(buf('{"count":25e1,"hits":[]}')).count).toBe(250); // integer-valued, as JSON.parse + zod .int() saw it
    const p = scanPage(buf(' {"next":{"hits":[1],"count":-1},"hits":[{"id":"x","eventTimestamp":"y"}],"more":[{}],"count":7}\n'));
    expect([p.count, linesOf(p)]).toEqual([7, ['{"id":"x","eventTimestamp":"y"}']]);
    const deep = `{"id":"x","eventTimestamp":"y","d":${'[{"a":'.repeat(50_000)}0${'}]'.repeat(50_000)}}`;
    const line = linesOf(scanPage(buf(`{"count":1,"hits":[${deep}]}`)))[0];
    expect(line === deep).toBe(true); // (not toBe: keeps a failure message short)
    expect(scanError(`{"count":1,"hits":[${deep.replace('0}', '0]}')}]}`).message).toMatch(/hit 0: expected "," or "}"; found ']'/);
    // Around the depth where a compact hit leaves its fast path for the general one.
    for (const depth of [63, 64, 65, 66]) {
      const nested = `{"id":"x","eventTimestamp":"y","d":${'['.repeat(depth)}0${']'.repeat(depth)}}`;
      const scanned = scanPage(buf(`{"count":1,"hits":[${nested},${nested}]}`));
      expect([linesOf(scanned), scanned.compactHits]).toEqual([[nested, nested], depth <= 64 ? 2 : 0]);
      expect(scanError(`{"count":1,"hits":[${nested.replace('0]', '0}')}]}`).message).toMatch(/hit 0: expected "," or "]"; found '}'/);
    }
  });
});

describe('scanPage: ids and eventTimestamps', () => {
  it('unescapes them, wherever they are among the keys, and ignores nested ones', () => {
    const hits = [
      '{"eventTimestamp":"2026-01-01T00:00:00Z","meta":{"id":"nested","eventTimestamp":"n"},"id":"plain"}',
      '{"list":[{"id":"n"}],"id":"a\\"b\\\\c\\/d\\u00e9\\ud83d\\ude80\\n","eventTimestamp":"t\\u0031"}',
      '{"\\u0069d":"escaped-key","event\\u0054imestamp":"ts","x":"id"}',
      '{"id":"\\ud800","eventTimestamp":"","idx":"not it"}',
      '{"id":"Zoë 日本\u2028","eventTimestamp":"🚀"}',
    ];
    const p = scanPage(buf(`{"count":5,"hits":[${hits.join(',')}]}`));
    expect(idsOf(p)).toEqual(['plain', 'a"b\\c/dé🚀\n', 'escaped-key', '\ud800', 'Zoë 日本\u2028']);
    expect(timestampsOf(p)).toEqual(['2026-01-01T00:00:00Z', 't1', 'ts', '', '🚀']);
    expect(linesOf(p)).toEqual(hits.map(escapeSeparators));
  });
});

describe('scanPage: invalid pages', () => {
  const hit = '{"id":"a","eventTimestamp":"t"}';
  const page = (hits: string, rest = '') => `{"count":1,"hits":[${hits}]${rest}}`;

  it('rejects every truncation of a page', () => {
    const value = { count: 2, hits: [{ id: 'é\u2028"\\', eventTimestamp: 't', n: [-1.5e-3, true, null, {}], s: '🚀' }, { id: 'b', eventTimestamp: 'u' }] };
    for (const body of [buf(JSON.stringify(value)), buf(JSON.stringify(value, null, 1)), buf(spell(seededRandom(4), value, true)[0])]) {
      expect(() => scanPage(body)).not.toThrow();
      for (let cut = 0; cut < body.length; cut++) scanError(body.subarray(0, cut));
    }
  });

  it.each([
    ['empty body', '', /page must be a JSON object; found end of input at byte 0/],
    ['whitespace only', ' \n', /found end of input at byte 2/],
    ['a top-level array', `[${hit}]`, /page must be a JSON object/],
    ['a byte-order mark', `\ufeff${page(hit)}`, /page must be a JSON object/],
    ['trailing garbage', page(hit) + 'x', /unexpected data after the page object; found 'x'/],
    ['a second object', page(hit) + ' {}', /unexpected data after the page object/],
    ['missing hits', '{"count":1}', /page has no "hits"/],
    ['nested hits only', '{"count":1,"x":{"hits":[]}}', /page has no "hits"/],
    ['negative count', '{"count":-1,"hits":[]}', /"count" must be a non-negative integer/],
    ['fractional count', '{"count":1.5,"hits":[]}', /"count" must be a non-negative integer/],
    ['unsafe count', '{"count":9007199254740993,"hits":[]}', /"count" must be a non-negative integer/],
    ['string count', '{"count":"1","hits":[]}', /"count" must be a non-negative integer/],
    ['duplicate count', '{"count":1,"count":2,"hits":[]}', /duplicate "count"/],
    ['hits an object', '{"count":1,"hits":{}}', /"hits" must be an array/],
    ['hits null', '{"count":1,"hits":null}', /"hits" must be an array/],
    ['duplicate hits', '{"count":1,"hits":[],"hits":[]}', /duplicate "hits"/],
    ['a hit that is a number', page(`${hit},1`), /hit 1: hit is not an object; found '1'/],
    ['a hit that is an array', page(`[${hit}]`), /hit 0: hit is not an object/],
    ['a hit that is null', page('null'), /hit 0: hit is not an object/],
    ['duplicate id', page('{"id":"a","eventTimestamp":"t","id":"b"}'), /hit 0: duplicate "id"/],
    ['raw newline in a string', page('{"id":"a\nb","eventTimestamp":"t"}'), /hit 0: raw control character in string/],
    ['raw tab in a nested string', page('{"id":"a","eventTimestamp":"t","x":["\t"]}'), /raw control character in string/],
    ['raw NUL in a key', page('{"id":"a","eventTimestamp":"t","\u0000":1}'), /raw control character in string/],
    ['control char outside strings', page(hit, ',\u0001"x":1'), /expected a "quoted" object key/],
    ['bad escape \\x', page('{"id":"\\x41","eventTimestamp":"t"}'), /bad escape in string/],
    ["bad escape \\'", page(hit, `,"x":"\\'"`), /bad escape in string/],
    ['short \\u escape', page(hit, ',"x":"\\u12"'), /bad \\u escape/],
    ['non-hex \\u escape', page(hit, ',"x":"\\u12G4"'), /bad \\u escape/],
    ['unquoted key', '{count:1,"hits":[]}', /expected a "quoted" object key; found 'c'/],
    ['single-quoted string', page(hit, ",'x':1"), /expected a "quoted" object key/],
    ['trailing comma in hits', page(`${hit},`), /hit 1: hit is not an object; found ']'/],
    ['trailing comma in the page', page(hit, ','), /expected a "quoted" object key/],
    ['trailing comma in a hit', page('{"id":"a","eventTimestamp":"t",}'), /hit 0: expected a "quoted" object key/],
    ['trailing comma in a nested array', page('{"id":"a","eventTimestamp":"t","x":[1,]}'), /hit 0: expected a value; found ']'/],
    ['trailing comma in a nested object', page('{"id":"a","eventTimestamp":"t","x":{"a":1,}}'), /expected a "quoted" object key/],
    ['leading zero', page('{"id":"a","eventTimestamp":"t","n":01}'), /hit 0: leading zero in number/],
    ['negative leading zero', page(hit, ',"n":-00'), /leading zero in number/],
    ['leading zero in count', '{"count":01,"hits":[]}', /leading zero in number/],
    ['bare minus', page(hit, ',"n":-'), /expected a digit/],
    ['leading plus', page(hit, ',"n":+1'), /expected a value/],
    ['leading dot', page(hit, ',"n":.5'), /expected a value/],
    ['trailing dot', page(hit, ',"n":1.'), /expected a digit after "."/],
    ['empty exponent', page(hit, ',"n":1e+'), /expected a digit in the exponent/],
    ['NaN', page(hit, ',"n":NaN'), /expected a value/],
    ['Infinity', page(hit, ',"n":-Infinity'), /expected a digit/],
    ['misspelt literal', page('{"id":"a","eventTimestamp":"t","b":tru}'), /expected a value; found 't'/],
    ['capitalised literal', page(hit, ',"b":True'), /expected a value/],
    ['missing colon', page('{"id" "a","eventTimestamp":"t"}'), /expected ":" after an object key/],
    ['missing comma', page('{"id":"a" "eventTimestamp":"t"}'), /hit 0: expected "," or "}"; found '"'/],
    ['missing comma in an array', page(hit, ',"x":[1 2]'), /expected "," or "]"/],
    ['unclosed nested array', page('{"id":"a","eventTimestamp":"t","x":[1}'), /expected "," or "]"/],
    ['mismatched bracket', page(hit, ',"x":{"a":[}]'), /expected a value/],
  ])('rejects %s', (_name, body, message) => {
    expect(scanError(body).message).toMatch(message);
  });

  it('rejects invalid UTF-8 anywhere, saying about where', () => {
    const ok = buf(page('{"id":"é","eventTimestamp":"t","x":"日本"}'));
    for (const bad of [[0xff], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe6, 0x97], [0xf4, 0x90, 0x80, 0x80], [0x80]]) {
      const at = ok.indexOf('日');
      const body = Buffer.concat([ok.subarray(0, at), Buffer.from(bad), ok.subarray(at)]);
      expect(scanError(body).message).toMatch(new RegExp(`^page is not valid UTF-8 at byte ${at}$`));
    }
  });

  it('accepts lone surrogate escapes and raw DEL, which are valid JSON', () => {
    const h = '{"id":"\\udc00x","eventTimestamp":"\\ud83d","s":"\u007f\\uDFFF"}';
    const p = scanPage(buf(page(h)));
    expect([idsOf(p), timestampsOf(p), linesOf(p)]).toEqual([['\udc00x'], ['\ud83d'], [h]]);
  });

  it('reports where the problem is: hit index and byte offset', () => {
    const body = page(`${hit},${hit},{"id":"a","eventTimestamp":"t","x":[1,2}`);
    const e = scanError(body);
    expect(e.offset).toBe(body.indexOf('2}') + 1);
    expect(e.message).toBe(`hit 2: expected "," or "]"; found '}' (0x7d) at byte ${e.offset}`);
  });

  // The API's data, not a broken page: each such hit is a line like any other, with a time of NaN (it cannot be
  // placed, and sortAnswer puts it in quarantine), and the page around it is read as usual.
  it.each([
    ['no id', `{"eventTimestamp":"2026-01-01T00:00:00Z","x":{"id":"nested"}}`, { id: 'undefined', idIsText: false, hasTime: true }],
    ['an empty id', `{"id":"","eventTimestamp":"2026-01-01T00:00:00Z"}`, { id: '', idIsText: false, hasTime: true }],
    ['a numeric id', `{"id":1,"eventTimestamp":"2026-01-01T00:00:00Z"}`, { id: '1', idIsText: false, hasTime: true }],
    ['a null id', `{"eventTimestamp":"2026-01-01T00:00:00Z","id":null}`, { id: 'null', idIsText: false, hasTime: true }],
    ['an object id', `{"id":{"n":1},"eventTimestamp":"2026-01-01T00:00:00Z"}`, { id: '{"n":1}', idIsText: false, hasTime: true }],
    ['no eventTimestamp', `{"id":"a"}`, { id: 'a', idIsText: true, hasTime: false, time: 'undefined' }],
    ['a numeric eventTimestamp', `{"id":"a","eventTimestamp":1}`, { id: 'a', idIsText: true, hasTime: true, time: '1' }],
    ['a leap second', `{"id":"a","eventTimestamp":"2016-12-31T23:59:60Z"}`, { id: 'a', idIsText: true, hasTime: true }],
  ])('takes a hit with %s as an event with no time', (_name, bad, described) => {
    const good = '{"id":"g","eventTimestamp":"2026-01-01T00:00:01Z"}';
    for (const body of [`{"count":3,"hits":[${good},${bad},${good}]}`, `{ "count": 3, "hits": [ ${good} , ${bad.replace(/,/g, ' , ')} , ${good} ] }`]) {
      const p = scanPage(buf(body));
      expect(p.eventTimes).toEqual([Date.parse('2026-01-01T00:00:01Z'), NaN, Date.parse('2026-01-01T00:00:01Z')]);
      const lines = p.ndjson.toString('utf8').split('\n');
      expect(lines.map((l) => (l ? JSON.parse(l) : l))).toEqual([JSON.parse(good), JSON.parse(bad), JSON.parse(good), '']);
      expect(p.describe(1)).toMatchObject(described);
      expect(p.ndjson.toString('latin1', p.idStarts[2], p.idEnds[2])).toBe('"g"');
    }
  });

  it('agrees with JSON.parse on thousands of randomly mutated pages', () => {
    const r = seededRandom(5);
    const interesting = [...'{}[]",:\\ \n\t0-1e.+tfnu', '\u0001', '\u2028', 'é'].map((c) => buf(c));
    let valid = 0;
    let invalid = 0;
    for (let k = 0; k < 4000; k++) {
      const hits = Array.from({ length: 1 + int(r, 3) }, () => ({ id: randomString(r, 3) || 'i', eventTimestamp: 't', v: randomValue(r, 2) }));
      const body = buf(JSON.stringify({ count: 3, hits }, null, r() < 0.3 ? 1 : undefined));
      const at = int(r, body.length);
      const mutated = Buffer.concat([
        body.subarray(0, at),
        r() < 0.8 ? pick(r, interesting) : Buffer.from([int(r, 256)]),
        body.subarray(at + pick(r, [0, 1, 1, 2])),
      ]);
      let reference: { count: unknown; hits: unknown } | undefined;
      try {
        if (isUtf8(mutated)) reference = JSON.parse(mutated.toString('utf8'));
      } catch {
        reference = undefined;
      }
      // A hit with no usable id or time is still a hit (its time is NaN: see the test above).
      const placeable = (e: Event) => typeof e.id === 'string' && e.id !== '' && typeof e.eventTimestamp === 'string';
      const hitsOk = (h: unknown): h is Event[] => Array.isArray(h) && h.every((e) => e !== null && typeof e === 'object' && !Array.isArray(e));
      const countOk = (c: unknown) => c === undefined || (Number.isSafeInteger(c) && (c as number) >= 0);
      if (reference && typeof reference === 'object' && countOk(reference.count) && hitsOk(reference.hits)) {
        const p = scanPage(mutated);
        if (reference.hits.every(placeable)) {
          expect(linesOf(p).map((l) => JSON.parse(l))).toEqual(reference.hits);
          expect(idsOf(p)).toEqual(reference.hits.map((h) => h.id));
        } else {
          expect(p.ndjson.toString('utf8').split('\n').slice(0, -1).map((l) => JSON.parse(l))).toEqual(reference.hits);
          reference.hits.forEach((h, i) => !placeable(h) && expect(p.eventTimes[i]).toBeNaN());
        }
        valid++;
      } else {
        scanError(mutated);
        invalid++;
      }
    }
    expect(Math.min(valid, invalid)).toBeGreaterThan(300); // both paths really exercised
  });
});
