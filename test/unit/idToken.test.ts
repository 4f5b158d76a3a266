// Ids are compared by value: every legal JSON spelling of one string is one id, in a page, across pages, in a
// checkpoint's cursor and in the id ledger; an id with no escape keys and digests exactly as before.
import { DigestSet, IdDigests } from '../../src/batches/idDigests';
import { initialCheckpoint } from '../../src/checkpoint/checkpoint';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/checkpoint/checkpointCodec';
import { idOf, readPage, type AuditPage } from '../../src/ndjson/auditPage';
import { canonicalIdBytes, canonicalIdKey, idKeyOf } from '../../src/ndjson/idToken';
import { advance } from '../../src/pages/advance';
import { continuesChain, tailOf } from '../../src/pages/chain';
import { cursorOf, positionOf } from '../../src/pages/cursor';
import { startOf } from '../../src/pages/position';
import { DUPLICATE, KNOWN, NEW, sortAnswer } from '../../src/pages/sortAnswer';
import type { PageRequest } from '../../src/ports/auditSource';
import type { Window } from '../../src/time/window';
import { escapedIdToken } from '../support/hostileSource';

const key = (token: string) => {
  const b = Buffer.from(token, 'utf8');
  return idKeyOf(b, 0, b.length);
};
const digest = (token: string) => {
  const d = new IdDigests();
  const b = Buffer.from(token, 'utf8');
  d.add(b, 0, b.length);
  return d.sorted().toString('hex');
};

// [a spelling with escapes, the canonical one]
const SPELLINGS: Array<[string, string]> = [
  ['"tenant\\/0018"', '"tenant/0018"'],
  ['"\\u0041"', '"A"'],
  ['"\\u00e9t\\u00C9"', '"étÉ"'],
  ['"\\uD83D\\uDE00 x"', '"😀 x"'],
  ['"\\ud83d\\ude00 x"', '"😀 x"'],
  ['"a\\u0022b"', '"a\\"b"'],
  ['"a\\u005Cb"', '"a\\\\b"'],
  ['"a\\u000ab\\u000D"', '"a\\nb\\r"'],
  ['"\\u001F\\u0008"', '"\\u001f\\b"'],
  ['"\\uD800"', '"\\ud800"'], // a lone surrogate stays escaped, in lower case
  ['"x\\u2028y"', '"x\\u2028y"'], // the line form of a raw U+2028 (lines escape it): already canonical
  ['"\\/\\/\\u0078\\\\\\/"', '"//x\\\\/"'],
];

describe('the canonical id', () => {
  it.each(SPELLINGS)('%s is the id %s', (escaped, canonical) => {
    expect(key(escaped)).toBe(key(canonical));
    expect(key(escaped)).toBe(Buffer.from(canonical, 'utf8').toString('latin1'));
    const b = Buffer.from(`{"id":${escaped}}`);
    expect(canonicalIdBytes(b, 6, b.length - 1).toString('utf8')).toBe(canonical);
    expect(digest(escaped)).toBe(digest(canonical));
    expect(JSON.parse(escaped)).toBe(JSON.parse(canonical));
  });

  it('keeps apart ids that differ by value: a backslash and a slash are two characters, not an escape', () => {
    expect(key('"a\\\\/b"')).not.toBe(key('"a/b"')); // the string a\/b
    expect(key('"a\\\\u0041"')).not.toBe(key('"aA"'));
    expect(key('"\\u00e9"')).not.toBe(key('"e"'));
    expect(digest('"a\\\\/b"')).not.toBe(digest('"a/b"'));
  });

  it('is the token itself when it holds no backslash, whatever its characters (the key is its bytes, one char each)', () => {
    for (const token of ['"tenant/0018"', '"e00001"', '"étÉ 😀 …"', '"a b\u007f"']) {
      expect(key(token)).toBe(Buffer.from(token, 'utf8').toString('latin1'));
      expect(JSON.stringify(JSON.parse(token))).toBe(token);
    }
  });

  it('digests an id with no escape exactly as before ids were compared by value (ledgers written then stay valid)', () => {
    // Digests taken with the digest code before this change.
    expect(digest('"tenant/0018"')).toBe('1fb9dae59091735787a0542db09ead6d');
    expect(digest('"A"')).toBe('f75e790167508fa967508fa967508fa9');
    expect(digest('"e00001"')).toBe('cb95d38e35c9e88de2ee5637e2ee5637');
    expect(digest('"a1b2c3d4-e5f6-4a7b-8c9d-000000000017"')).toBe('96d27fda9c227ab2bb664ecbb14b9f17');
    expect(digest('"é…"')).toBe('f527c6d5269ba53b0599969605999696');
    expect(digest('"x\\u2028y"')).toBe('1f33d11bd1fce6bb44d33fabb1e00d61');
  });

  it('finds an id in the ledger in either spelling, at any length (the backslash may fall in any word of the hash)', () => {
    const ids = Array.from({ length: 40 }, (_, n) => `t/${'x'.repeat(n)}`);
    const d = new IdDigests();
    for (const id of ids) {
      const b = Buffer.from(JSON.stringify(id));
      d.add(b, 0, b.length);
    }
    const set = new DigestSet([d.sorted()]);
    for (const id of ids) {
      const escaped = Buffer.from(escapedIdToken(id));
      expect(set.has(escaped, 0, escaped.length)).toBe(true);
      const other = Buffer.from(JSON.stringify(`${id}/`).replace('/', '\\/'));
      expect(set.has(other, 0, other.length)).toBe(false);
    }
  });

  it('re-spells a key a checkpoint kept (one char per byte of its token)', () => {
    const stored = Buffer.from('"\\u00e9t\\/\\uD83D\\uDE00"', 'utf8').toString('latin1');
    expect(canonicalIdKey(stored)).toBe(Buffer.from('"ét/😀"', 'utf8').toString('latin1'));
    const plain = Buffer.from('"ét/😀"', 'utf8').toString('latin1');
    expect(canonicalIdKey(plain)).toBe(plain);
    expect(canonicalIdKey('"broken\\')).toBe('"broken\\'); // not a token: matches no id, either way
  });
});

