import { BatchBuilder } from '../../src/batch/batchBuilder';

const lines = (...xs: string[]) => Buffer.from(xs.map((x) => `${x}\n`).join(''));

describe('BatchBuilder', () => {
  it('reports bytes, events and room', () => {
    const b = new BatchBuilder(100);
    const page = lines('aaa', 'bb');
    b.add(page.subarray(0, 4), 1);
    b.add(page.subarray(4), 1);
    expect([b.bytes, b.events, b.room]).toEqual([7, 2, 93]);
  });

  it('hands the batch over as consecutive appends of at most the given size, byte-exact, then is empty', () => {
    const b = new BatchBuilder(1000);
    const runs = [lines('one', 'two'), lines('three'), lines('four', 'five', 'six')];
    for (const r of runs) b.add(r, r.toString().split('\n').length - 1);
    const parts = b.take(10);
    expect(Buffer.concat(parts).equals(Buffer.concat(runs))).toBe(true);
    expect(parts.map((p) => p.length)).toEqual([10, 10, 8]);
    expect([b.bytes, b.events]).toEqual([0, 0]);
    expect(b.take(10)).toEqual([]);
  });

  it('copies the lines, so the page they came from can go', () => {
    const b = new BatchBuilder(1000);
    const page = lines('abc');
    b.add(page, 1);
    page.fill(0x7a);
    expect(Buffer.concat(b.take(1024)).toString()).toBe('abc\n');
  });

  it('takes turns between two buffers: a taken batch stays intact while the next is collected', () => {
    const b = new BatchBuilder(64);
    b.add(lines('first'), 1);
    const first = b.take(1024);
    b.add(lines('second'), 1);
    const second = b.take(1024);
    expect([Buffer.concat(first).toString(), Buffer.concat(second).toString()]).toEqual(['first\n', 'second\n']);
    expect(first[0]!.buffer).not.toBe(second[0]!.buffer);
    // The third batch reuses the first one's buffer: no new memory per batch.
    b.add(lines('third'), 1);
    const third = b.take(1024);
    expect(third[0]!.buffer).toBe(first[0]!.buffer);
    expect(Buffer.concat(third).toString()).toBe('third\n');
  });

  it('grows a buffer up to the target, and past it only for a single event larger than the target', () => {
    const b = new BatchBuilder(100);
    for (let k = 0; k < 9; k++) b.add(lines('x'.repeat(9)), 1);
    expect(b.bytes).toBe(90);
    const parts = b.take(40);
    expect(parts.map((p) => p.length)).toEqual([40, 40, 10]);
    expect(parts[0]!.buffer.byteLength).toBe(100); // the target, not more

    b.add(lines('y'.repeat(70 * 1024)), 1); // one event larger than the target still goes whole
    expect(Buffer.concat(b.take(1 << 20)).toString()).toBe(`${'y'.repeat(70 * 1024)}\n`);
  });
});
