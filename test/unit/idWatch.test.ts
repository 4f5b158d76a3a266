// The watch for ids written at two instants: what it sees (the hour and the one before), what it forgets, and the
// bound on its memory whatever an hour holds.
import { IdDigests } from '../../src/batches/idDigests';
import { IdWatch, WATCHED_PER_HOUR } from '../../src/batches/idWatch';

const H = (n: number) => new Date(Date.parse('2026-08-01T00:00:00Z') + n * 3600_000).toISOString();

/** An id's digest, as the batch writer hands it to the watch: the digests' lanes and where it is in them. */
function lanes(id: string): [Uint32Array, number] {
  const d = new IdDigests();
  const token = Buffer.from(JSON.stringify(id));
  const at = d.add(token, 0, token.length);
  return [d.lanes, at];
}

/** A fast stream of distinct-enough lane pairs (xorshift), for volume. */
function* pairs(seed: number, n: number): Generator<[Uint32Array, number]> {
  const out = new Uint32Array(2);
  let x = seed | 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  for (let k = 0; k < n; k++) {
    out[0] = next();
    out[1] = next();
    yield [out, 0];
  }
}

describe('IdWatch', () => {
  it('sees an id written again in its hour or the next, not two hours on; an earlier hour (a re-check) starts afresh', () => {
    const w = new IdWatch();
    expect(w.moveTo(H(0))).toBe(false);
    expect(w.written(...lanes('a'))).toBe(false);
    expect(w.written(...lanes('b'))).toBe(false);
    expect(w.written(...lanes('a'))).toBe(true);
    expect(w.moveTo(H(1))).toBe(true);
    expect(w.written(...lanes('b'))).toBe(true); // written in the hour before
    expect(w.written(...lanes('c'))).toBe(false);
    expect(w.moveTo(H(2))).toBe(true);
    expect(w.written(...lanes('a'))).toBe(false); // two hours on: not watched any more
    expect(w.written(...lanes('c'))).toBe(true);
    expect(w.moveTo(H(0))).toBe(false);
    expect(w.written(...lanes('c'))).toBe(false);
    expect(w.moveTo(H(5))).toBe(false); // a jump: nothing of the hour before is known
    expect(w.written(...lanes('c'))).toBe(false);
  });

  it('takes what the ledger kept of the hour and the one before', () => {
    const segment = (ids: string[]) => {
      const d = new IdDigests();
      for (const id of ids) {
        const token = Buffer.from(JSON.stringify(id));
        d.add(token, 0, token.length);
      }
      return d.sorted();
    };
    const w = new IdWatch();
    w.moveTo(H(3));
    w.keep(segment(['x', 'y']), false);
    w.keep(segment(['p']), true);
    expect(w.written(...lanes('x'))).toBe(true);
    expect(w.written(...lanes('p'))).toBe(true);
    expect(w.written(...lanes('q'))).toBe(false);
    expect(w.watched).toBe(3);
  });

  it('stays within its bound however many ids an hour holds, with no false alarm among distinct ids', () => {
    const w = new IdWatch();
    for (let h = 0; h < 3; h++) {
      w.moveTo(H(h));
      let alarms = 0;
      for (const [digest, at] of pairs((h + 1) * 7919, 1_500_000)) if (w.written(digest, at)) alarms++;
      expect(alarms).toBe(0);
      expect(w.watched).toBe(WATCHED_PER_HOUR);
    }
    // Two tables of at most 2^20 slots of 8 bytes.
    expect(w.bytes).toBe(2 * 8 * 2 ** 20);
    // An id among the first watched of the hour is still seen once the table is full.
    const [first] = pairs(3 * 7919, 1);
    expect(w.written(...first!)).toBe(true);
  });
});