const START = Date.parse('2026-03-01T10:00:00Z');
const window: Window = { start: new Date(START), end: new Date(START + 3600_000) };
const at = (ms: number) => new Date(START + ms).toISOString();
const hit = (token: string, ms: number) => `{"id":${token},"eventTimestamp":"${at(ms)}"}`;
const request = (offset = 0, size = 10, from = START - 1): PageRequest => ({ window, from: new Date(from), to: window.end, offset, size });
const signal = new AbortController().signal;

async function pageOf(hits: string[], count?: number, req = request()): Promise<AuditPage> {
  const body = `{${count === undefined ? '' : `"count":${count},`}"hits":[${hits.join(',')}]}`;
  return readPage({ fetchAnswer: async (_r, read) => read({ body: Buffer.from(body), timeKey: 'eventTimestamp' }) }, req, { abortSignal: signal });
}

describe('ids by value while paging', () => {
  it('in one answer: the same id spelled two ways at one instant is one event and a copy', async () => {
    const page = await pageOf([hit('"tenant/0018"', 5), hit('"tenant\\/0018"', 5), hit('"\\u0041"', 5), hit('"A"', 5), hit('"B"', 5)], 5);
    const sorted = sortAnswer(startOf(window), page, request(), window);
    expect([...sorted.kinds]).toEqual([NEW, DUPLICATE, NEW, DUPLICATE, NEW]);
    expect(sorted.fresh).toBe(3);
    const after = advance(startOf(window), page, sorted, 5, request());
    expect(after).toMatchObject({ written: 3, dropped: 2 });
    expect(new Map(after.ids)).toEqual(new Map([[key('"tenant/0018"'), 2], [key('"A"'), 2], [key('"B"'), 1]]));
  });

  it('across answers: an id written in one spelling is known in the other, also after the checkpoint kept it', async () => {
    const first = await pageOf([hit('"a"', 1), hit('"tenant\\/0018"', 7)], 3);
    const p1 = advance(startOf(window), first, sortAnswer(startOf(window), first, request(), window), 2, request());
    const kept = positionOf(decodeCheckpoint(encodeCheckpoint({ ...initialCheckpoint(window.start), cursor: cursorOf(window, p1) })).cursor!).position;
    expect([...kept.ids.keys()]).toEqual([key('"tenant/0018"')]);
    const again = request(0, 10, START + 6);
    const second = await pageOf([hit('"tenant/0018"', 7), hit('"z"', 9)], 2, again);
    const sorted = sortAnswer(kept, second, again, window);
    expect([...sorted.kinds]).toEqual([KNOWN, NEW]);
  });

  it('a cursor saved before ids were compared by value (raw tokens, two spellings of one id) keeps working', async () => {
    const old = {
      ...initialCheckpoint(window.start),
      cursor: {
        window: { start: window.start.toISOString(), end: window.end.toISOString() },
        from: at(6), skip: 0, at: at(7),
        ids: ['"tenant/0018"', '"tenant\\/0018"', '"\\u00e9"'],
        copies: { '"tenant\\/0018"': 2 },
        written: 4, dropped: 1,
      },
    };
    const { position } = positionOf(decodeCheckpoint(encodeCheckpoint(old)).cursor!);
    // Both spellings were written (a line each) and one copy dropped: three copies of one id shown so far.
    expect(new Map(position.ids)).toEqual(new Map([[key('"tenant/0018"'), 3], [key('"é"'), 1]]));
    const again = request(0, 10, START + 6);
    const page = await pageOf([hit('"tenant\\/0018"', 7), hit('"tenant/0018"', 7), hit('"\\u00E9"', 7), hit('"é"', 7)], 4, again);
    const sorted = sortAnswer(position, page, again, window);
    expect([...sorted.kinds]).toEqual([KNOWN, KNOWN, KNOWN, DUPLICATE]);
    expect(sorted.fresh).toBe(0);
  });

  it('a page asked ahead continues the one before when their overlapping event is one id spelled two ways', async () => {
    const before = await pageOf([hit('"a"', 1), hit('"b"', 2), hit('"x/1"', 3), hit('"x/2"', 3)], 6);
    const tail = tailOf(before, 4);
    expect(tail?.id).toBe(key('"x/2"'));
    const next = await pageOf([hit('"x\\/2"', 3), hit('"\\u0078/3"', 3), hit('"c"', 4)], 6, request(3, 4));
    // Each view shows two events of the instant, one of them the overlap: three in all, as the ids add up.
    expect(continuesChain(tail, next)).toBe(true);
    const copy = await pageOf([hit('"x\\/2"', 3), hit('"\\u0078\\/1"', 3), hit('"c"', 4)], 6, request(3, 4));
    // x/1 again, in another spelling: the ids at the boundary add up to fewer than the views say; asked again by time.
    expect(continuesChain(tail, copy)).toBe(false);
    expect(idOf(copy, 1)).toBe(idOf(before, 2));
  });
});
