import { randomUUID } from 'node:crypto';
import { DigestSet, IdDigests, DIGEST_BYTES } from '../../src/batches/idDigests';

const token = (id: string) => Buffer.from(JSON.stringify(id));

describe('id digests', () => {
  it('a batch hands its ids over sorted, once each; a set of segments finds exactly those ids', () => {
    const ids = Array.from({ length: 5000 }, () => randomUUID());
    const a = new IdDigests();
    const b = new IdDigests();
    ids.slice(0, 3000).forEach((id) => a.add(token(id), 0, token(id).length));
    ids.slice(2500).forEach((id) => b.add(token(id), 0, token(id).length)); // 500 in both
    ids.slice(0, 10).forEach((id) => a.add(token(id), 0, token(id).length)); // repeats
    const segA = a.sorted();
    expect(segA.length).toBe(3000 * DIGEST_BYTES);
    for (let at = DIGEST_BYTES; at < segA.length; at += DIGEST_BYTES) expect(Buffer.compare(segA.subarray(at - DIGEST_BYTES, at), segA.subarray(at, at + DIGEST_BYTES))).not.toBe(0);
    const set = new DigestSet([segA, b.sorted()]);
    expect(set.size).toBe(5000);
    for (const id of ids) expect(set.has(token(id), 0, token(id).length)).toBe(true);
    for (let k = 0; k < 5000; k++) {
      const other = token(randomUUID());
      expect(set.has(other, 0, other.length)).toBe(false);
    }
  });

  it('reads the id token where it lies in a page, and tells apart ids of every length', () => {
    const page = Buffer.from('{"id":"abc"}\n{"id":"abcd"}\n');
    const set = new DigestSet([(() => { const d = new IdDigests(); d.add(page, 6, 11); return d.sorted(); })()]);
    expect(set.has(Buffer.from('"abc"'), 0, 5)).toBe(true);
    expect(set.has(page, 19, 25)).toBe(false);
    const lengths = new DigestSet([(() => {
      const d = new IdDigests();
      for (let n = 0; n <= 40; n++) d.add(Buffer.from('x'.repeat(n)), 0, n);
      return d.sorted();
    })()]);
    expect(lengths.size).toBe(41);
  });

  it('no two of 200,000 ids share a digest', () => {
    const d = new IdDigests();
    for (let k = 0; k < 200_000; k++) {
      const t = token(`event-${k}`);
      d.add(t, 0, t.length);
    }
    expect(d.sorted().length).toBe(200_000 * DIGEST_BYTES);
  });
});
