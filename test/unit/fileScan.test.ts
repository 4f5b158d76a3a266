import { createHash } from 'node:crypto';
import { FileScan, MAX_LINE_BYTES } from '../../src/verify/fileScan';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const lines = Array.from({ length: 40 }, (_, i) => `{"id":"e${i}","n":${'x'.repeat(i * 7)}}\n`.replace(/x+/, (x) => `"${x}"`));
const file = Buffer.from(lines.join(''));
const ranges = [0, 300, 301, 1800, file.length].slice(1).map((to, i, all) => ({ from: i === 0 ? 0 : all[i - 1]!, to, sha256: '' }));

/** Scans `bytes` cut into chunks of the given sizes, in turn. */
function scan(bytes: Buffer, sizes: number[], r = ranges) {
  const s = new FileScan(r);
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length]!;
    s.push(bytes.subarray(at, at + n));
    at += n;
  }
  return s.finish();
}

describe('FileScan: one pass over a file in chunks', () => {
  it('gives the same ranges, lines, first and last line however the bytes are cut', () => {
    const expected = ranges.map((r) => sha(file.subarray(r.from, r.to)));
    for (const sizes of [[file.length], [1], [7, 1, 64], [299, 2, 1], [4096]]) {
      const r = scan(file, sizes);
      expect(r.length).toBe(file.length);
      expect(r.lines).toBe(40);
      expect(r.endsWithNewline).toBe(true);
      expect(r.rangeSha).toEqual(expected);
      expect(r.firstLine!.toString()).toBe(lines[0]!.slice(0, -1));
      expect(r.lastLine!.toString()).toBe(lines[39]!.slice(0, -1));
    }
  });

  it('a file shorter than its ranges leaves the uncovered ones undefined; one without the last newline says so', () => {
    const cut = file.subarray(0, 1000);
    const r = scan(cut, [13]);
    expect(r.rangeSha.slice(0, 2)).toEqual([sha(file.subarray(0, 300)), sha(file.subarray(300, 301))]);
    expect(r.rangeSha.slice(2)).toEqual([undefined, undefined]);
    expect(r.endsWithNewline).toBe(false);
    expect(r.lastLine!.toString()).toBe(lines[lines.findIndex((_, i) => lines.slice(0, i + 1).join('').length > 1000) - 1]!.slice(0, -1));
  });

  it('an empty file: no lines, an empty first range hashed', () => {
    const r = scan(Buffer.alloc(0), [1], [{ from: 0, to: 0, sha256: '' }]);
    expect(r).toMatchObject({ length: 0, lines: 0, endsWithNewline: false, rangeSha: [sha(Buffer.alloc(0))] });
    expect(r.firstLine).toBeUndefined();
  });

  it('keeps no line longer than the limit: a huge first and last line are marked, not held', () => {
    const big = Buffer.alloc(MAX_LINE_BYTES + 10, 0x61);
    const bytes = Buffer.concat([big, Buffer.from('\n{"id":"mid"}\n'), big, Buffer.from('\n')]);
    const r = scan(bytes, [1024 * 1024], []);
    expect(r).toMatchObject({ lines: 3, firstLine: 'long', lastLine: 'long' });
  });
});
