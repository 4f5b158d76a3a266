// When a held lease is renewed and when it is given up, on a ManualClock: time moves only when the test says.
import { ManualClock } from '../../src/adapters/memory/manualClock';
import { ExportError } from '../../src/errors';
import { keepRenewed } from '../../src/lease/leaseRenewals';

const LEASE_SECONDS = 15;

/** keepRenewed over `renew`, noting the clock time of each renewal and what onLost got. */
function renewals(renew: () => Promise<void> = async () => undefined) {
  const clock = new ManualClock();
  const t0 = clock.now().getTime();
  const at: number[] = [];
  const lost: ExportError[] = [];
  const keeper = keepRenewed(
    () => {
      at.push(clock.now().getTime() - t0);
      return renew();
    },
    { clock, leaseSeconds: LEASE_SECONDS, onLost: (error) => lost.push(error) },
  );
  return { clock, at, lost, keeper };
}

/** A renewal the test ends: resolve or reject it. */
function held() {
  let end!: { resolve: () => void; reject: (e: Error) => void };
  const promise = new Promise<void>((resolve, reject) => (end = { resolve, reject }));
  return { promise, ...end };
}

describe('keepRenewed', () => {
  it('renews every third of the lease on its clock, and only when the clock gets there', async () => {
    const r = renewals();
    await r.clock.advance(4_999);
    expect(r.at).toEqual([]);
    await r.clock.advance(1);
    expect(r.at).toEqual([5_000]);
    await r.clock.advance(15_000);
    expect(r.at).toEqual([5_000, 10_000, 15_000, 20_000]);
    expect(r.lost).toEqual([]);
    r.keeper[Symbol.dispose]();
    await r.clock.advance(60_000);
    expect(r.at).toHaveLength(4);
  });

  it('forgives a failed renewal while less than half the lease has gone since the last good one, then reports LeaseLost and stops', async () => {
    const refused = new Error('409 LeaseIdMismatchWithLeaseOperation');
    let calls = 0;
    const r = renewals(async () => {
      if (++calls > 1) throw refused;
    });
    await r.clock.advance(10_000); // good at 5 s, refused at 10 s: 5 s since the good one
    expect(r.at).toEqual([5_000, 10_000]);
    expect(r.lost).toEqual([]);
    await r.clock.advance(5_000); // refused at 15 s: 10 s since the good one, more than half of 15 s
    expect(r.lost).toHaveLength(1);
    expect([r.lost[0]!.code, r.lost[0]!.kind, r.lost[0]!.cause]).toEqual(['LeaseLost', 'conflict', refused]);
    await r.clock.advance(60_000);
    expect(r.at).toEqual([5_000, 10_000, 15_000]);
  });

  it('gives up at once when the first renewal fails with half the lease gone (it took that long to fail)', async () => {
    const slow = held();
    const r = renewals(() => slow.promise);
    await r.clock.advance(5_000);
    await r.clock.advance(2_500); // 7.5 s since the lease was taken
    slow.reject(new Error('timed out'));
    await r.clock.advance(0);
    expect(r.lost.map((e) => e.code)).toEqual(['LeaseLost']);
  });

  it('keeps its pace when a renewal is slow: the next one is counted from its start', async () => {
    const slow = held();
    let first = true;
    const r = renewals(() => (first ? ((first = false), slow.promise) : Promise.resolve()));
    await r.clock.advance(8_000); // the 5 s renewal still waits for its answer at 8 s
    slow.resolve();
    await r.clock.advance(2_000);
    expect(r.at).toEqual([5_000, 10_000]); // not 13 s
    expect(r.lost).toEqual([]);
  });

  it('never runs two renewals at once: a tick while one is unanswered is skipped', async () => {
    const stuck = held();
    const r = renewals(() => stuck.promise);
    await r.clock.advance(12_000); // the 5 s renewal is unanswered at 10 s
    expect(r.at).toEqual([5_000]);
    stuck.resolve();
    await r.clock.advance(3_000);
    expect(r.at).toEqual([5_000, 15_000]);
    expect(r.lost).toEqual([]);
  });

  it('once disposed, a renewal that fails is no loss: the holder let the lease go', async () => {
    const slow = held();
    const r = renewals(() => slow.promise);
    await r.clock.advance(13_000);
    r.keeper[Symbol.dispose]();
    slow.reject(new Error('409 LeaseNotPresentWithLeaseOperation'));
    await r.clock.advance(60_000);
    expect(r.at).toEqual([5_000]);
    expect(r.lost).toEqual([]);
  });
});
