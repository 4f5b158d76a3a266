import { BatchBuilder } from '../../src/batch/batchBuilder';

const lines = (...xs: string[]) => Buffer.from(xs.map((x) => `${x}\n`).join(''));

describe('BatchBuilder', () => {
  it('keeps runs of lines as views and reports bytes, events and room', () => {
    const b = new BatchBuilder(100);
    const page = lines('aaa', 'bb');
    b.add(page.subarray(0, 4), 1);
    b.add(page.subarray(4), 1);
    expect([b.bytes, b.events, b.room]).toEqual([7, 2, 93]);
  });

  it('hands the batch over as consecutive appends of at most the given size, byte-exact, then is empty', () => {
    // Whole runs are grouped while they fit; a run longer than the limit is split into views.
    const b = new BatchBuilder(1000);
    const runs = [lines('one', 'two'), lines('three'), lines('four', 'five', 'six')];
    for (const r of runs) b.add(r, r.toString().split('\n').length - 1);
    const parts = b.take(10);
    expect(Buffer.concat(parts).equals(Buffer.concat(runs))).toBe(true);
    expect(parts.map((p) => p.length)).toEqual([8, 6, 10, 4]);
    expect([b.bytes, b.events]).toEqual([0, 0]);
    expect(b.take(10)).toEqual([]);
  });

  it('groups small runs into one append and copies only when it groups', () => {
    const b = new BatchBuilder(1000);
    const single = lines('x'.repeat(20));
    b.add(single, 1);
    const [only] = b.take(1024);
    expect(only!.buffer).toBe(single.buffer); // one run: passed through without a copy

    b.add(lines('a'), 1);
    b.add(lines('b'), 1);
    const grouped = b.take(1024);
    expect(grouped).toHaveLength(1);
    expect(grouped[0]!.toString()).toBe('a\nb\n');
  });

  it('splits an oversized run into views of the original bytes', () => {
    const b = new BatchBuilder(1000);
    const big = lines('x'.repeat(25));
    b.add(big, 1);
    const parts = b.take(10);
    expect(parts.map((p) => p.length)).toEqual([10, 10, 6]);
    expect(parts.every((p) => p.buffer === big.buffer)).toBe(true);
  });
});
