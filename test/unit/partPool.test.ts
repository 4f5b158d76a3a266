import { PartPool } from '../../src/batches/partPool';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PartPool', () => {
  it('makes parts on demand up to its count, then hands back returned ones to the longest waiter', async () => {
    const pool = new PartPool(16, 2);
    const signal = new AbortController().signal;
    const a = await pool.take(signal);
    const b = await pool.take(signal);
    expect(a.length).toBe(16);
    expect(a).not.toBe(b);
    const order: string[] = [];
    const first = pool.take(signal).then((p) => (order.push('first'), p));
    const second = pool.take(signal).then((p) => (order.push('second'), p));
    await tick();
    expect(order).toEqual([]);
    pool.give(b);
    expect(await first).toBe(b);
    pool.give(a);
    expect(await second).toBe(a);
    expect(order).toEqual(['first', 'second']);
  });

  it('a waiter that is aborted gets the reason and leaves the queue', async () => {
    const pool = new PartPool(8, 2);
    const live = new AbortController().signal;
    const held = [await pool.take(live), await pool.take(live)];
    const controller = new AbortController();
    const gone = pool.take(controller.signal);
    const next = pool.take(live);
    controller.abort(new Error('run stopped'));
    await expect(gone).rejects.toThrow('run stopped');
    pool.give(held[0]!);
    expect(await next).toBe(held[0]);
  });

  it('refuses a pool that could not overlap filling and appending', () => {
    expect(() => new PartPool(1024, 1)).toThrow(/at least 2 parts/);
    expect(() => new PartPool(0, 4)).toThrow(/positive part size/);
  });
});
