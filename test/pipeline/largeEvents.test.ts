// Small batches and large events: an event larger than a batch is a batch of its own, appended in whole parts, and
// the time budget is kept between batches, not only between pages.
import { ManualClock } from '../../src/adapters/memory/manualClock';
import { MemoryCheckpointStore } from '../../src/adapters/memory/memoryCheckpointStore';
import { MemoryCheckpointBlob } from '../../src/adapters/memory/memoryCheckpointBlob';
import { MemoryLake } from '../../src/adapters/memory/memoryLake';
import { PART_BYTES } from '../../src/config/defaults';
import { exportUnderLease } from '../../src/lease/exportUnderLease';
import type { Clock } from '../../src/ports/clock';
import type { RunOptions } from '../../src/windows/runOptions';
import { HostileSource, eventJson, eventsAt, type StoredEvent } from '../support/hostileSource';
import { partLines } from '../support/partLines';

const NOW = new Date('2026-12-01T12:00:00Z');
const START = new Date(NOW.getTime() - 3 * 3600_000);
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A clock whose every reading moves time on by `tickMs` (sleeps as the manual clock's). */
function tickingClock(tickMs: number): Clock {
  const manual = new ManualClock(NOW);
  let t = NOW.getTime();
  return { now: () => new Date((t += tickMs) - tickMs), sleep: (ms, signal) => manual.sleep(ms, signal), every: (ms, tick) => manual.every(ms, tick) };
}

function world(events: StoredEvent[], clock: Clock = new ManualClock(NOW)) {
  const blob = new MemoryCheckpointBlob(new ManualClock(NOW));
  const lake = new MemoryLake();
  const source = new HostileSource(events);
  const run = (options: Partial<RunOptions> = {}) =>
    exportUnderLease(
      { source, lake, store: new MemoryCheckpointStore({ clock: new ManualClock(NOW), blob }), clock, logger: quiet },
      { root: 'a', configId: 'test', pageSize: 50, lagSeconds: 300, exportStart: START, fileMaxBytes: 64 << 20, batchMaxBytes: 1024, timeBudgetMs: 3600_000, abortSignal: new AbortController().signal, ...options },
    );
  const lines = () => partLines(lake);
  const appends = () => lake.faults.log.filter((op) => op.name === 'append');
  return { run, lake, lines, appends };
}

const expected = (events: StoredEvent[]) => [...events].sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : 1)).map((e) => JSON.stringify(eventJson(e)));

describe('large events with EXPORT_BATCH_MAX_BYTES at its minimum (1024)', () => {
  it('a 1 MiB event costs one append and a 5 MiB event three, not thousands; every event once', async () => {
    const events = eventsAt(START.getTime(), 2 * 3600_000, 40);
    events[10]!.payload = 'x'.repeat(1 << 20);
    events[30]!.payload = 'y'.repeat(5 << 20);
    const w = world(events);
    const summary = await w.run();
    expect(summary.status).toBe('caught-up');
    expect(w.lines()).toEqual(expected(events));
    const line = (e: StoredEvent) => Buffer.byteLength(JSON.stringify(eventJson(e))) + 1;
    const large = w.appends().filter((op) => op.length! > 1024).map((op) => op.length);
    expect(large).toEqual([line(events[10]!), PART_BYTES, PART_BYTES, line(events[30]!) - 2 * PART_BYTES]);
    // The small events go in a 1024-byte batch's share of a part (256 bytes): a few appends per batch.
    expect(w.appends().length).toBeLessThan(60);
  });

  it('the time budget is kept between batches: no new batch after it, and the next runs go on where it stopped', async () => {
    const events = eventsAt(START.getTime(), 2 * 3600_000, 60);
    for (const e of events) e.payload = 'z'.repeat(2000); // each event a batch of its own
    // Each clock reading moves time on by a second; the budget is 20 s: a run writes a few batches, not a page of 50.
    const w = world(events, tickingClock(1000));
    const statuses: string[] = [];
    const perRun: number[] = [];
    for (let run = 0; run < 60; run++) {
      const summary = await w.run({ timeBudgetMs: 20_000 });
      statuses.push(summary.status);
      perRun.push(summary.events);
      if (summary.status === 'caught-up') break;
    }
    expect(statuses.at(-1)).toBe('caught-up');
    expect(statuses.filter((s) => s === 'time-budget').length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...perRun)).toBeLessThan(20);
    expect(w.lines()).toEqual(expected(events));
  });
});
