import { PageBuffers } from '../../src/adapters/auditApi/pageBuffers';

describe('PageBuffers', () => {
  it('hands a returned buffer to the next page that fits in it, sized exactly', () => {
    const pool = new PageBuffers();
    const first = pool.take(1000);
    expect(first.length).toBe(1000);
    first.write('first page');
    pool.give(first);
    const second = pool.take(900);
    expect(second.length).toBe(900);
    expect(second.buffer).toBe(first.buffer);
    // A page larger than every free buffer gets a new one.
    pool.give(second);
    expect(pool.take(200_000).buffer).not.toBe(first.buffer);
  });

  it('takes back only its own buffers, once, and keeps no more than it is told', () => {
    const pool = new PageBuffers(2, 1024 * 1024);
    const foreign = Buffer.allocUnsafe(100); // may be a slice of Node's shared pool: must never be handed out
    pool.give(foreign);
    expect(pool.take(100).buffer).not.toBe(foreign.buffer);

    const a = pool.take(10);
    pool.give(a);
    pool.give(a); // a second give must not let two pages share it
    const x = pool.take(10);
    const y = pool.take(10);
    expect(x.buffer).toBe(a.buffer);
    expect(y.buffer).not.toBe(a.buffer);

    const kept = [pool.take(10), pool.take(10), pool.take(10)];
    for (const b of kept) pool.give(b);
    const again = [pool.take(10), pool.take(10), pool.take(10)].map((b) => b.buffer);
    expect(again.filter((b) => kept.some((k) => k.buffer === b))).toHaveLength(2);

    const big = pool.take(2 * 1024 * 1024);
    pool.give(big);
    expect(pool.take(2 * 1024 * 1024).buffer).not.toBe(big.buffer);
  });
});
