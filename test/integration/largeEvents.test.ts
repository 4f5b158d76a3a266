// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
// EXPORT_BATCH_MAX_BYTES at its documented minimum with events far larger: a handful of appends each, and the time
// budget kept between batches.
import { startFaultProxy, viaProxy, type FaultProxy } from '../../dev/faultProxy';
import { allLines, expectedLine, startHarness, type Harness } from '../support/exporterHarness';

const T0 = new Date('2026-06-01T00:00:00.000Z');
const NOW = new Date(T0.getTime() + 3 * 3600_000);
const MIB = 1 << 20;

describe('large events with small batches, end to end', () => {
  let h: Harness;
  let lake: FaultProxy;
  beforeAll(async () => {
    const big = (n: number, at: number, bytes: number) => ({ id: `big-${n}`, eventTimestamp: new Date(T0.getTime() + at).toISOString(), action: 'QUERY', payload: 'x'.repeat(bytes) });
    h = await startHarness({ count: 40, start: T0, spanSeconds: 2 * 3600, seed: 41, extraEvents: [big(1, 600_000, MIB), big(2, 4000_000, 5 * MIB)] });
    lake = await startFaultProxy({ target: new URL(h.stack.info.dfsEndpoint).origin });
  });
  afterAll(async () => {
    await lake?.stop();
    await h?.stop();
  });

  it('a 1 MiB and a 5 MiB event with 1024-byte batches take a few appends each, not thousands; every event once', async () => {
    // A zero delay on every append: the proxy counts them and forwards each at once.
    lake.setRules([{ query: { action: 'append' }, fault: 'delay', delayMs: 0, count: Infinity }]);
    const summary = await h.run(NOW, { ADLS_PATH: 'large', EXPORT_BATCH_MAX_BYTES: '1024', ADLS_DFS_ENDPOINT: viaProxy(h.stack.info.dfsEndpoint, lake) });
    expect(summary.status).toBe('caught-up');
    expect(summary.events).toBe(42);
    // Forty small events of a few hundred bytes (four appends of a 1024-byte batch's share at most), 1 + 3 for the large ones.
    expect(lake.stats().byRule[0]).toBeLessThanOrEqual(40 * 4 + 4);
    expect(allLines(await h.readLake('large'))).toEqual(h.apiEvents().map(expectedLine));
  });

  it('no new batch begins past the time budget: each run stops within a few batches, and the runs together export every event once', async () => {
    lake.clearRules();
    const env = { ADLS_PATH: 'large-budget', EXPORT_BATCH_MAX_BYTES: '1024', AUDIT_PAGE_SIZE: '50', EXPORT_TIME_BUDGET_SECONDS: '10' };
    const perRun: number[] = [];
    let status = '';
    for (let run = 0; run < 30 && status !== 'caught-up'; run++) {
      // Each clock reading moves time on by 3 s: a 10 s budget leaves room for a batch or two, not a page of twenty.
      const summary = await h.run(NOW, env, { tickMs: 3000 });
      status = summary.status;
      perRun.push(summary.events);
    }
    expect(status).toBe('caught-up');
    expect(perRun.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...perRun)).toBeLessThan(10);
    expect(allLines(await h.readLake('large-budget'))).toEqual(h.apiEvents().map(expectedLine));
  });
});
