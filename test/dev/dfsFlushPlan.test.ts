import { decodeBlockId, encodeBlockId } from '../../dev/dfs/blockId';
import { committedState, planFlush, type BlockEntry } from '../../dev/dfs/flushPlan';

const block = (position: number, length: number): BlockEntry => ({ name: encodeBlockId(position, length), size: length });

describe('block ids', () => {
  it('round-trips position and length with a fixed width', () => {
    const a = encodeBlockId(0, 1);
    const b = encodeBlockId(Number.MAX_SAFE_INTEGER - 5, 100 * 1024 * 1024);
    expect(a.length).toBe(b.length);
    expect(Buffer.from(a, 'base64').length).toBeLessThanOrEqual(64);
    expect(decodeBlockId(a)).toEqual({ position: 0, length: 1 });
    expect(decodeBlockId(b)).toEqual({ position: Number.MAX_SAFE_INTEGER - 5, length: 100 * 1024 * 1024 });
  });

  it('rejects ids it did not write and invalid ranges', () => {
    expect(decodeBlockId(Buffer.from('block-000001').toString('base64'))).toBeUndefined();
    expect(decodeBlockId(Buffer.from('dfsgw:0000000000000000:0000000000000000').toString('base64'))).toBeUndefined();
    expect(() => encodeBlockId(-1, 5)).toThrow(RangeError);
    expect(() => encodeBlockId(0, 0)).toThrow(RangeError);
  });
});

describe('committedState', () => {
  it('sums contiguous gateway blocks', () => {
    expect(committedState([block(0, 3), block(3, 4)], 7)).toEqual({ ok: true, length: 7 });
    expect(committedState([], 0)).toEqual({ ok: true, length: 0 });
  });

  it('refuses content not made of gateway blocks', () => {
    expect(committedState([], 10)).toEqual({ ok: false, code: 'InvalidFlushOperation' }); // Put Blob content
    expect(committedState([{ name: Buffer.from('x').toString('base64'), size: 3 }], 3).ok).toBe(false);
    expect(committedState([block(0, 3), block(4, 3)], 7).ok).toBe(false); // gap
    expect(committedState([{ name: encodeBlockId(0, 3), size: 4 }], 4).ok).toBe(false); // size lies
  });
});

describe('planFlush', () => {
  const base = { committed: [block(0, 5)], blobLength: 5, retainUncommittedData: false };

  it('commits committed blocks plus staged blocks reaching position, in order', () => {
    const plan = planFlush({ ...base, uncommitted: [block(8, 2), block(5, 3)], position: 10 });
    expect(plan).toEqual({ ok: true, committed: [block(0, 5).name], uncommitted: [block(5, 3).name, block(8, 2).name], length: 10 });
  });

  it('allows a flush at the committed length with nothing staged', () => {
    expect(planFlush({ ...base, uncommitted: [], position: 5 })).toMatchObject({ ok: true, uncommitted: [], length: 5 });
  });

  it('refuses gaps, short or long positions and positions below the committed length', () => {
    const staged = [block(5, 3), block(9, 2)];
    expect(planFlush({ ...base, uncommitted: staged, position: 11 })).toEqual({ ok: false, code: 'InvalidFlushPosition' });
    expect(planFlush({ ...base, uncommitted: staged, position: 7 })).toEqual({ ok: false, code: 'InvalidFlushPosition' });
    expect(planFlush({ ...base, uncommitted: [], position: 4 })).toEqual({ ok: false, code: 'InvalidFlushPosition' });
  });

  it('ignores foreign and stale staged blocks', () => {
    const foreign = { name: Buffer.from('someone-else').toString('base64'), size: 3 };
    const plan = planFlush({ ...base, uncommitted: [foreign, block(2, 3), block(5, 1)], position: 6 });
    expect(plan).toMatchObject({ ok: true, uncommitted: [block(5, 1).name] });
  });

  it('backtracks past a dead end and prefers the latest block at an offset', () => {
    // 5+4 leads nowhere (no block at 9); 5+2 then 7+3 reaches 10.
    const plan = planFlush({ ...base, uncommitted: [block(5, 2), block(5, 4), block(7, 3)], position: 10 });
    expect(plan).toMatchObject({ ok: true, uncommitted: [block(5, 2).name, block(7, 3).name] });
  });

  it('handles 50,000 blocks without recursion', () => {
    const staged = Array.from({ length: 50_000 }, (_, i) => block(i, 1)).reverse();
    const plan = planFlush({ committed: [], blobLength: 0, retainUncommittedData: false, uncommitted: staged, position: 50_000 });
    expect(plan.ok && plan.uncommitted.length).toBe(50_000);
  });

  it('refuses retainUncommittedData only when staged data lies beyond position', () => {
    const staged = [block(5, 3), block(8, 2)];
    expect(planFlush({ ...base, uncommitted: staged, position: 8, retainUncommittedData: true })).toEqual({
      ok: false,
      code: 'CannotRetainUncommittedData',
    });
    expect(planFlush({ ...base, uncommitted: staged, position: 10, retainUncommittedData: true }).ok).toBe(true);
  });

  it('reports Blob API content as InvalidFlushOperation', () => {
    expect(planFlush({ committed: [], blobLength: 9, uncommitted: [], position: 9, retainUncommittedData: false })).toEqual({
      ok: false,
      code: 'InvalidFlushOperation',
    });
  });
});
