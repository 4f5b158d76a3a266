// Counts that lie (issue 22, item 1): an API whose `count` is capped (as Elasticsearch's hits.total is, at 10,000 by
// default), a few short, or a few over. Whatever it says, every event lands once; the run says what the count is.
import { ManualClock } from '../../src/adapters/memory/manualClock';
import { MemoryCheckpointBlob } from '../../src/adapters/memory/memoryCheckpointBlob';
import { MemoryCheckpointStore } from '../../src/adapters/memory/memoryCheckpointStore';
import { MemoryIdLedger } from '../../src/adapters/memory/memoryIdLedger';
import { MemoryLake } from '../../src/adapters/memory/memoryLake';
import { exportUnderLease } from '../../src/lease/exportUnderLease';
import type { RunSummary } from '../../src/windows/runSummary';
import { HostileSource, eventJson, eventsAt, type Hostility } from '../support/hostileSource';
import { partLines } from '../support/partLines';

const T0 = Date.parse('2026-07-01T00:00:00Z');
const NOW = new Date(T0 + 3.5 * 3600_000);
const HOURS = [0, 1, 2].map((h) => new Date(T0 + h * 3600_000).toISOString());
const events = eventsAt(T0, 3 * 3600_000, 300, 2);
const expected = events.map((e) => JSON.stringify(eventJson(e))).sort();

async function run(hostility: Hostility, recheckHours = 0) {
  const clock = new ManualClock(NOW);
  const lake = new MemoryLake();
  const warnings: string[] = [];
  const logger = { info: () => undefined, warn: (m: string) => void warnings.push(m), error: () => undefined };
  const source = new HostileSource(events, hostility);
  const summary = (await exportUnderLease(
    { source, lake: lake.connect(), store: new MemoryCheckpointStore({ clock, blob: new MemoryCheckpointBlob(clock) }), ledger: new MemoryIdLedger().connect(), clock, logger },
    { root: 'audit', configId: 'test', pageSize: 15, lagSeconds: 300, exportStart: new Date(T0), fileMaxBytes: 1 << 20, batchMaxBytes: 900, timeBudgetMs: 3600_000, recheckHours, abortSignal: new AbortController().signal },
  )) as RunSummary;
  const lines = partLines(lake);
  return { summary, lines, warnings };
}

describe('counts that lie: a cross-check only', () => {
  it.each<[string, (truth: number) => number, number]>([
    ['capped at 50', (truth) => Math.min(truth, 50), 50],
    ['three short', (truth) => Math.max(0, truth - 3), 3],
  ])('a count %s: every event once, caught up, and each hour reported as counted below what was exported', async (_, count, perHour) => {
    const { summary, lines, warnings } = await run({ count });
    expect(lines.length).toBe(new Set(lines).size);
    expect([...lines].sort()).toEqual(expected);
    expect(summary.status).toBe('caught-up');
    expect(summary.source).toMatchObject({ missing: 0, windowsUnverified: 0 });
    expect(summary.source.hours).toEqual(HOURS.map((hour) => ({ hour, missing: 0, countBelowExported: perHour === 50 ? 100 - 50 : perHour })));
    expect(summary.source.countBelowExported).toBe(summary.source.hours.reduce((a, h) => a + h.countBelowExported, 0));
    expect(warnings.filter((w) => w.includes('its count cannot be trusted for that hour'))).toHaveLength(3);
    expect(warnings.some((w) => w.includes('removed'))).toBe(false);
  });

  it('a count five over: every event once, and each hour noticed five short (incomplete)', async () => {
    const { summary, lines } = await run({ count: (truth) => truth + 5 });
    expect([...lines].sort()).toEqual(expected);
    // The hour under way (03:00 to now − lag) holds none, and is counted five too.
    expect(summary.source.hours).toEqual([...HOURS, new Date(T0 + 3 * 3600_000).toISOString()].map((hour) => ({ hour, missing: 5, countBelowExported: 0 })));
    expect(summary.status).toBe('incomplete');
  });

  it('capped, with ties in another order on each request, pages capped and the re-check on: every event once', async () => {
    const { summary, lines } = await run({ count: (truth) => Math.min(truth, 50), unstableTies: true, pageCap: 11 }, 72);
    expect(lines.length).toBe(new Set(lines).size);
    expect([...lines].sort()).toEqual(expected);
    expect(summary.source.missing).toBe(0);
    expect(summary.source.countBelowExported).toBeGreaterThan(0);
  });
});

describe('pages of many megabytes (issue 22, item 12)', () => {
  it('are asked one at a time, the next window only once one ends: never more than two answers held at once', async () => {
    const big = eventsAt(T0, 2 * 3600_000, 16);
    const clock = new ManualClock(new Date(T0 + 2 * 3600_000 + 600_000));
    const lake = new MemoryLake();
    const source = new HostileSource(big, { pad: 2 << 20 });
    const summary = (await exportUnderLease(
      { source, lake: lake.connect(), store: new MemoryCheckpointStore({ clock, blob: new MemoryCheckpointBlob(clock) }), clock, logger: { info: () => undefined, warn: () => undefined, error: () => undefined } },
      { root: 'audit', configId: 'test', pageSize: 5, lagSeconds: 300, exportStart: new Date(T0), fileMaxBytes: 1 << 30, timeBudgetMs: 3600_000, recheckHours: 0, abortSignal: new AbortController().signal },
    )) as RunSummary;
    expect(summary).toMatchObject({ status: 'caught-up', events: 16 });
    expect(source.mostLive).toBeLessThanOrEqual(2);
  });
});
